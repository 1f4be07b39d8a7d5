import type { FormatId } from '../formats/index.js';

// EXIF is a TIFF structure: a byte-order mark, 42, then linked IFDs of 12-byte entries
// (tag, type, count, value or offset). Everything here checks bounds before it reads or writes,
// and anything malformed yields null rather than an exception.

const tags = {
  orientation: 0x0112,
  exifIfd: 0x8769,
  gpsIfd: 0x8825,
  thumbnailOffset: 0x0201,
  thumbnailLength: 0x0202,
  pixelXDimension: 0xa002,
  pixelYDimension: 0xa003,
} as const;

// Bytes per value for TIFF types 1..13 (TIFF 6.0 §2 plus IFD = 13); unknown types count as 0.
const typeSizes = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4];

const shortType = 3;
const longType = 4;

/** A bounds-checked view on a TIFF block in either byte order. */
class Tiff {
  readonly little: boolean;
  constructor(readonly b: Uint8Array) {
    this.little = b[0] === 0x49;
  }

  static open(b: Uint8Array): Tiff | null {
    if (b.length < 8) return null;
    const order = (b[0] << 8) | b[1];
    if (order !== 0x4949 && order !== 0x4d4d) return null; // 'II' or 'MM'
    const t = new Tiff(b);
    return t.u16(2) === 42 ? t : null;
  }

  has(offset: number, n: number): boolean {
    return Number.isInteger(offset) && offset >= 0 && n >= 0 && offset + n <= this.b.length;
  }

  u16(o: number): number {
    const b = this.b;
    return this.little ? b[o] | (b[o + 1] << 8) : (b[o] << 8) | b[o + 1];
  }

  u32(o: number): number {
    const b = this.b;
    return this.little
      ? b[o + 3] * 0x1000000 + ((b[o + 2] << 16) | (b[o + 1] << 8) | b[o])
      : b[o] * 0x1000000 + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]);
  }

  w16(o: number, v: number): void {
    if (this.little) this.b.set([v & 0xff, (v >> 8) & 0xff], o);
    else this.b.set([(v >> 8) & 0xff, v & 0xff], o);
  }

  w32(o: number, v: number): void {
    const bytes = [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
    this.b.set(this.little ? bytes.reverse() : bytes, o);
  }

  /** The IFD at `offset` when its entry table fits; offsets into the 8-byte header are refused. */
  ifd(offset: number): Ifd | null {
    if (offset < 8 || !this.has(offset, 2)) return null;
    const count = this.u16(offset);
    if (!this.has(offset + 2, count * 12)) return null;
    return { offset, count };
  }

  /** Entry offset of `tag` in `ifd`, or -1. */
  find(ifd: Ifd, tag: number): number {
    for (let i = 0; i < ifd.count; i++) {
      const e = ifd.offset + 2 + i * 12;
      if (this.u16(e) === tag) return e;
    }
    return -1;
  }

  /** The entry's value as a number when it is one SHORT or LONG (as offsets and sizes are). */
  scalar(entry: number): number | null {
    const type = this.u16(entry + 2);
    if (this.u32(entry + 4) !== 1) return null;
    return type === shortType
      ? this.u16(entry + 8)
      : type === longType
        ? this.u32(entry + 8)
        : null;
  }

  /** Overwrites a one-value SHORT or LONG entry in place; false when the value cannot fit. */
  setScalar(entry: number, value: number): boolean {
    const type = this.u16(entry + 2);
    if (this.u32(entry + 4) !== 1) return false;
    if (type === shortType && value <= 0xffff) this.w16(entry + 8, value);
    else if (type === longType) this.w32(entry + 8, value);
    else return false;
    return true;
  }

  /** Where the IFD's next-IFD pointer sits, when it is inside the block. */
  nextPointer(ifd: Ifd): number {
    const o = ifd.offset + 2 + ifd.count * 12;
    return this.has(o, 4) ? o : -1;
  }

  zero(offset: number, n: number): void {
    const start = Math.max(0, offset);
    const end = Math.min(this.b.length, offset + n);
    if (end > start) this.b.fill(0, start, end);
  }

  /** Zeroes an IFD's out-of-line values, then the IFD itself (entries and next pointer). */
  wipeIfd(ifd: Ifd): void {
    for (let i = 0; i < ifd.count; i++) {
      const e = ifd.offset + 2 + i * 12;
      const size = (typeSizes[this.u16(e + 2)] ?? 0) * this.u32(e + 4);
      if (size > 4) {
        const at = this.u32(e + 8);
        if (at >= 8 && this.has(at, size)) this.zero(at, size);
      }
    }
    this.zero(ifd.offset, 2 + ifd.count * 12 + 4);
  }
}

interface Ifd {
  offset: number;
  count: number;
}

export interface PrepareExifOptions {
  /** Remove the GPS IFD and every byte of its values. */
  dropGps: boolean;
  /** The output size, written into PixelXDimension/PixelYDimension when those tags exist. */
  width?: number;
  height?: number;
}

/**
 * The EXIF to write next to converted pixels: a copy with Orientation set to 1 (the pixels
 * are upright now), the embedded thumbnail removed (it shows the original, unrotated and
 * uncropped), and with `dropGps` no location left: the GPS IFD pointer leaves IFD0 and the
 * GPS IFD and its out-of-line values are zeroed. Null when the block is not readable EXIF.
 */
