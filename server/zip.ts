import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { open, type FileHandle } from 'node:fs/promises';

/** A file on disk to store in the archive as it is (images are already compressed). */
export interface ZipFileEntry {
  path: string;
  file: string;
  mtime?: Date;
}

/** Small generated content to deflate into the archive (the reports). */
export interface ZipDataEntry {
  path: string;
  data: Uint8Array;
}

const readBytes = 1024 * 1024;

/**
 * A ZIP of `files` then `extras` as a pull-driven stream: a file is read (1 MiB at a time,
 * one file open at once) only when the consumer wants more bytes, which gives the
 * backpressure fflate's Zip callback does not have. Cancelling the stream closes the file.
 * No ZIP64: callers keep each archive under 4 GiB (shared/zip-plan.ts).
 */
export function zipStream(
  files: readonly ZipFileEntry[],
  extras: readonly ZipDataEntry[],
): ReadableStream<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let finished = false;
  let failure: Error | null = null;
  const zip = new Zip((err, chunk, final) => {
    if (err) failure = err;
    else chunks.push(chunk);
    if (final) finished = true;
  });
  let next = 0;
  let current: { handle: FileHandle; entry: ZipPassThrough } | null = null;

  const step = async () => {
    if (current) {
      // A fresh buffer each time: fflate hands stored data straight to the stream.
      const buffer = new Uint8Array(readBytes);
      const { bytesRead } = await current.handle.read(buffer, 0, readBytes, null);
      if (bytesRead > 0) {
        current.entry.push(buffer.subarray(0, bytesRead));
        return;
      }
      current.entry.push(new Uint8Array(0), true);
      await current.handle.close();
      current = null;
      return;
    }
    if (next < files.length) {
      const f = files[next++];
      const handle = await open(f.file, 'r');
      const entry = new ZipPassThrough(f.path);
      if (f.mtime) entry.mtime = f.mtime;
      zip.add(entry);
      current = { handle, entry };
      return;
    }
    for (const extra of extras) {
      const entry = new ZipDeflate(extra.path, { level: 6 });
      zip.add(entry);
      entry.push(extra.data, true);
    }
    zip.end();
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        while (chunks.length === 0 && !finished && !failure) await step();
        if (failure) throw failure;
        for (const chunk of chunks.splice(0)) controller.enqueue(chunk);
        if (finished) controller.close();
      } catch (e) {
        await current?.handle.close().catch(() => undefined);
        current = null;
        controller.error(e);
      }
    },
    async cancel() {
      zip.terminate();
      await current?.handle.close().catch(() => undefined);
      current = null;
    },
  });
}
