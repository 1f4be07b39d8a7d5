import { readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { convert, type ConvertRequest } from '../../../app/workers/convert.js';
import * as png from '../../../app/workers/codecs/png.js';
import { pngProblem } from '../../../shared/structure/png.js';
import type { Pixels } from '../../../codecs/pixels.js';
import { crc32 } from '../../../shared/crc32.js';
import { outputFormats, type OutputSettings } from '../../../shared/formats/index.js';
import { limits } from '../../../shared/limits.js';
import type { ConversionSettings } from '../../../shared/presets/index.js';
import { planResize } from '../../../shared/resize-plan.js';
import type { Stage } from '../../../shared/state/index.js';
import { decodeResult, psnr, settings } from './images.js';
import { fixture, fixtures, setupCodecs } from './setup-codecs.js';

beforeAll(() => setupCodecs());

function request(
  bytes: ArrayBuffer | Uint8Array,
  s: ConversionSettings,
  name = 'x',
): ConvertRequest {
  const buffer = bytes instanceof Uint8Array ? bytes.slice().buffer : bytes;
  return { bytes: buffer, name, settings: s, maxInputPixels: limits.maxInputPixels };
}

const photo = () => fixture('exif-orientation/Landscape_1.jpg');
const small = { maxWidth: 300, maxHeight: 300 };

describe('output formats', () => {
  let reference: Pixels;

  beforeAll(async () => {
    // Lossless PNG of the same decode + resize: the source every lossy output is measured on.
    reference = await decodeResult(await convert(request(photo(), settings(undefined, small))));
  });

  const cases: { name: string; output: OutputSettings; floor: number }[] = [
    { name: 'JPEG', output: { format: 'jpeg', options: outputFormats.jpeg.defaults }, floor: 28 },
    { name: 'WebP', output: { format: 'webp', options: outputFormats.webp.defaults }, floor: 30 },
    {
      name: 'AVIF at effort 0',
      output: { format: 'avif', options: { ...outputFormats.avif.defaults, effort: 0 } },
      floor: 28,
    },
    {
      name: 'JPEG XL at effort 3',
      output: { format: 'jxl', options: { ...outputFormats.jxl.defaults, effort: 3 } },
      floor: 30,
    },
    {
      name: 'lossless WebP',
      output: { format: 'webp', options: { ...outputFormats.webp.defaults, lossless: true } },
      floor: Infinity,
    },
    {
      name: 'interlaced PNG through OxiPNG',
      output: { format: 'png', options: { effort: 2, interlace: true } },
      floor: Infinity,
    },
  ];

  // Measured on this photo: JPEG 30.8, WebP 32.9, AVIF 31.3, JPEG XL 32.3 dB.
  it.each(cases)(
    'writes $name that decodes back at 300 × 200 with PSNR ≥ $floor dB',
    async ({ output, floor }) => {
      const r = await convert(request(photo(), settings(output, small)));
      expect(r.format).toBe(output.format);
      expect(r.mimeType).toBe(outputFormats[output.format].mimeType);
      expect([r.width, r.height, r.inputWidth, r.inputHeight]).toEqual([300, 200, 1800, 1200]);
      const back = await decodeResult(r);
      expect([back.width, back.height]).toEqual([300, 200]);
      expect(psnr(back, reference)).toBeGreaterThanOrEqual(floor);
    },
  );

  it('reports every stage, starting and finished, in order, with timings', async () => {
    const seen: [Stage, number][] = [];
    const r = await convert(request(photo(), settings(undefined, small)), (s, p) =>
      seen.push([s, p]),
    );
    expect(seen).toEqual([
      ['decode', 0],
      ['decode', 1],
      ['resize', 0],
      ['resize', 1],
      ['encode', 0],
      ['encode', 1],
      ['metadata', 0],
      ['metadata', 1],
    ]);
    expect(Object.keys(r.timings)).toEqual(['decode', 'resize', 'encode', 'metadata']);
  });

  it('keeps converting when the progress callback throws', async () => {
    const r = await convert(request(photo(), settings(undefined, small)), () => {
      throw new Error('closed port');
    });
    expect(r.width).toBe(300);
  });
});

describe('resize', () => {
  it.each([
    ['contain', 300, 300],
    ['cover', 300, 300],
    ['cover', 120, 300],
    ['exact', 300, 100],
  ] as const)('fit %s into %i × %i gives the planned size', async (fit, maxWidth, maxHeight) => {
    const resize = { maxWidth, maxHeight, fit };
    const s = settings(undefined, resize);
    const plan = planResize(1800, 1200, s.resize);
    const r = await convert(request(photo(), s));
    expect([r.width, r.height]).toEqual([plan.width, plan.height]);
    const back = await decodeResult(r);
    expect([back.width, back.height]).toEqual([plan.width, plan.height]);
  });

  it('plans on the upright size: a turned portrait covers a landscape box', async () => {
    const s = settings(undefined, { maxWidth: 200, maxHeight: 100, fit: 'cover' });
    const [turned, upright] = await Promise.all(
      ['Portrait_6', 'Portrait_1'].map(async (n) =>
        decodeResult(await convert(request(fixture(`exif-orientation/${n}.jpg`), s))),
      ),
    );
    expect([turned.width, turned.height]).toEqual([200, 100]);
    expect(psnr(turned, upright)).toBeGreaterThan(25);
  });

  it('uses the wasm resizer for an explicit method too', async () => {
    const r = await convert(
      request(photo(), settings(undefined, { ...small, method: 'triangle' })),
    );
    expect([r.width, r.height]).toEqual([300, 200]);
  });
});

describe('alpha', () => {
  it('paints the background colour under transparency when writing JPEG', async () => {
    const bytes = fixture('pngsuite/png/basn6a08.png');
    const src = await png.decode(new Uint8Array(bytes));
    const jpeg: OutputSettings = {
      format: 'jpeg',
      options: { quality: 95, progressive: false, chromaSubsampling: '4:4:4' },
    };
    const r = await convert(request(bytes, settings(jpeg, {}, { background: '#ff0000' })));
    const out = await decodeResult(r);
    const want = new Uint8ClampedArray(src.data.length);
    for (let i = 0; i < want.length; i += 4) {
      const a = src.data[i + 3] / 255;
      want.set([src.data[i] * a + 255 * (1 - a), src.data[i + 1] * a, src.data[i + 2] * a, 255], i);
    }
    expect(psnr(out, { ...src, data: want })).toBeGreaterThan(30);
    // The most transparent pixels are nearly pure background.
    const clear = [...Array(src.width * src.height).keys()].filter((p) => src.data[p * 4 + 3] < 8);
    expect(clear.length).toBeGreaterThan(0);
    for (const p of clear) {
      expect(out.data[p * 4]).toBeGreaterThan(200);
      expect(out.data[p * 4 + 1]).toBeLessThan(60);
    }
  });

  it('keeps alpha when the output format has it', async () => {
    const bytes = fixture('pngsuite/png/basn6a08.png');
    const src = await png.decode(new Uint8Array(bytes));
    const out = await decodeResult(await convert(request(bytes, settings())));
    expect(Array.from(out.data)).toEqual(Array.from(src.data));
  });
});

describe('HEIC', () => {
  it('converts the libheif example to WebP', async () => {
    const webp: OutputSettings = { format: 'webp', options: outputFormats.webp.defaults };
    const r = await convert(request(fixture('heif/example.heic'), settings(webp, small)));
    expect(r.inputFormat).toBe('heic');
    expect([r.inputWidth, r.inputHeight]).toEqual([1280, 854]);
    expect([r.width, r.height]).toEqual(
      Object.values(planResize(1280, 854, settings(webp, small).resize)).slice(0, 2),
    );
    const back = await decodeResult(r);
    expect(back.width).toBe(r.width);
  });
});

describe('inputs that are not images we can convert', () => {
  const corrupt = readdirSync(path.join(fixtures, 'pngsuite/png')).filter((f) =>
    /^x.*\.png$/.test(f),
  );

  it('has the 14 corrupt PngSuite files', () => expect(corrupt).toHaveLength(14));

  it.each(corrupt)('rejects corrupt %s with a clear Error', async (name) => {
    const err = await convert(request(fixture(`pngsuite/png/${name}`), settings())).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(
      /^Could not decode PNG: the file (is damaged|is truncated|has no image data) \(.+\)/,
    );
  });

  it('accepts every valid PngSuite file in the structure check', () => {
    const valid = readdirSync(path.join(fixtures, 'pngsuite/png')).filter((f) =>
      /^[^x].*\.png$/.test(f),
    );
    expect(valid.length).toBeGreaterThan(150);
    for (const name of valid) {
      expect(pngProblem(new Uint8Array(fixture(`pngsuite/png/${name}`))), name).toBeNull();
    }
  });

  it('rejects a zero-byte file and a text file with the non-image reason', async () => {
    await expect(convert(request(new Uint8Array(0), settings()))).rejects.toThrow(
      'Empty file (0 bytes)',
    );
    const text = new TextEncoder().encode('hello, this is not a photo\n');
    await expect(convert(request(text, settings()))).rejects.toThrow(
      'Not an image: looks like text',
    );
  });

  it.each([600, 20_000, 200_000])(
    'rejects a JPEG cut off after %i bytes instead of writing a half-grey image',
    async (length) => {
      const whole = new Uint8Array(photo());
      await expect(convert(request(whole.subarray(0, length), settings()))).rejects.toThrow(
        /^Could not decode JPEG: the file is truncated \(.+\)$/,
      );
    },
  );

  it('still reads a JPEG with data appended after its end marker', async () => {
    const whole = new Uint8Array(photo());
    const padded = new Uint8Array([...whole, ...new Uint8Array(1000).fill(7)]);
    const r = await convert(request(padded, settings(undefined, small)));
    expect([r.width, r.height]).toEqual([300, 200]);
  });
});

/** A PNG that is only a signature, an IHDR claiming `w` × `h`, and IEND. */
function pngHeaderOnly(w: number, h: number): Uint8Array {
  const ihdr = new Uint8Array(25);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, 13);
  ihdr.set([0x49, 0x48, 0x44, 0x52], 4);
  v.setUint32(8, w);
  v.setUint32(12, h);
  ihdr.set([8, 6, 0, 0, 0], 16);
  v.setUint32(21, crc32(ihdr, 4, 21));
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  const iend = [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];
  return new Uint8Array([...sig, ...ihdr, ...iend]);
}

