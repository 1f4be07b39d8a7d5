// A hand-built EXIF block with everything metadata handling must get right: an orientation,
// an Exif IFD with out-of-line values, a GPS IFD with out-of-line coordinates and a thumbnail.

import { concatBytes } from '../../../shared/headers/bytes.js';

/** The GPS latitude as stored: three RATIONALs with numerators that appear nowhere else. */
export const latitudeRationals = [0x5a5a0051, 1, 0x5a5a0030, 1, 0x5a5a2612, 100];
export const thumbnailBytes = new TextEncoder().encode('THUMBNAIL-SECRET');

type Entry = [tag: number, type: number, count: number, value: number | number[] | string];

/** Writes a TIFF block; out-of-line values go after the IFDs, in order. */
export function buildExif(little: boolean, orientation = 6): Uint8Array {
  const b = new Uint8Array(512);
  const v = new DataView(b.buffer);
  const u16 = (o: number, x: number) => v.setUint16(o, x, little);
  const u32 = (o: number, x: number) => v.setUint32(o, x, little);
  b.set(little ? [0x49, 0x49] : [0x4d, 0x4d]);
  u16(2, 42);
  u32(4, 8);
  let heap = 300; // out-of-line values live from here on
  const put = (o: number, [tag, type, count, value]: Entry) => {
    u16(o, tag);
    u16(o + 2, type);
    u32(o + 4, count);
    const size = [0, 1, 1, 2, 4, 8][type] * count;
    let at = o + 8;
    if (size > 4) {
      u32(o + 8, heap);
      at = heap;
      heap += size + (size & 1);
    }
    if (typeof value === 'string')
      b.set(
        Array.from(value, (c) => c.charCodeAt(0)),
        at,
      );
    else if (type === 3) u16(at, value as number);
    else if (type === 4) u32(at, value as number);
    else if (type === 5) (value as number[]).forEach((x, i) => u32(at + i * 4, x));
    else b.set(value as number[], at);
  };
  const ifd = (at: number, entries: Entry[], next = 0) => {
    u16(at, entries.length);
    entries.forEach((e, i) => put(at + 2 + i * 12, e));
    u32(at + 2 + entries.length * 12, next);
    return at + 2 + entries.length * 12 + 4;
  };
  const ifd0 = 8;
  const exifAt = 80;
  const gpsAt = 130;
  const ifd1At = 200;
  ifd(
    ifd0,
    [
      [0x010f, 2, 6, 'Pixel\0'],
      [0x0112, 3, 1, orientation],
      [0x8769, 4, 1, exifAt],
      [0x8825, 4, 1, gpsAt],
    ],
    ifd1At,
  );
  ifd(exifAt, [
    [0x9003, 2, 20, '2024:05:01 12:34:56\0'],
    [0xa002, 4, 1, 1800],
    [0xa003, 4, 1, 1200],
  ]);
  ifd(gpsAt, [
    [0x0000, 1, 4, [2, 3, 0, 0]],
    [0x0001, 2, 2, 'N\0'],
    [0x0002, 5, 3, latitudeRationals],
    [0x0003, 2, 2, 'E\0'],
    [0x0004, 5, 3, [7, 1, 0, 1, 0, 1]],
  ]);
  const thumbAt = 480;
  b.set(thumbnailBytes, thumbAt);
  ifd(ifd1At, [
    [0x0201, 4, 1, thumbAt],
    [0x0202, 4, 1, thumbnailBytes.length],
  ]);
  return b;
}

/** The latitude exactly as it sits in a block of this byte order. */
export function latitudeBytes(little: boolean): Uint8Array {
  const out = new Uint8Array(24);
  const v = new DataView(out.buffer);
  latitudeRationals.forEach((x, i) => v.setUint32(i * 4, x, little));
  return out;
}

/** Whether `needle` occurs anywhere in `hay`. */
export function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** Replaces a JPEG's Exif APP1 (if any) with one holding `tiff`, right after SOI. */
export function jpegWithExif(jpeg: Uint8Array, tiff: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [jpeg.subarray(0, 2)];
  const length = 2 + 6 + tiff.length;
  parts.push(
    new Uint8Array([0xff, 0xe1, length >> 8, length & 0xff, 0x45, 0x78, 0x69, 0x66, 0, 0]),
    tiff,
  );
  let o = 2;
  while (o + 4 <= jpeg.length && jpeg[o] === 0xff && jpeg[o + 1] !== 0xda) {
    const end = o + 2 + ((jpeg[o + 2] << 8) | jpeg[o + 3]);
    const isExif =
      jpeg[o + 1] === 0xe1 && String.fromCharCode(...jpeg.subarray(o + 4, o + 8)) === 'Exif';
    if (!isExif) parts.push(jpeg.subarray(o, end));
    o = end;
  }
  parts.push(jpeg.subarray(o));
  return concatBytes(parts);
}

export interface Tag {
  type: number;
  count: number;
  /** The inline value (SHORT/LONG) or the offset of an out-of-line one. */
  value: number;
}

/** An independent reader: IFD0, Exif and GPS IFD tags, and the link to IFD1. */
export function readTags(t: Uint8Array) {
  const little = t[0] === 0x49;
  const v = new DataView(t.buffer, t.byteOffset, t.byteLength);
  const u16 = (o: number) => v.getUint16(o, little);
  const u32 = (o: number) => v.getUint32(o, little);
  const ifd = (at: number) => {
    const tags = new Map<number, Tag>();
    const count = u16(at);
    for (let i = 0; i < count; i++) {
      const e = at + 2 + i * 12;
      const type = u16(e + 2);
      tags.set(u16(e), { type, count: u32(e + 4), value: type === 3 ? u16(e + 8) : u32(e + 8) });
    }
    return { tags, next: u32(at + 2 + count * 12) };
  };
  const ifd0 = ifd(u32(4));
  const exif = ifd0.tags.get(0x8769);
  const gps = ifd0.tags.get(0x8825);
  return {
    ifd0: ifd0.tags,
    ifd1: ifd0.next,
    exif: exif ? ifd(exif.value).tags : null,
    gps: gps ? ifd(gps.value).tags : null,
  };
}
