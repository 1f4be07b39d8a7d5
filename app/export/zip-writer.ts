import { zipArchive, type ZipEntry } from '../../shared/zip/index.js';
import { BlobSink } from './blob-sink.js';

/** One file for the archive, stored as it is (images are already compressed). */
export interface ZipSource {
  path: string;
  blob: Blob;
  /** Modification time (ms since epoch); now when absent. */
  mtime?: number;
}

/** Small generated content (the reports), deflated into the archive. */
export interface ZipExtra {
  path: string;
  data: Uint8Array;
}

/** Bytes read from a blob at a time, so a large image is never wholly in memory. */
const readBytes = 8 * 1024 * 1024;

async function* blobChunks(blob: Blob): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < blob.size; offset += readBytes) {
    yield new Uint8Array(await blob.slice(offset, offset + readBytes).arrayBuffer());
  }
}

/**
 * The ZIP of `extras` then `sources`, as one Blob built from Blob parts (BlobSink), so a
 * multi-GiB archive need not sit in memory. The entries are written by shared/zip, as the
 * server writes its ZIP: safe unique UTF-8 paths, Unix host, modification times, images
 * stored, ZIP64 past 4 GiB (so there are no parts). The extras come first so their names are
 * claimed before any output's. Only one read slice of one source is in memory at a time.
 */
export async function zipToBlob(
  sources: AsyncIterable<ZipSource> | Iterable<ZipSource>,
  extras: readonly ZipExtra[] = [],
): Promise<Blob> {
  const now = Date.now();
  async function* entries(): AsyncGenerator<ZipEntry> {
    for (const extra of extras) yield { path: extra.path, mtime: now, data: extra.data };
    for await (const source of sources) {
      yield {
        path: source.path,
        mtime: source.mtime ?? now,
        size: source.blob.size,
        read: () => blobChunks(source.blob),
      };
    }
  }
  const sink = new BlobSink();
  for await (const chunk of zipArchive(entries())) sink.push(chunk);
  return sink.toBlob('application/zip');
}
