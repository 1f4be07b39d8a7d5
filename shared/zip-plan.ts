import { limits } from './limits.js';
import { utf8ByteLength } from './naming.js';

/**
 * Without ZIP64 (fflate 0.8.3 writes none) sizes and offsets are 32-bit: an archive past this
 * many bytes is written without error but is corrupt.
 */
export const zip32MaxBytes = 0xffff_ffff;

/** Without ZIP64 the end-of-central-directory record counts entries in 16 bits. */
export const zip32MaxEntries = 0xffff;

/** The end-of-central-directory record fflate writes (no archive comment). */
export const zipEndBytes = 22;

/**
 * Bytes an entry adds to an archive besides its data, as fflate's streaming Zip writes it:
 * local header (30 + name), data descriptor (16, with signature), central directory record
 * (46 + name). fflate adds no extra fields unless asked to.
 */
export function zipEntryOverhead(path: string): number {
  return 30 + 16 + 46 + 2 * utf8ByteLength(path);
}

export class ZipEntryTooLargeError extends Error {
  override name = 'ZipEntryTooLargeError';

  constructor(
    readonly path: string,
    readonly size: number,
  ) {
    super(
      `${path} is ${size} bytes; a ZIP without ZIP64 holds at most 4 GiB per archive, so it ` +
        'cannot go into the ZIP. Save it on its own or to a folder instead.',
    );
  }
}

export interface ZipPlanOptions {
  /** Bytes every part must keep free (files added to each part, e.g. the reports). */
  reservedBytes?: number;
  /** Entries every part must keep free, for the same files. */
  reservedEntries?: number;
}

/**
 * Groups entry indices, in order, into archive parts whose estimated size (data, headers,
 * central directory, end record) stays within `maxPartBytes` (never above 4 GiB) and whose entry
 * count stays within 65,535. An entry larger than a part gets a part of its own; one that cannot
 * fit even in a 4 GiB archive throws ZipEntryTooLargeError.
 * Example: `planZipParts([{ path: 'a.jpg', size: 3e9 }, { path: 'b.jpg', size: 3e9 }])` →
 * `[[0], [1]]`.
 */
export function planZipParts(
  entries: readonly { path: string; size: number }[],
  maxPartBytes: number = limits.maxZipPartBytes,
  options: ZipPlanOptions = {},
): number[][] {
  const reservedBytes = options.reservedBytes ?? 0;
  const reservedEntries = options.reservedEntries ?? 0;
  if (!(maxPartBytes > 0)) {
    throw new RangeError(`Expected a positive maxPartBytes but received ${maxPartBytes}`);
  }
  if (!(reservedEntries >= 0 && reservedEntries < zip32MaxEntries)) {
    throw new RangeError(
      `Expected reservedEntries between 0 and ${zip32MaxEntries - 1} but received ${reservedEntries}`,
    );
  }
  const cap = Math.min(maxPartBytes, zip32MaxBytes);
  const emptyPart = zipEndBytes + reservedBytes;
  const maxEntries = zip32MaxEntries - reservedEntries;

  const parts: number[][] = [];
  let current: number[] = [];
  let bytes = emptyPart;
  entries.forEach((entry, index) => {
    const cost = entry.size + zipEntryOverhead(entry.path);
    if (emptyPart + cost > zip32MaxBytes) throw new ZipEntryTooLargeError(entry.path, entry.size);
    if (current.length > 0 && (bytes + cost > cap || current.length >= maxEntries)) {
      parts.push(current);
      current = [];
      bytes = emptyPart;
    }
    current.push(index);
    bytes += cost;
  });
  if (current.length > 0) parts.push(current);
  return parts;
}