/** A JPEG that is only SOI and a baseline SOF0 claiming `w` × `h`. */
function jpegHeaderOnly(w: number, h: number): Uint8Array {
  return new Uint8Array([
    0xff,
    0xd8,
    0xff,
    0xc0,
    0,
    11,
    8,
    h >> 8,
    h & 0xff,
    w >> 8,
    w & 0xff,
    1,
    1,
    0x11,
    0,
    0xff,
    0xd9,
  ]);
}

describe('size limits', () => {
  it.each([
    [
      'PNG',
      pngHeaderOnly(65536, 65536),
      /^Image is 65536 × 65536 px \(4295 MP\), over the 268 MP limit/,
    ],
    [
      'JPEG',
      jpegHeaderOnly(20000, 14000),
      /^Image is 20000 × 14000 px \(280 MP\), over the 268 MP limit/,
    ],
  ])(
    'rejects a %s whose header claims too many pixels before decoding it',
    async (_, bytes, message) => {
      const seen: Stage[] = [];
      const started = performance.now();
      const err = await convert(request(bytes, settings()), (s) => seen.push(s)).catch((e) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err.message).toMatch(message);
      expect(performance.now() - started).toBeLessThan(200);
      expect(seen).toEqual(['decode']);
    },
  );

  it('honours a lower per-request pixel limit', async () => {
    const req = { ...request(photo(), settings()), maxInputPixels: 1_000_000 };
    await expect(convert(req)).rejects.toThrow(/1800 × 1200 px \(2 MP\), over the 1 MP limit/);
  });
});

