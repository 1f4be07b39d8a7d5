import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

// Ids are base64url from randomBytes and checked against this before any path is built, so a
// request can never name a file outside the data folder.
const idPattern = /^[A-Za-z0-9_-]{8,64}$/;

/** Whether `id` is shaped like the ids this server hands out. */
export function isId(id: string): boolean {
  return idPattern.test(id);
}

/** A new random id: 16 bytes → 22 URL-safe characters. */
export function newId(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * Where batches live on disk: `<dataDir>/batches/<batchId>/in/<itemId>` (the upload) and
 * `out/<itemId>` (the output; a ladder's further files are `out/<itemId>.<k>`). Files being
 * written carry a `.tmp` suffix and are renamed into place when complete, so a name without
 * it always holds a whole file.
 */
export class DataFiles {
  constructor(readonly dataDir: string) {}

  get database(): string {
    return path.join(this.dataDir, 'pixpool.db');
  }

  batchDir(batchId: string): string {
    return path.join(this.dataDir, 'batches', batchId);
  }

  input(batchId: string, itemId: string): string {
    return path.join(this.batchDir(batchId), 'in', itemId);
  }

  /** The item's output, or with `index` k ≥ 1 its ladder's k-th file. */
  output(batchId: string, itemId: string, index = 0): string {
    return path.join(this.batchDir(batchId), 'out', index === 0 ? itemId : `${itemId}.${index}`);
  }

  /** A unique temporary name next to `final`, for concurrent writers of the same file. */
  temp(final: string): string {
    return `${final}.${randomBytes(6).toString('hex')}.tmp`;
  }

  /**
   * Writes an item's files (`data[k]` as `output(…, k)`), each under a temporary name renamed
   * into place: rename() replaces atomically, so a final name holds the old file or the new,
   * never half. On an error, or `signal` aborting, removes what it wrote and throws.
   */
  async writeOutputs(
    batchId: string,
    itemId: string,
    data: readonly Uint8Array[],
    signal?: AbortSignal,
  ): Promise<void> {
    let written = 0;
    try {
      for (const [k, bytes] of data.entries()) {
        const final = this.output(batchId, itemId, k);
        const temp = this.temp(final);
        try {
          await writeFile(temp, bytes);
          if (signal?.aborted) throw signal.reason;
          await rename(temp, final);
        } catch (e) {
          await rm(temp, { force: true });
          throw e;
        }
        written++;
      }
    } catch (e) {
      await this.removeOutputs(batchId, itemId, written);
      throw e;
    }
  }

  /** Removes an item's first `count` files (nobody will ask for them). */
  async removeOutputs(batchId: string, itemId: string, count: number): Promise<void> {
    for (let k = 0; k < count; k++) await rm(this.output(batchId, itemId, k), { force: true });
  }

  async createBatchDirs(batchId: string): Promise<void> {
    await mkdir(path.join(this.batchDir(batchId), 'in'), { recursive: true });
    await mkdir(path.join(this.batchDir(batchId), 'out'), { recursive: true });
  }

  async removeBatch(batchId: string): Promise<void> {
    await rm(this.batchDir(batchId), { recursive: true, force: true });
  }

  /** Removes what a killed process left half-written (*.tmp) and folders of unknown batches. */
  async sweep(knownBatch: (id: string) => boolean): Promise<void> {
    const root = path.join(this.dataDir, 'batches');
    const batches = await readdir(root).catch(() => [] as string[]);
    for (const id of batches) {
      if (!knownBatch(id)) {
        await this.removeBatch(id);
        continue;
      }
      for (const sub of ['in', 'out']) {
        const dir = path.join(root, id, sub);
        for (const name of await readdir(dir).catch(() => [] as string[])) {
          if (name.endsWith('.tmp')) await rm(path.join(dir, name), { force: true });
        }
      }
    }
  }
}
