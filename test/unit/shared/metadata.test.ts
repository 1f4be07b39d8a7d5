import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../../shared/crc32.js';
import { attachExif } from '../../../shared/metadata/attach.js';
import { extractExif, prepareExif } from '../../../shared/metadata/exif.js';
import { stripWebp } from '../../../shared/metadata/strip-webp.js';
import {
  buildExif,
  contains,
  latitudeBytes,
  readTags,
  thumbnailBytes,
} from '../workers/exif-fixture.js';

describe('prepareExif', () => {
  describe.each([
    ['little-endian', true],
    ['big-endian', false],
  ])('on %s EXIF', (_, little) => {
    const exif = buildExif(little);

    it('sets Orientation to 1, updates the pixel size and drops the thumbnail', () => {
      const out = prepareExif(exif, { dropGps: false, width: 300, height: 200 })!;
      const tags = readTags(out);
      expect(tags.ifd0.get(0x0112)?.value).toBe(1);
      expect(tags.exif?.get(0xa002)?.value).toBe(300);
      expect(tags.exif?.get(0xa003)?.value).toBe(200);
      expect(tags.ifd1).toBe(0);
      expect(contains(out, thumbnailBytes)).toBe(false);
      // The rest survives untouched, GPS included.
      expect(tags.gps?.get(0x0002)?.count).toBe(3);
      expect(contains(out, latitudeBytes(little))).toBe(true);
      expect(contains(out, new TextEncoder().encode('2024:05:01 12:34:56'))).toBe(true);
    });

    it('with dropGps leaves no GPS pointer and no coordinate bytes', () => {
      const out = prepareExif(exif, { dropGps: true })!;
      const tags = readTags(out);
      expect(tags.gps).toBeNull();
      expect([...tags.ifd0.keys()]).toEqual([0x010f, 0x0112, 0x8769]);
      expect(contains(out, latitudeBytes(little))).toBe(false);
      expect(contains(out, new Uint8Array([0x4e, 0]))).toBe(false); // 'N\0', the inline ref
      expect(tags.exif?.get(0x9003)?.count).toBe(20);
    });

    it('does not modify its input', () => {
      const before = exif.slice();
      prepareExif(exif, { dropGps: true });
      expect(exif).toEqual(before);
    });
  });

  it('returns null for garbage and never throws', () => {
    expect(prepareExif(new Uint8Array(0), { dropGps: true })).toBeNull();
    expect(prepareExif(new TextEncoder().encode('MM\0*garbage'), { dropGps: true })).toBeNull();
    // Every truncation and a stream of random blocks with a valid header.
    const exif = buildExif(true);
    for (let n = 0; n < exif.length; n += 7) prepareExif(exif.subarray(0, n), { dropGps: true });
    let seed = 1;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) & 0xff;
    for (let i = 0; i < 500; i++) {
      const b = Uint8Array.from({ length: 64 + (i % 200) }, random);
      b.set([0x49, 0x49, 42, 0, 8, 0, 0, 0]);
      expect(() => prepareExif(b, { dropGps: true, width: 1, height: 1 })).not.toThrow();
    }
  });
});

function riff(...chunks: [string, number[]][]) {
  const body = chunks.flatMap(([type, data]) => {
    const size = [data.length & 0xff, (data.length >> 8) & 0xff, 0, 0];
    return [
      ...Array.from(type, (c) => c.charCodeAt(0)),
      ...size,
      ...data,
      ...(data.length & 1 ? [0] : []),
    ];
  });
  const n = body.length + 4;
  return new Uint8Array([
    0x52,
    0x49,
    0x46,
    0x46,
    n & 0xff,
    n >> 8,
    0,
    0,
    0x57,
    0x45,
    0x42,
    0x50,
    ...body,
  ]);
}

