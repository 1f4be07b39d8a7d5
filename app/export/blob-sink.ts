/** Chunks up to this size are gathered before becoming one Blob part. */
const gatherBytes = 1024 * 1024;

/**
 * Collects emitted bytes as Blob parts instead of one growing Uint8Array: the browser may keep
 * Blob data on disk, so a multi-GiB archive need not sit in memory. Small chunks (headers,
 * small files) are gathered first so 10,000 entries do not make 30,000 tiny Blobs.
 */
export class BlobSink {
  #parts: Blob[] = [];
  #pending: Uint8Array<ArrayBuffer>[] = [];
  #pendingBytes = 0;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  push(chunk: Uint8Array): void {
    this.#size += chunk.length;
    if (chunk.length >= gatherBytes) {
      this.#flush();
      this.#parts.push(new Blob([chunk as Uint8Array<ArrayBuffer>]));
      return;
    }
    // Copied: the chunk may be a view into a buffer its producer reuses.
    this.#pending.push(chunk.slice());
    this.#pendingBytes += chunk.length;
    if (this.#pendingBytes >= gatherBytes) this.#flush();
  }

  toBlob(type: string): Blob {
    this.#flush();
    return new Blob(this.#parts, { type });
  }

  #flush(): void {
    if (this.#pending.length === 0) return;
    this.#parts.push(new Blob(this.#pending));
    this.#pending = [];
    this.#pendingBytes = 0;
  }
}