describe('option mapping', () => {
  const encode = async (output: OutputSettings) =>
    new Uint8Array(
      (await convert(request(photo(), settings(output, { maxWidth: 64, maxHeight: 64 })))).bytes,
    );
  const find = (b: Uint8Array, s: string) => {
    const code = Array.from(s, (c) => c.charCodeAt(0));
    for (let i = 0; i + code.length <= b.length; i++)
      if (code.every((c, j) => b[i + j] === c)) return i;
    return -1;
  };
  /** The SOF marker and the luma component's sampling factors (0x22 = 4:2:0, 0x11 = 4:4:4). */
  const jpegFrame = (b: Uint8Array) => {
    for (let o = 2; o + 4 < b.length; o += 2 + ((b[o + 2] << 8) | b[o + 3])) {
      if (b[o + 1] === 0xc0 || b[o + 1] === 0xc2) return { sof: b[o + 1], luma: b[o + 11] };
    }
    return null;
  };

  it.each([
    [{ quality: 80, progressive: true, chromaSubsampling: '4:2:0' }, 0xc2, 0x22],
    [{ quality: 80, progressive: false, chromaSubsampling: '4:4:4' }, 0xc0, 0x11],
  ] as const)('JPEG %o', async (options, sof, luma) => {
    expect(jpegFrame(await encode({ format: 'jpeg', options }))).toEqual({ sof, luma });
  });

  it.each([
    ['4:2:0', 1],
    ['4:4:4', 0],
  ] as const)('AVIF chroma %s', async (chromaSubsampling, subsampled) => {
    const b = await encode({
      format: 'avif',
      options: { ...outputFormats.avif.defaults, effort: 0, chromaSubsampling },
    });
    const av1c = find(b, 'av1C') + 4;
    expect((b[av1c + 2] >> 3) & 1).toBe(subsampled);
    expect((b[av1c + 2] >> 2) & 1).toBe(subsampled);
  });

  it('WebP lossless writes VP8L, lossy writes VP8', async () => {
    expect(
      find(
        await encode({
          format: 'webp',
          options: { ...outputFormats.webp.defaults, lossless: true },
        }),
        'VP8L',
      ),
    ).toBeGreaterThan(0);
    expect(
      find(await encode({ format: 'webp', options: outputFormats.webp.defaults }), 'VP8 '),
    ).toBeGreaterThan(0);
  });

  it('PNG interlace sets the IHDR interlace method', async () => {
    expect((await encode({ format: 'png', options: { effort: 0, interlace: true } }))[28]).toBe(1);
    expect((await encode({ format: 'png', options: { effort: 0, interlace: false } }))[28]).toBe(0);
  });
});