describe('extractExif and attachExif', () => {
  const exif = prepareExif(buildExif(false), { dropGps: false })!;

  it('round-trips through a JPEG, after the JFIF APP0', () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 4, 1, 2, 0xff, 0xdb, 0, 2, 0xff, 0xd9]);
    const out = attachExif(jpeg, 'jpeg', exif);
    expect(Array.from(out.subarray(8, 12))).toEqual([
      0xff,
      0xe1,
      (exif.length + 8) >> 8,
      (exif.length + 8) & 0xff,
    ]);
    expect(extractExif(out, 'jpeg')).toEqual(exif);
  });

  it('round-trips through a PNG with a valid chunk CRC before IDAT', () => {
    const chunk = (type: string, data: number[]) => {
      const c = new Uint8Array(12 + data.length);
      new DataView(c.buffer).setUint32(0, data.length);
      c.set(
        Array.from(type, (x) => x.charCodeAt(0)),
        4,
      );
      c.set(data, 8);
      new DataView(c.buffer).setUint32(8 + data.length, crc32(c, 4, 8 + data.length));
      return [...c];
    };
    const png = new Uint8Array([
      0x89,
      0x50,
      0x4e,
      0x47,
      0x0d,
      0x0a,
      0x1a,
      0x0a,
      ...chunk('IHDR', [0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]),
      ...chunk('IDAT', [1, 2, 3]),
      ...chunk('IEND', []),
    ]);
    const out = attachExif(png, 'png', exif);
    expect(extractExif(out, 'png')).toEqual(exif);
    const at = 8 + 25;
    expect(String.fromCharCode(...out.subarray(at + 4, at + 8))).toBe('eXIf');
    const crc = new DataView(out.buffer).getUint32(at + 8 + exif.length);
    expect(crc).toBe(zlibCrc32(out.subarray(at + 4, at + 8 + exif.length)));
  });

  it.each([
    ['lossy VP8', riff(['VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, 99, 0, 33, 0, 5]]), 99, 33, false],
    // VP8L: signature, width-1 = 9, height-1 = 4, alpha_is_used set.
    ['lossless VP8L with alpha', riff(['VP8L', [0x2f, 9, 0, 1, 0x10, 1]]), 10, 5, true],
    ['lossless VP8L without alpha', riff(['VP8L', [0x2f, 9, 0, 1, 0, 1]]), 10, 5, false],
  ])('turns a simple %s file into VP8X with the EXIF flag', (_, webp, w, h, alpha) => {
    const out = attachExif(webp, 'webp', exif);
    const v = new DataView(out.buffer);
    expect(v.getUint32(4, true)).toBe(out.length - 8);
    expect(String.fromCharCode(...out.subarray(12, 16))).toBe('VP8X');
    expect(out[20] & 0x08).toBe(0x08);
    expect((out[20] & 0x10) !== 0).toBe(alpha);
    expect(v.getUint32(24, true) & 0xffffff).toBe(w - 1);
    expect(v.getUint32(27, true) & 0xffffff).toBe(h - 1);
    expect(extractExif(out, 'webp')).toEqual(exif);
  });

  it('sets the EXIF flag on an extended file and keeps its other flags', () => {
    const vp8x = [0x10, 0, 0, 0, 9, 0, 0, 4, 0, 0];
    const out = attachExif(
      riff(['VP8X', vp8x], ['ALPH', [1]], ['VP8 ', [1, 2]], ['XMP ', [3]]),
      'webp',
      exif,
    );
    expect(out[20]).toBe(0x18);
    const types: string[] = [];
    for (let o = 12; o < out.length;) {
      types.push(String.fromCharCode(...out.subarray(o, o + 4)));
      const size = new DataView(out.buffer).getUint32(o + 4, true);
      o += 8 + size + (size & 1);
    }
    expect(types).toEqual(['VP8X', 'ALPH', 'VP8 ', 'EXIF', 'XMP ']);
  });

  it('leaves AVIF and JPEG XL output unchanged', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    expect(attachExif(bytes, 'avif', exif)).toBe(bytes);
    expect(attachExif(bytes, 'jxl', exif)).toBe(bytes);
  });

  it('finds no EXIF in garbage and does not throw on it', () => {
    for (const format of ['jpeg', 'png', 'webp', 'avif'] as const) {
      expect(extractExif(new Uint8Array(0), format)).toBeNull();
      expect(
        extractExif(new Uint8Array([0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff, 0x45]), format),
      ).toBeNull();
    }
  });
});

describe('stripWebp', () => {
  const vp8 = ['VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, 99, 0, 33, 0, 5]] as [string, number[]];
  const vp8x = (flags: number) =>
    ['VP8X', [flags, 0, 0, 0, 98, 0, 0, 32, 0, 0]] as [string, number[]];

  it("turns Chromium's layout (VP8X + sRGB ICCP + VP8) into a simple file", () => {
    expect(stripWebp(riff(vp8x(0x20), ['ICCP', [1, 2, 3]], vp8))).toEqual(riff(vp8));
  });

  it('keeps VP8X with only the alpha flag when there is an ALPH chunk', () => {
    const out = stripWebp(
      riff(vp8x(0x3c), ['ICCP', [1]], ['ALPH', [7]], vp8, ['EXIF', [1]], ['XMP ', [2]]),
    );
    expect(out).toEqual(riff(vp8x(0x10), ['ALPH', [7]], vp8));
  });

  it('gives back a simple file unchanged, and an EXIF one without its EXIF', () => {
    const simple = riff(vp8);
    expect(stripWebp(simple)).toEqual(simple);
    const exif = prepareExif(buildExif(true), { dropGps: false })!;
    expect(stripWebp(attachExif(simple, 'webp', exif))).toEqual(simple);
  });

  it('returns null for what is not a walkable WebP', () => {
    expect(stripWebp(new Uint8Array(0))).toBeNull();
    expect(stripWebp(new TextEncoder().encode('RIFF\0\0\0\0WAVEdata'))).toBeNull();
    const cut = riff(vp8x(0x20), ['ICCP', [1, 2, 3]], vp8);
    expect(stripWebp(cut.subarray(0, cut.length - 4))).toBeNull();
  });
});
