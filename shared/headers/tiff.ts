import { be16, be32, dimension, has, le16, le32, type HeaderInfo } from './bytes.js';

// TIFF 6.0 (Adobe, 1992) sections 2 and 8, and BigTIFF (libtiff's 64-bit variant: version
// 43, 8-byte counts and offsets, 20-byte entries). Every offset comes from the file, so every
// read is checked against its length first: a directory or value that lies outside the file
// reads as missing, never as whatever the buffer holds there.

export const tag = {
  newSubfileType: 254,
  imageWidth: 256,
  imageLength: 257,
  bitsPerSample: 258,
  compression: 259,
  photometric: 262,
  stripOffsets: 273,
  orientation: 274,
  samplesPerPixel: 277,
  rowsPerStrip: 278,
  stripByteCounts: 279,
  planarConfiguration: 284,
  predictor: 317,
  colorMap: 320,
  tileWidth: 322,
  tileLength: 323,
  tileOffsets: 324,
  tileByteCounts: 325,
  inkSet: 332,
  extraSamples: 338,
  sampleFormat: 339,
  dngVersion: 50706,
} as const;

// Bytes per value of each field type; 13 is IFD (a LONG), 16–18 BigTIFF's LONG8, SLONG8, IFD8.
const typeSizes: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  13: 4,
  16: 8,
  17: 8,
  18: 8,
};

/** More values than any real image needs in one field (a strip per row of 65,535 rows × 4). */
const maxValues = 1 << 20;

export interface TiffEntry {
  tag: number;
  type: number;
  count: number;
  /** Where the entry starts in the file. */
  at: number;
}

export interface TiffDirectory {
  /** Where the directory starts. */
  at: number;
  entries: Map<number, TiffEntry>;
  /** The next directory's offset, 0 for none. */
  next: number;
}

/** The byte order and variant of a TIFF file, and bounds-checked readers over its bytes. */
export class TiffFile {
  readonly little: boolean;
  readonly big: boolean;

  constructor(
    readonly bytes: Uint8Array,
    little: boolean,
    big: boolean,
  ) {
    this.little = little;
    this.big = big;
  }

  /** Bytes the header takes: 8, or 16 for BigTIFF. */
  get headerSize(): number {
    return this.big ? 16 : 8;
  }

  u16(o: number): number {
    return this.little ? le16(this.bytes, o) : be16(this.bytes, o);
  }

  u32(o: number): number {
    return this.little ? le32(this.bytes, o) : be32(this.bytes, o);
  }

  /** A 64-bit value as a number; exact below 2^53, far past any file this reads. */
  u64(o: number): number {
    const lo = this.u32(this.little ? o : o + 4);
    const hi = this.u32(this.little ? o + 4 : o);
    return hi * 2 ** 32 + lo;
  }

  /** An offset or count field: 4 bytes, or 8 in BigTIFF. */
  word(o: number): number {
    return this.big ? this.u64(o) : this.u32(o);
  }

  /** The first directory's offset, or undefined when the header is cut short. */
  firstDirectory(): number | undefined {
    return has(this.bytes, 0, this.headerSize) ? this.word(this.big ? 8 : 4) : undefined;
  }

  /**
   * The directory at `offset`, or null when its entry table is outside the file. A missing
   * next-directory offset after a whole table reads as 0 (the last directory), as libtiff does.
   */
  directory(offset: number): TiffDirectory | null {
    const countSize = this.big ? 8 : 2;
    const entrySize = this.big ? 20 : 12;
    const wordSize = this.big ? 8 : 4;
    if (!has(this.bytes, offset, countSize)) return null;
    const count = this.big ? this.u64(offset) : this.u16(offset);
    const first = offset + countSize;
    if (!has(this.bytes, first, count * entrySize)) return null;
    const entries = new Map<number, TiffEntry>();
    for (let i = 0; i < count; i++) {
      const at = first + i * entrySize;
      const t = this.u16(at);
      // The first of a repeated tag wins, as libtiff keeps it.
      if (!entries.has(t)) {
        entries.set(t, {
          tag: t,
          type: this.u16(at + 2),
          count: this.big ? this.u64(at + 4) : this.u32(at + 4),
          at,
        });
      }
    }
    const end = first + count * entrySize;
    const next = has(this.bytes, end, wordSize) ? this.word(end) : 0;
    return { at: offset, entries, next };
  }

