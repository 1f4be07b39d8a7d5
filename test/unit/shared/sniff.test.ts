import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { limits } from '../../../shared/limits.js';
import { buildTiff, entryAt, LONG, setLe32, SHORT } from './tiff-fixture.js';
import {
  checkDimensions,
  hasPngSignature,
  describeNonImage,
  orientedSize,
  readImageInfo,
  sniffFormat,
} from '../../../shared/sniff.js';

const fixtures = fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
const fixture = (name: string) => new Uint8Array(readFileSync(fixtures + name));
const bytes = (...parts: (number[] | string)[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p)] : p)));
const be16 = (n: number) => [n >> 8, n & 0xff];
const le32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];

/** Deterministic noise (mulberry32), so a failure can be reproduced. */
function noise(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

const gray = (width: number, height: number, channels: 3 | 4 = 3) =>
  sharp(Buffer.alloc(width * height * channels, 128), { raw: { width, height, channels } });

describe('PngSuite', () => {
  const dir = fixtures + 'pngsuite/png/';
  const valid = readdirSync(dir).filter((f) => f.endsWith('.png') && !f.startsWith('x'));

  it('sniffs every valid PngSuite file as png with the IHDR size sharp reports', async () => {
    expect(valid.length).toBeGreaterThan(150);
    for (const name of valid) {
      const meta = await sharp(dir + name).metadata();
      expect(readImageInfo(fixture('pngsuite/png/' + name)), name).toEqual({
        format: 'png',
        width: meta.width,
        height: meta.height,
        orientation: 1,
      });
    }
  });

  it.each([
    ['basn0g01.png', 32, 32],
    ['s01n3p01.png', 1, 1],
    ['s09i3p02.png', 9, 9],
    ['s40n3p04.png', 40, 40],
    ['cdfn2c08.png', 8, 32],
    ['cdhn2c08.png', 32, 8],
  ])('reads %s as %i × %i px', (name, width, height) => {
    expect(readImageInfo(fixture('pngsuite/png/' + name))).toMatchObject({ width, height });
  });

  // A mangled signature is still a PNG the user meant to convert: it must fail with a reason
  // downstream, not be skipped as 'not an image'.
  it.each([
    'xs1n0g01.png',
    'xs2n0g01.png',
    'xs4n0g01.png',
    'xs7n0g01.png',
    'xcrn0g04.png',
    'xlfn0g04.png',
  ])('recognises %s, whose signature is damaged, as a PNG', (name) => {
    const bytes = fixture('pngsuite/png/' + name);
    expect(sniffFormat(bytes)).toBe('png');
    expect(hasPngSignature(bytes)).toBe(false);
  });

  it('does not take text that mentions IHDR for a PNG', () => {
    const text = new Uint8Array([...'Notes on IHDR and PNG chunks'].map((c) => c.charCodeAt(0)));
    expect(sniffFormat(text)).toBeNull();
  });
});

describe('EXIF orientation in JPEG', () => {
  // Each photo displays as 1800 × 1200 (Landscape) or 1200 × 1800 (Portrait); the files
  // with orientation 5–8 store the pixels turned a quarter.
  for (const [kind, shown] of [
    ['Landscape', { width: 1800, height: 1200 }],
    ['Portrait', { width: 1200, height: 1800 }],
  ] as const) {
    for (let n = 0; n <= 8; n++) {
      const expected = n === 0 ? 1 : n;
      it(`reports orientation ${expected} and the stored size for ${kind}_${n}.jpg`, () => {
        const info = readImageInfo(fixture(`exif-orientation/${kind}_${n}.jpg`))!;
        expect(info.format).toBe('jpeg');
        expect(info.orientation).toBe(expected);
        const stored = n >= 5 ? { width: shown.height, height: shown.width } : shown;
        expect({ width: info.width, height: info.height }).toEqual(stored);
        expect(orientedSize(info.width!, info.height!, info.orientation)).toEqual(shown);
      });
    }
  }

  it('reports orientation 6 from a rotated phone photo even when cut right after the frame header', () => {
    const photo = fixture('exif-orientation/Landscape_6.jpg');
    let sof = 2;
    while (photo[sof + 1] !== 0xc0 && photo[sof + 1] !== 0xc2)
      sof += 2 + ((photo[sof + 2] << 8) | photo[sof + 3]);
    const cut = photo.subarray(0, sof + 9);
    expect(readImageInfo(cut)).toEqual({
      format: 'jpeg',
      width: 1200,
      height: 1800,
      orientation: 6,
    });
    expect(readImageInfo(photo.subarray(0, sof + 6))).toEqual({ format: 'jpeg', orientation: 6 });
  });

  // A marker segment: ff, marker, a length that counts itself, the body.
  const segment = (marker: number, ...body: (number[] | string)[]) => {
    const data = bytes(...body);
    return [0xff, marker, ...be16(data.length + 2), ...data];
  };
  const frame = (width: number, height: number) => [
    8,
    ...be16(height),
    ...be16(width),
    1,
    1,
    0x11,
    0,
  ];

  it('reads a little-endian Exif block and skips fill bytes and other segments', () => {
    const ifd0 = [...le32(8), 1, 0, 0x12, 0x01, 3, 0, ...le32(1), 8, 0, 0, 0, ...le32(0)];
    const jpeg = bytes(
      [0xff, 0xd8],
      segment(0xe0, 'JFIF\0', Array(9).fill(0)),
      segment(0xe1, 'Exif\0\0II', [42, 0], ifd0),
      segment(0xe2, Array(300).fill(0xc0)), // a body full of bytes that look like SOF markers
      segment(0xdb, [0], Array(64).fill(1)), // DQT
      segment(
        0xc4,
        [0, 0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
      ), // DHT (standard DC table): in the SOFn range but not a frame
      [0xff], // a fill byte before the next marker
      segment(0xc2, frame(640, 480)),
      segment(0xda, [1, 1, 0, 0, 0x3f, 0]),
    );
    expect(readImageInfo(jpeg)).toEqual({
      format: 'jpeg',
      width: 640,
      height: 480,
      orientation: 8,
    });
  });

  it('ignores an orientation outside 1..8 and a frame height of 0 (set later by DNL)', () => {
    const ifd0 = [0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 9, 0, 0];
    const jpeg = bytes(
      [0xff, 0xd8],
      segment(0xe1, 'Exif\0\0MM', [0, 42], ifd0),
      segment(0xc0, frame(640, 0)),
    );
    expect(readImageInfo(jpeg)).toEqual({ format: 'jpeg', orientation: 1 });
  });
});

describe('HEIF containers', () => {
  it('tells HEIC from AVIF in the example files and reads their ispe size', () => {
    expect(readImageInfo(fixture('heif/example.heic'))).toEqual({
      format: 'heic',
      width: 1280,
      height: 854,
      orientation: 1,
    });
    expect(readImageInfo(fixture('heif/example.avif'))).toEqual({
      format: 'avif',
      width: 800,
      height: 533,
      orientation: 1,
    });
  });

  const ftyp = (...brands: string[]) =>
    bytes(
      [0, 0, 0, 8 + 4 * (brands.length + 1)],
      'ftyp',
      brands[0],
      [0, 0, 0, 0],
      brands.slice(1).join(''),
    );

  it('prefers avif when an avif brand sits next to HEIF brands', () => {
    expect(sniffFormat(ftyp('mif1', 'mif1', 'heic', 'avif'))).toBe('avif');
    expect(sniffFormat(ftyp('avis', 'msf1'))).toBe('avif');
    expect(sniffFormat(ftyp('heic', 'mif1', 'heic'))).toBe('heic');
    expect(sniffFormat(ftyp('msf1', 'hevc'))).toBe('heic');
  });

  // Just enough of a HEIF meta box: item 1 is primary, ipco lists a tile's ispe, the
  // image's ispe and an irot, and ipma (with 16-bit indices) links item 1 to the last two.
  const box = (type: string, ...body: (number[] | string)[]) => {
    const data = bytes(...body);
    return [...be32(8 + data.length), ...Buffer.from(type), ...data];
  };
  const be32 = (n: number) => [...be16(n >>> 16), ...be16(n & 0xffff)];
  const ispe = (w: number, h: number) => box('ispe', [0, 0, 0, 0], be32(w), be32(h));
  const heif = (ipma: number[]) =>
    bytes(
      [...ftyp('heic', 'mif1', 'heic')],
      box(
        'meta',
        [0, 0, 0, 0],
        box('hdlr', [0, 0, 0, 0, 0, 0, 0, 0], 'pict', Array(13).fill(0)),
        box('pitm', [0, 0, 0, 0], be16(1)),
        box('iprp', box('ipco', ispe(512, 512), ispe(4032, 3024), box('irot', [3])), ipma),
      ),
    );

  it('reads the size and rotation the ipma box links to the primary item', () => {
    // Index 0x8002 = property 2, flagged essential in the top bit.
    const ipma = box('ipma', [0, 0, 0, 1], be32(1), be16(1), [2], be16(0x8002), be16(0x8003));
    expect(readImageInfo(heif(ipma))).toEqual({
      format: 'heic',
      width: 4032,
      height: 3024,
      orientation: 6,
    });
  });

  it('falls back to the largest ispe when nothing links properties to items', () => {
    expect(readImageInfo(heif([]))).toEqual({
      format: 'heic',
      width: 4032,
      height: 3024,
      orientation: 1,
    });
  });

  it('does not take an MP4 or QuickTime movie for an image', () => {
    expect(sniffFormat(ftyp('isom', 'isom', 'mp42'))).toBeNull();
    expect(describeNonImage(ftyp('qt  ', 'qt  '))).toBe('Not an image: looks like a video');
  });

  it('maps the irot/imir transforms sharp writes to the EXIF orientation they stand for', async () => {
    for (let orientation = 1; orientation <= 8; orientation++) {
      const avif = await gray(30, 20).avif({ effort: 0 }).withMetadata({ orientation }).toBuffer();
      expect(readImageInfo(avif), `orientation ${orientation}`).toEqual({
        format: 'avif',
        width: 30,
        height: 20,
        orientation,
      });
    }
  });
});

describe('WebP', () => {
  it('reads the size of lossy (VP8), lossless (VP8L) and extended (VP8X) files', async () => {
    const lossy = await gray(300, 200).webp({ quality: 50 }).toBuffer();
    const lossless = await gray(301, 1999).webp({ lossless: true }).toBuffer();
    const alpha = await gray(123, 45, 4).webp({ quality: 50 }).toBuffer();
    expect(lossy.toString('latin1', 12, 16)).toBe('VP8 ');
    expect(lossless.toString('latin1', 12, 16)).toBe('VP8L');
    expect(alpha.toString('latin1', 12, 16)).toBe('VP8X');
    expect(readImageInfo(lossy)).toEqual({
      format: 'webp',
      width: 300,
      height: 200,
      orientation: 1,
    });
    expect(readImageInfo(lossless)).toMatchObject({ width: 301, height: 1999 });
    expect(readImageInfo(alpha)).toMatchObject({ width: 123, height: 45 });
  });

  it('steps over the pad byte of an odd-sized chunk to reach the EXIF chunk', () => {
    const chunk = (type: string, data: number[]) => [
      ...Buffer.from(type),
      ...le32(data.length),
      ...data,
      ...(data.length % 2 ? [0] : []),
    ];
    const tiff = [
      ...Buffer.from('MM'),
      0,
      42,
      0,
      0,
      0,
      8,
      0,
      1,
      0x01,
      0x12,
      0,
      3,
      0,
      0,
      0,
      1,
      0,
      3,
      0,
      0,
    ];
    const body = [
      ...chunk('VP8X', [0x08, 0, 0, 0, 99, 0, 0, 49, 0, 0]),
      ...chunk('ICCP', [1, 2, 3]),
      ...chunk('EXIF', [...Buffer.from('Exif\0\0'), ...tiff]),
    ];
    const webp = bytes('RIFF', le32(4 + body.length), 'WEBP', body);
    expect(readImageInfo(webp)).toEqual({ format: 'webp', width: 100, height: 50, orientation: 3 });
  });

  it('reads the orientation from an EXIF chunk', async () => {
    const webp = await gray(40, 30).webp().withMetadata({ orientation: 6 }).toBuffer();
    expect(readImageInfo(webp)).toEqual({ format: 'webp', width: 40, height: 30, orientation: 6 });
  });
});

describe('GIF, BMP and JPEG XL', () => {
  it('reads the logical screen of a GIF', async () => {
    const gif = await gray(70, 12).gif().toBuffer();
    expect(readImageInfo(gif)).toEqual({ format: 'gif', width: 70, height: 12, orientation: 1 });
  });

  const bmp = (headerSize: number, width: number, height: number, dataOffset = 14 + headerSize) =>
    bytes(
      'BM',
      le32(0),
      le32(0),
      le32(dataOffset),
      le32(headerSize),
      le32(width),
      le32(height),
      [1, 0, 24, 0],
    );

  it('reads a top-down BMP (negative height) as a positive size', () => {
    expect(readImageInfo(bmp(40, 640, -480))).toEqual({
      format: 'bmp',
      width: 640,
      height: 480,
      orientation: 1,
    });
    expect(readImageInfo(bmp(124, 10, 20))).toMatchObject({ width: 10, height: 20 });
  });

  it('does not take a header whose pixel data would start inside the header for a bitmap', () => {
    expect(sniffFormat(bmp(40, 640, 480, 0))).toBeNull();
    expect(sniffFormat(bmp(40, 640, 480, 53))).toBeNull();
  });

  it('does not take text starting with "BM" for a bitmap', () => {
    expect(sniffFormat(bytes('BMW owners club meeting notes, 2024'))).toBeNull();
  });

  // Headers written by @jsquash/jxl (libjxl) for blank images of the given size.
  it.each([
    ['ff0acbc04e0a040000740000', 64, 48],
    ['ff0a3a1f8004d8090a040000', 37, 1000],
    ['ff0a31c14e0a040000140100', 300, 200],
    ['ff0a784cb0130a0400000c01', 600, 400],
    ['ff0a10800e27d8090a040000', 5000, 3],
    ['ff0af86fb0130a0400002c01', 640, 512],
    ['ff0aba21053b010a04000030', 1920, 1080],
    ['ff0a3a1f023b010a04000030', 1200, 1000],
    ['ff0af87fb0130a0400002c01', 1024, 512],
    ['ff0a4218c87c809d0a040000', 999, 777],
  ])('reads the JPEG XL codestream %s as %i × %i px', (hex, width, height) => {
    expect(readImageInfo(Buffer.from(hex, 'hex'))).toEqual({
      format: 'jxl',
      width,
      height,
      orientation: 1,
    });
  });

  it('reads a JPEG XL orientation and finds the codestream inside the container', () => {
    // Bits, least significant first: small=1, height/8-1=3, ratio=0, width/8-1=7,
    // all_default=0, extra_fields=1, orientation-1=5.
    const fields: [number, number][] = [
      [1, 1],
      [3, 5],
      [0, 3],
      [7, 5],
      [0, 1],
      [1, 1],
      [5, 3],
    ];
    const codestream = [0xff, 0x0a];
    let acc = 0;
    let n = 0;
    for (const [value, width] of fields) {
      for (let i = 0; i < width; i++, n++) acc |= ((value >> i) & 1) << (n % 8);
      for (; n >= 8; n -= 8, acc = 0) codestream.push(acc & 0xff);
    }
    codestream.push(acc);
    const bare = new Uint8Array(codestream);
    expect(readImageInfo(bare)).toEqual({ format: 'jxl', width: 64, height: 32, orientation: 6 });
    const box = (type: string, body: number[]) => [
      ...be32(8 + body.length),
      ...Buffer.from(type),
      ...body,
    ];
    const be32 = (v: number) => [0, 0, v >> 8, v & 0xff];
    const container = new Uint8Array([
      ...[0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20, 0x0d, 0x0a, 0x87, 0x0a],
      ...box('ftyp', [...Buffer.from('jxl \0\0\0\0jxl ')]),
      ...box('jxlp', [0, 0, 0, 0, ...codestream]),
    ]);
    expect(readImageInfo(container)).toEqual({
      format: 'jxl',
      width: 64,
      height: 32,
      orientation: 6,
    });
  });
});

describe('TIFF', () => {
  const photo = () => sharp(fixture('exif-orientation/Landscape_1.jpg')).resize(90);

  it("reads the first page's size from its directory, little- and big-endian, and BigTIFF", async () => {
    const little = new Uint8Array(await photo().tiff({ compression: 'lzw' }).toBuffer());
    const big = new Uint8Array(await photo().tiff({ bigtiff: true }).toBuffer());
    expect(Array.from(little.subarray(0, 4))).toEqual([0x49, 0x49, 42, 0]);
    expect(Array.from(big.subarray(0, 4))).toEqual([0x49, 0x49, 43, 0]);
    for (const b of [little, big]) {
      expect(readImageInfo(b)).toEqual({ format: 'tiff', width: 90, height: 60, orientation: 1 });
    }
    const motorola = buildTiff({
      width: 300,
      height: 2,
      photometric: 1,
      pixels: new Uint8Array(600),
      bigEndian: true,
    }).bytes;
    expect(Buffer.from(motorola.subarray(0, 4)).toString('latin1')).toBe('MM\0*');
    expect(readImageInfo(motorola)).toEqual({
      format: 'tiff',
      width: 300,
      height: 2,
      orientation: 1,
    });
  });

  it('reads the Orientation tag (274) so a turned scan is planned upright', async () => {
    const turned = await photo().withMetadata({ orientation: 6 }).tiff().toBuffer();
    const info = readImageInfo(turned)!;
    expect(info).toEqual({ format: 'tiff', width: 90, height: 60, orientation: 6 });
    expect(orientedSize(info.width!, info.height!, info.orientation)).toEqual({
      width: 60,
      height: 90,
    });
  });

  it('gives the size of the first page of a two-page file', async () => {
    const page = (w: number, h: number) =>
      sharp({ create: { width: w, height: h, channels: 3, background: '#888' } })
        .png()
        .toBuffer();
    const pages = await sharp([await page(30, 20), await page(30, 20)], {
      join: { animated: true },
    })
      .tiff()
      .toBuffer();
    expect(readImageInfo(pages)).toEqual({ format: 'tiff', width: 30, height: 20, orientation: 1 });
  });

  it('knows the size before any decoding, so an over-limit scan is refused by its header', () => {
    const { bytes: b, ifd } = buildTiff({
      width: 1,
      height: 1,
      photometric: 1,
      pixels: bytes([0]),
    });
    setLe32(b, entryAt(b, ifd, 256) + 8, 70_000);
    setLe32(b, entryAt(b, ifd, 257) + 8, 50_000);
    const info = readImageInfo(b)!;
    expect(info).toMatchObject({ format: 'tiff', width: 70_000, height: 50_000 });
    expect(checkDimensions(info, limits.maxInputPixels, limits.maxDimension)).toBe(
      'Image is 70000 × 50000 px (3500 MP), over the 268 MP limit',
    );
  });

  it('leaves the size unknown, never guessed, when the directory lies outside the file', () => {
    const { bytes: b } = buildTiff({
      width: 3,
      height: 2,
      photometric: 1,
      pixels: new Uint8Array(6),
    });
    for (const offset of [b.length, b.length - 3, 0xffffffff, 2]) {
      const moved = new Uint8Array(b);
      setLe32(moved, 4, offset);
      expect(readImageInfo(moved), `offset ${offset}`).toEqual({ format: 'tiff', orientation: 1 });
    }
    // An entry whose value would sit past the end reads as missing.
    const { bytes: c, ifd } = buildTiff({
      width: 3,
      height: 2,
      photometric: 1,
      pixels: new Uint8Array(6),
      tags: [{ tag: 257, type: LONG, values: [2, 2] }],
    });
    setLe32(c, entryAt(c, ifd, 257) + 8, c.length + 100);
    expect(readImageInfo(c)).toEqual({ format: 'tiff', orientation: 1 });
  });

  it('skips camera RAW files, whose first directory holds a preview, with a reason', () => {
    const raw = 'Camera RAW files (CR2, NEF, ARW, DNG…) are not supported';
    const image = { width: 3, height: 2, photometric: 2, samples: 3, pixels: new Uint8Array(18) };
    const dng = buildTiff({ ...image, tags: [{ tag: 50706, type: SHORT, values: [1, 4, 0, 0] }] });
    const nef = buildTiff({ ...image, tags: [{ tag: 254, type: LONG, values: [1] }] });
    const cfa = buildTiff({ ...image, photometric: 32803 });
    for (const file of [dng, nef, cfa]) {
      expect(sniffFormat(file.bytes)).toBeNull();
      expect(describeNonImage(file.bytes)).toBe(raw);
    }
    // A full-resolution first page (NewSubfileType 0) is an ordinary TIFF.
    const plain = buildTiff({ ...image, tags: [{ tag: 254, type: LONG, values: [0] }] });
    expect(sniffFormat(plain.bytes)).toBe('tiff');
    expect(
      sniffFormat(buildTiff({ ...image, tags: [{ tag: 262, type: SHORT, values: [2] }] }).bytes),
    ).toBe('tiff');
  });

  it('does not take a header with another version, or a broken BigTIFF one, for a TIFF', () => {
    expect(sniffFormat(bytes('II', [41, 0, 8, 0, 0, 0]))).toBeNull();
    expect(sniffFormat(bytes('II', [43, 0, 4, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0]))).toBeNull();
    expect(sniffFormat(bytes('II*', [0]))).toBe('tiff');
    expect(readImageInfo(bytes('II*', [0]))).toEqual({ format: 'tiff', orientation: 1 });
  });
});

describe('damaged input', () => {
  const samples = {
    jpeg: fixture('exif-orientation/Portrait_6.jpg'),
    png: fixture('pngsuite/png/basn6a16.png'),
    heic: fixture('heif/example.heic'),
    avif: fixture('heif/example.avif'),
    tiff: buildTiff({ width: 3, height: 2, photometric: 1, pixels: new Uint8Array(6) }).bytes,
  };

  it('never throws on any prefix of 0..64 bytes of a JPEG, PNG, HEIC, AVIF or TIFF', () => {
    for (const [format, file] of Object.entries(samples)) {
      for (let length = 0; length <= 64; length++) {
        const cut = file.subarray(0, length);
        expect(() => readImageInfo(cut), `${format} cut at ${length}`).not.toThrow();
        expect(() => describeNonImage(cut)).not.toThrow();
      }
    }
  });

  it('keeps the format of a file cut short once the magic number is complete', () => {
    expect(readImageInfo(samples.jpeg.subarray(0, 3))).toEqual({ format: 'jpeg', orientation: 1 });
    expect(readImageInfo(samples.png.subarray(0, 20))).toEqual({ format: 'png', orientation: 1 });
    expect(readImageInfo(samples.png.subarray(0, 7))).toBeNull();
  });

  it('never throws on random bytes, alone or behind each magic number', () => {
    const magics = [
      [0xff, 0xd8, 0xff],
      [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
      [...Buffer.from('RIFF\0\0\0\0WEBP')],
      [...Buffer.from('GIF89a')],
      [0xff, 0x0a],
      [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20, 0x0d, 0x0a, 0x87, 0x0a],
      [0, 0, 0, 0x10, ...Buffer.from('ftypavif'), 0, 0, 0, 0],
      [0, 0, 0, 0x10, ...Buffer.from('ftypheic'), 0, 0, 0, 0],
      [...Buffer.from('BM'), 0, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0],
      [...Buffer.from('II*'), 0, 8, 0, 0, 0],
      [...Buffer.from('MM'), 0, 42, 0, 0, 0, 8],
      [...Buffer.from('II+'), 0, 8, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0],
    ];
    for (let seed = 1; seed <= 200; seed++) {
      const junk = noise(seed, seed * 7);
      expect(() => readImageInfo(junk)).not.toThrow();
      expect(typeof describeNonImage(junk)).toBe('string');
      for (const magic of magics) {
        const input = new Uint8Array([...magic, ...junk]);
        const info = readImageInfo(input);
        expect(info?.format, `seed ${seed}`).toBe(sniffFormat(input));
        expect(info?.orientation).toBeGreaterThanOrEqual(1);
        expect(info?.orientation).toBeLessThanOrEqual(8);
      }
    }
  });

  it('stops at a JPEG segment whose length field is too small instead of looping', () => {
    const jpeg = bytes(
      [0xff, 0xd8, 0xff, 0xe0, 0, 0, 0xff, 0xc0],
      be16(11),
      [8, 0, 10, 0, 10, 1, 1, 0x11, 0],
    );
    expect(readImageInfo(jpeg)).toEqual({ format: 'jpeg', orientation: 1 });
  });
});

describe('describeNonImage', () => {
  it.each([
    ['an empty file', bytes(), 'Empty file (0 bytes)'],
    [
      'a PDF',
      bytes('%PDF-1.7\n%', [0xe2, 0xe3, 0xcf, 0xd3]),
      'Not an image: looks like a PDF document',
    ],
    [
      'a ZIP archive',
      bytes('PK', [3, 4, 0x14, 0, 0, 0, 8, 0]),
      'Not an image: looks like a ZIP archive',
    ],
    ['UTF-8 text', bytes('# Holiday notes\nDay 1: café ☕\n'), 'Not an image: looks like text'],
    [
      'an SVG',
      bytes('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10"/>'),
      'Not an image: looks like an SVG (vector images are not supported)',
    ],
    [
      'a Canon CR2',
      bytes('II*', [0, 16, 0, 0, 0], 'CR', [2, 0, 0, 0, 0, 0]),
      'Camera RAW files (CR2, NEF, ARW, DNG…) are not supported',
    ],
    [
      'a WebM video',
      bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81]),
      'Not an image: looks like a video',
    ],
    [
      'binary junk',
      bytes([0, 1, 2, 3, 0xfe, 0x80, 0x81, 0]),
      'Not a supported image (unrecognised content)',
    ],
  ])('describes %s', (_label, input, expected) => {
    expect(describeNonImage(input)).toBe(expected);
  });

  it('does not call a binary file text just because it starts with letters', () => {
    expect(describeNonImage(bytes('ABCD', [0, 0, 0, 1, 0xff]))).toBe(
      'Not a supported image (unrecognised content)',
    );
    // No control characters, but not UTF-8 either.
    expect(describeNonImage(bytes('ABCD', [0xff, 0xfe, 0x80, 0xc0, 0x41]))).toBe(
      'Not a supported image (unrecognised content)',
    );
  });
});

describe('checkDimensions', () => {
  const { maxInputPixels, maxDimension } = limits;

  it('names both sizes for an image over the pixel limit', () => {
    expect(checkDimensions({ width: 65536, height: 65536 }, maxInputPixels, maxDimension)).toBe(
      'Image is 65536 × 65536 px (4295 MP), over the 268 MP limit',
    );
  });

  it('shows a decimal when whole megapixels would hide the difference', () => {
    expect(checkDimensions({ width: 16500, height: 16300 }, maxInputPixels, maxDimension)).toBe(
      'Image is 16500 × 16300 px (269 MP), over the 268 MP limit',
    );
    expect(checkDimensions({ width: 16384, height: 16384 }, maxInputPixels, maxDimension)).toBe(
      'Image is 16384 × 16384 px (268.44 MP), over the 268.40 MP limit',
    );
  });

  it('refuses a side over the limit even when the pixel count fits', () => {
    expect(checkDimensions({ width: 70000, height: 10 }, maxInputPixels, maxDimension)).toBe(
      'Image is 70000 × 10 px, over the 65535 px limit per side',
    );
  });

  it('accepts images within the limits and images whose size is unknown', () => {
    expect(
      checkDimensions({ width: 16383, height: 16383 }, maxInputPixels, maxDimension),
    ).toBeNull();
    expect(checkDimensions({}, maxInputPixels, maxDimension)).toBeNull();
  });
});

describe('orientedSize', () => {
  it('swaps the sides for orientations 5 to 8 only', () => {
    expect([1, 2, 3, 4].map((o) => orientedSize(40, 30, o))).toEqual(
      Array(4).fill({ width: 40, height: 30 }),
    );
    expect([5, 6, 7, 8].map((o) => orientedSize(40, 30, o))).toEqual(
      Array(4).fill({ width: 30, height: 40 }),
    );
  });
});