export function prepareExif(exif: Uint8Array, options: PrepareExifOptions): Uint8Array | null {
  try {
    const t = Tiff.open(exif.slice());
    if (!t) return null;
    const ifd0 = t.ifd(t.u32(4));
    if (!ifd0) return null;

    const orientation = t.find(ifd0, tags.orientation);
    if (orientation >= 0) t.setScalar(orientation, 1);

    const exifEntry = t.find(ifd0, tags.exifIfd);
    // Pointers are LONG or IFD (type 13); either way the offset sits inline.
    const exifIfd = exifEntry >= 0 ? t.ifd(t.u32(exifEntry + 8)) : null;
    if (exifIfd) {
      const size = {
        [tags.pixelXDimension]: options.width,
        [tags.pixelYDimension]: options.height,
      };
      for (const [tag, value] of Object.entries(size)) {
        const e = t.find(exifIfd, Number(tag));
        if (e >= 0 && value !== undefined) t.setScalar(e, value);
      }
    }

    dropThumbnail(t, ifd0);
    if (options.dropGps) dropGps(t, ifd0);
    return t.b;
  } catch {
    return null;
  }
}

function dropThumbnail(t: Tiff, ifd0: Ifd): void {
  const next = t.nextPointer(ifd0);
  if (next < 0) return;
  const ifd1 = t.ifd(t.u32(next));
  t.w32(next, 0);
  if (!ifd1) return;
  const offsetEntry = t.find(ifd1, tags.thumbnailOffset);
  const lengthEntry = t.find(ifd1, tags.thumbnailLength);
  if (offsetEntry >= 0 && lengthEntry >= 0) {
    const at = t.scalar(offsetEntry) ?? -1;
    const length = t.scalar(lengthEntry) ?? 0;
    if (at >= 8 && t.has(at, length)) t.zero(at, length);
  }
  t.wipeIfd(ifd1);
}

function dropGps(t: Tiff, ifd0: Ifd): void {
  const entry = t.find(ifd0, tags.gpsIfd);
  if (entry < 0) return;
  const gps = t.ifd(t.u32(entry + 8));
  if (gps) t.wipeIfd(gps);
  // Close the gap in IFD0: later entries and the next-IFD pointer move up by one entry.
  const tableEnd = ifd0.offset + 2 + ifd0.count * 12;
  const tail = t.has(tableEnd, 4) ? tableEnd + 4 : tableEnd;
  t.b.copyWithin(entry, entry + 12, tail);
  t.zero(tail - 12, 12);
  t.w16(ifd0.offset, ifd0.count - 1);
}

function isTiff(b: Uint8Array): boolean {
  return Tiff.open(b) !== null;
}

function fourcc(b: Uint8Array, o: number): string {
  return String.fromCharCode(b[o], b[o + 1], b[o + 2], b[o + 3]);
}

// 'Exif\0\0', the prefix JPEG's APP1 uses (and some WebP writers copy into the chunk).
const exifPrefix = [0x45, 0x78, 0x69, 0x66, 0, 0];

function hasExifPrefix(b: Uint8Array, o: number): boolean {
  return o + 6 <= b.length && exifPrefix.every((x, i) => b[o + i] === x);
}

/** Copies `b[start, end)` when it is a TIFF block; null otherwise. */
function tiffAt(b: Uint8Array, start: number, end: number): Uint8Array | null {
  if (start < 0 || end > b.length || end - start < 8) return null;
  const out = b.slice(start, end);
  return isTiff(out) ? out : null;
}

function fromJpeg(b: Uint8Array): Uint8Array | null {
  if (b[0] !== 0xff || b[1] !== 0xd8) return null;
  let o = 2;
  while (o + 4 <= b.length && b[o] === 0xff) {
    const marker = b[o + 1];
    if (marker === 0xff) {
      o += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      o += 2; // no length field
      continue;
    }
    if (marker === 0xda || marker === 0xd9) break; // scan data or end: no more metadata
    const length = (b[o + 2] << 8) | b[o + 3];
    if (length < 2) break;
    const body = o + 4;
    if (marker === 0xe1 && hasExifPrefix(b, body)) {
      return tiffAt(b, body + 6, Math.min(o + 2 + length, b.length));
    }
    o += 2 + length;
  }
  return null;
}

function fromPng(b: Uint8Array): Uint8Array | null {
  let o = 8;
  while (o + 12 <= b.length) {
    const length = b[o] * 0x1000000 + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]);
    const type = fourcc(b, o + 4);
    if (type === 'eXIf') return tiffAt(b, o + 8, Math.min(o + 8 + length, b.length));
    if (type === 'IEND') break;
    o += 12 + length;
  }
  return null;
}

function fromWebp(b: Uint8Array): Uint8Array | null {
  if (b.length < 12 || fourcc(b, 0) !== 'RIFF' || fourcc(b, 8) !== 'WEBP') return null;
  let o = 12;
  while (o + 8 <= b.length) {
    const size = b[o + 4] | (b[o + 5] << 8) | (b[o + 6] << 16) | (b[o + 7] * 0x1000000);
    const d = o + 8;
    if (fourcc(b, o) === 'EXIF') {
      const start = hasExifPrefix(b, d) ? d + 6 : d;
      return tiffAt(b, start, Math.min(d + size, b.length));
    }
    o = d + size + (size & 1);
  }
  return null;
}

/**
 * The raw EXIF (TIFF structure, from its 'II'/'MM' byte-order mark) carried by a JPEG APP1,
 * PNG eXIf or WebP EXIF chunk; null for other formats, no EXIF, or a block that is not TIFF.
 * HEIC, AVIF and JPEG XL keep EXIF in ISO-BMFF items or boxes, which this does not read.
 */
export function extractExif(bytes: Uint8Array, format: FormatId): Uint8Array | null {
  try {
    if (format === 'jpeg') return fromJpeg(bytes);
    if (format === 'png') return fromPng(bytes);
    if (format === 'webp') return fromWebp(bytes);
    return null;
  } catch {
    return null;
  }
}