  /**
   * The entry's values as unsigned integers (BYTE, SHORT, LONG, LONG8 and the IFD types), or
   * null when the type is not an integer or the values lie outside the file.
   */
  values(entry: TiffEntry | undefined): number[] | null {
    if (!entry) return null;
    const size = typeSizes[entry.type];
    const integer = [1, 3, 4, 13, 16, 18].includes(entry.type);
    if (!size || !integer || entry.count < 1 || entry.count > maxValues) return null;
    const bytes = size * entry.count;
    const inline = this.big ? 8 : 4;
    const field = entry.at + (this.big ? 12 : 8);
    const at = bytes <= inline ? field : this.word(field);
    if (!has(this.bytes, at, bytes)) return null;
    const out = new Array<number>(entry.count);
    for (let i = 0; i < entry.count; i++) {
      const o = at + i * size;
      out[i] =
        size === 1
          ? this.bytes[o]
          : size === 2
            ? this.u16(o)
            : size === 4
              ? this.u32(o)
              : this.u64(o);
    }
    return out;
  }

  /** The first value of the directory's `tagId`; undefined when absent or unreadable. */
  value(dir: TiffDirectory, tagId: number): number | undefined {
    return this.values(dir.entries.get(tagId))?.[0];
  }
}

/**
 * Reads the 8-byte header ('II' or 'MM', 42) or the 16-byte BigTIFF one (43, offset size 8).
 * Null when the bytes do not start like a TIFF file.
 */
export function openTiff(b: Uint8Array): TiffFile | null {
  if (!has(b, 0, 4)) return null;
  const little = b[0] === 0x49 && b[1] === 0x49;
  if (!little && !(b[0] === 0x4d && b[1] === 0x4d)) return null;
  const version = little ? le16(b, 2) : be16(b, 2);
  if (version === 42) return new TiffFile(b, little, false);
  if (version !== 43 || !has(b, 4, 4)) return null;
  // BigTIFF: the offset size (always 8) and a zero word, then the first directory's offset.
  const file = new TiffFile(b, little, true);
  return file.u16(4) === 8 && file.u16(6) === 0 ? file : null;
}

/** The first directory, or null when the header is cut short or it lies outside the file. */
export function firstDirectory(file: TiffFile): TiffDirectory | null {
  const offset = file.firstDirectory();
  if (offset === undefined || offset < file.headerSize) return null;
  return file.directory(offset);
}

/**
 * Camera RAW files are TIFF inside (CR2, NEF, ARW, PEF, DNG…), but their first directory
 * holds a thumbnail, a preview or sensor data, not the photo: converting it would quietly
 * give a 160 × 120 picture. Canon's CR2 says so after the header; DNG has a DNGVersion tag;
 * the others mark the first image as a reduced-resolution copy (NewSubfileType bit 0) or
 * store the sensor's colour filter array (photometric 32803) or linear raw data (34892).
 */
export function isCameraRaw(b: Uint8Array): boolean {
  const file = openTiff(b);
  if (!file) return false;
  if (!file.big && b[8] === 0x43 && b[9] === 0x52) return true; // 'CR'
  const dir = firstDirectory(file);
  if (!dir) return false;
  if (dir.entries.has(tag.dngVersion)) return true;
  if (((file.value(dir, tag.newSubfileType) ?? 0) & 1) === 1) return true;
  const photometric = file.value(dir, tag.photometric);
  return photometric === 32803 || photometric === 34892;
}

/** The first image's stored size and its Orientation tag (274), from its directory alone. */
export function readTiff(b: Uint8Array): HeaderInfo {
  const file = openTiff(b);
  if (!file) return {};
  const dir = firstDirectory(file);
  if (!dir) return {};
  const info: HeaderInfo = {};
  const width = dimension(file.value(dir, tag.imageWidth) ?? 0);
  const height = dimension(file.value(dir, tag.imageLength) ?? 0);
  if (width !== undefined && height !== undefined) {
    info.width = width;
    info.height = height;
  }
  const orientation = file.value(dir, tag.orientation) ?? 1;
  info.orientation = orientation >= 1 && orientation <= 8 ? orientation : 1;
  return info;
}
