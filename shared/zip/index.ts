import { deflateSync } from 'fflate';
import { crc32Update } from './crc32.js';
import { ArchivePaths } from './paths.js';
import {
  centralRecord,
  dataDescriptor,
  endRecords,
  localHeader,
  max32,
  utf8,
  type EntryRecord,
} from './records.js';

/** A file stored as it is (images are already compressed), read when the archive reaches it. */
export interface ZipStreamEntry {
  path: string;
  /** Modification time, ms since the epoch. */
  mtime: number;
  /** The bytes `read` will give; at 4 GiB or more the local header announces ZIP64 sizes. */
  size: number;
  /**
   * Called once, when the writer reaches the entry. Each chunk goes out as it is (no copy), so
   * a source must not reuse a buffer it has yielded. Ending the archive early ends this
   * iterator too (its `finally` runs), which is where a file handle gets closed.
   */
  read(): AsyncIterable<Uint8Array>;
}

/** Small content already in memory (the reports): deflated when that makes it smaller. */
export interface ZipDataEntry {
  path: string;
  /** Modification time, ms since the epoch. */
  mtime: number;
  data: Uint8Array;
}

export type ZipEntry = ZipStreamEntry | ZipDataEntry;

export interface ZipOptions {
  /** A faster CRC-32 where the platform has one (Node's zlib.crc32); crc32Update's contract. */
  crc32?: (bytes: Uint8Array, crc: number) => number;
  /** ZIP64 records even where nothing overflows, so tests can check them without 4 GiB. */
  forceZip64?: boolean;
}

/** An entry declared under 4 GiB gave 4 GiB or more: its header had no room for the size. */
export class ZipEntrySizeError extends Error {
  override name = 'ZipEntrySizeError';

  constructor(
    readonly path: string,
    readonly declared: number,
  ) {
    super(`${path} was declared as ${declared} bytes but gave 4 GiB or more while being zipped`);
  }
}

// Central directory records are sent in chunks of about this size, not one per entry.
const directoryChunkBytes = 64 * 1024;
const deflateLevel = 6;

/**
 * The bytes of a ZIP archive of `entries`, in order. Pull-driven: an entry's `read()` is
 * called, and each of its chunks read, only when the consumer asks for more, so a slow
 * download never makes the writer read ahead. Every entry gets the same settings on every
 * side: a safe, unique UTF-8 path (ArchivePaths) under a Unix host with a regular-file mode,
 * its modification time (DOS fields plus a UTC timestamp), stored or (data) deflated. Past
 * 4 GiB or 65,535 entries the archive carries ZIP64 records; below, it is a plain ZIP.
 * @example
 * for await (const chunk of zipArchive([{ path: 'a.txt', mtime: Date.now(), data }])) sink(chunk);
 */
export async function* zipArchive(
  entries: AsyncIterable<ZipEntry> | Iterable<ZipEntry>,
  options: ZipOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const crc32 = options.crc32 ?? crc32Update;
  const force = options.forceZip64 ?? false;
  const paths = new ArchivePaths();
  const directory: Uint8Array[] = [];
  let directorySize = 0;
  let offset = 0;

  for await (const entry of entries) {
    const name = utf8(paths.claim(entry.path));
    let record: EntryRecord;
    if ('data' in entry) {
      const { data } = entry;
      const deflated = deflateSync(data, { level: deflateLevel });
      const stored = deflated.length >= data.length;
      const body = stored ? data : deflated;
      record = {
        name,
        mtime: entry.mtime,
        method: stored ? 0 : 8,
        crc: crc32(data, 0),
        compressedSize: body.length,
        size: data.length,
        offset,
        descriptor: false,
        zip64Local: force || data.length >= max32,
      };
      const header = localHeader(record);
      yield header;
      yield body;
      offset += header.length + body.length;
    } else {
      record = {
        name,
        mtime: entry.mtime,
        method: 0,
        crc: 0,
        compressedSize: 0,
        size: 0,
        offset,
        descriptor: true,
        zip64Local: force || entry.size >= max32,
      };
      const header = localHeader(record);
      yield header;
      offset += header.length;
      for await (const chunk of entry.read()) {
        if (chunk.length === 0) continue;
        record.size += chunk.length;
        if (!record.zip64Local && record.size >= max32) {
          throw new ZipEntrySizeError(entry.path, entry.size);
        }
        record.crc = crc32(chunk, record.crc);
        yield chunk;
      }
      record.compressedSize = record.size;
      const descriptor = dataDescriptor(record);
      yield descriptor;
      offset += record.size + descriptor.length;
    }
    const central = centralRecord(record, force);
    directory.push(central);
    directorySize += central.length;
  }

  yield* gather(directory, directoryChunkBytes);
  yield endRecords(directory.length, directorySize, offset, force);
}

/** `parts` joined into chunks of at least `bytes` (the last may be shorter). */
function* gather(parts: Uint8Array[], bytes: number): Generator<Uint8Array> {
  for (let i = 0; i < parts.length;) {
    let length = 0;
    let j = i;
    while (j < parts.length && length < bytes) length += parts[j++].length;
    const chunk = new Uint8Array(length);
    let at = 0;
    for (; i < j; i++) {
      chunk.set(parts[i], at);
      at += parts[i].length;
    }
    yield chunk;
  }
}
