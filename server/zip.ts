import { open } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { zipArchive, type ZipEntry } from '../shared/zip/index.js';

/** A file on disk to store in the archive as it is (images are already compressed). */
export interface ZipFileEntry {
  path: string;
  file: string;
  /** Its size from stat: 4 GiB or more makes the entry ZIP64 from its first header. */
  size: number;
  mtime: Date;
}

/** Small generated content to deflate into the archive (the reports, a ladder's manifests). */
export interface ZipDataEntry {
  path: string;
  data: Uint8Array;
}

const readBytes = 1024 * 1024;

/** A file's bytes, 1 MiB at a time; the handle is closed when done, failed or abandoned. */
async function* readFile(file: string): AsyncGenerator<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    for (;;) {
      // A fresh buffer each time: the writer hands chunks to the stream without copying.
      const buffer = new Uint8Array(readBytes);
      const { bytesRead } = await handle.read(buffer, 0, readBytes, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/**
 * A ZIP of `extras` then `files`, in order (shared/zip: the same entries the app writes,
 * ZIP64 past 4 GiB) as a pull-driven stream: a file is opened when the archive reaches it
 * and read only when the consumer wants more bytes, so a slow client never makes the server
 * buffer a whole file (fflate's Zip, used before, pushes through a callback without
 * backpressure). Cancelling the stream closes the open file. The extras (the reports) come
 * first so their names are claimed before any output's; `files` may hold generated text
 * among the files on disk (a ladder's manifest next to its images).
 */
export function zipStream(
  files: readonly (ZipFileEntry | ZipDataEntry)[],
  extras: readonly ZipDataEntry[],
): ReadableStream<Uint8Array> {
  const now = Date.now();
  const entries: ZipEntry[] = [...extras, ...files].map((e) =>
    'data' in e
      ? { path: e.path, mtime: now, data: e.data }
      : { path: e.path, mtime: e.mtime.getTime(), size: e.size, read: () => readFile(e.file) },
  );
  // Node's zlib.crc32 is native: ~6x the JavaScript CRC (docs/BENCHMARKS.md).
  const chunks = zipArchive(entries, { crc32 });
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      async cancel() {
        await chunks.return();
      },
    },
    // Nothing read ahead of what the consumer asked for.
    { highWaterMark: 0 },
  );
}
