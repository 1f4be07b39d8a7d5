import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBmp } from '../../../server/convert/bmp.js';
import { convertImage } from '../../../server/convert/index.js';
import { configureSharp } from '../../../server/convert/sharp-setup.js';
import { WasmPool } from '../../../server/convert/wasm-pool.js';
import { decodeOnPool } from '../../../server/convert/wasm-tasks.js';
import { outputFormats, type OutputSettings } from '../../../shared/formats/index.js';
import { limits } from '../../../shared/limits.js';
import { extractExif } from '../../../shared/metadata/exif.js';
import type { MetadataMode } from '../../../shared/presets/index.js';
import { settings } from '../workers/images.js';
import {
  buildExif,
  contains,
  jpegWithExif,
  latitudeBytes,
  readTags,
} from '../workers/exif-fixture.js';
import { fixtures } from './helpers.js';

// HEIC, JPEG XL and BMP go through worker threads, as in the server (wasm-pool.ts).
const wasm = new WasmPool({ size: 2 });
beforeAll(() => configureSharp());
afterAll(() => wasm.stop());

const read = (relative: string) => new Uint8Array(readFileSync(path.join(fixtures, relative)));
const opts = { maxInputPixels: limits.maxInputPixels, wasm };
const webp: OutputSettings = { format: 'webp', options: outputFormats.webp.defaults };
const box = { maxWidth: 400, maxHeight: 400 };

describe('orientation and size', () => {
  it.each([1, 3, 6, 8])(
    'turns Landscape and Portrait photos with orientation %i upright',
    async (n) => {
      for (const [name, wide] of [
        ['Landscape', true],
        ['Portrait', false],
      ] as const) {
        const r = await convertImage(
          read(`exif-orientation/${name}_${n}.jpg`),
          settings(webp, box),
          opts,
        );
        expect(wide ? r.width > r.height : r.height > r.width).toBe(true);
        expect(Math.max(r.width, r.height)).toBe(400);
        const meta = await sharp(r.data).metadata();
        expect([meta.format, meta.width, meta.height]).toEqual(['webp', r.width, r.height]);
      }
    },
  );

  it('covers a square by cropping the centre of the upright image', async () => {
    const s = settings(webp, { ...box, fit: 'cover' });
    const r = await convertImage(read('exif-orientation/Portrait_6.jpg'), s, opts);
    expect([r.width, r.height]).toEqual([400, 400]);
    expect([r.inputWidth, r.inputHeight]).toEqual([1200, 1800]);
  });
});

describe('output formats', () => {
  const cases: OutputSettings[] = [
    { format: 'jpeg', options: { ...outputFormats.jpeg.defaults, progressive: false } },
    { format: 'jpeg', options: outputFormats.jpeg.defaults },
    { format: 'png', options: { effort: 3, interlace: true } },
    { format: 'avif', options: { ...outputFormats.avif.defaults, effort: 0 } },
    { format: 'webp', options: { ...outputFormats.webp.defaults, lossless: true } },
  ];
  it.each(cases)('writes %o that sharp reads back at the planned size', async (output) => {
    const r = await convertImage(
      read('exif-orientation/Landscape_1.jpg'),
      settings(output, box),
      opts,
    );
    const meta = await sharp(r.data).metadata();
    expect(meta.format).toBe(output.format === 'avif' ? 'heif' : output.format);
    expect([meta.width, meta.height]).toEqual([400, 267]);
  });

  it('writes JPEG XL with the libjxl wasm (sharp has no JXL here)', async () => {
    const output: OutputSettings = {
      format: 'jxl',
      options: { ...outputFormats.jxl.defaults, effort: 1 },
    };
    const r = await convertImage(
      read('exif-orientation/Portrait_8.jpg'),
      settings(output, box),
      opts,
    );
    const back = await decodeOnPool(wasm, 'jxl', r.data);
    expect([back.width, back.height]).toEqual([267, 400]);
  });

  it('flattens transparency onto the background for JPEG', async () => {
    const output: OutputSettings = { format: 'jpeg', options: outputFormats.jpeg.defaults };
    const s = settings(output, {}, { background: '#ff0000' });
    // basn6a08: RGBA with fully transparent pixels in one corner.
    const r = await convertImage(read('pngsuite/png/basn6a08.png'), s, opts);
    const { data, info } = await sharp(r.data).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3);
    expect(data[0]).toBeGreaterThan(200);
    expect(data[1]).toBeLessThan(60);
  });
});

describe('inputs sharp cannot read here', () => {
  it('decodes HEIC with libheif, on a worker thread', async () => {
    const before = wasm.stats().done;
    const r = await convertImage(read('heif/example.heic'), settings(webp, box), opts);
    expect(r.inputFormat).toBe('heic');
    expect([r.inputWidth, r.inputHeight]).toEqual([1280, 854]);
    expect([r.width, r.height]).toEqual([400, 267]);
    expect(wasm.stats().done).toBe(before + 1);
    expect(wasm.stats().threadIds).not.toContain(threadId);
  });

  it('decodes AVIF with sharp', async () => {
    const r = await convertImage(read('heif/example.avif'), settings(webp, box), opts);
    expect(r.inputFormat).toBe('avif');
    expect(r.width).toBe(400);
  });

  it('decodes JPEG XL it wrote', async () => {
    const output: OutputSettings = {
      format: 'jxl',
      options: { ...outputFormats.jxl.defaults, effort: 1 },
    };
    const jxl = await convertImage(read('pngsuite/png/basn2c08.png'), settings(output), opts);
    const r = await convertImage(jxl.data, settings(webp), opts);
    expect([r.inputFormat, r.width, r.height]).toEqual(['jxl', 32, 32]);
  });

  it.each([8, 24, 32])('decodes a %i-bit BMP to the same pixels', async (bpp) => {
    const { bmp, rgba } = makeBmp(bpp, 7, 5);
    const decoded = decodeBmp(bmp);
    expect([decoded.width, decoded.height]).toEqual([7, 5]);
    expect(Array.from(decoded.data)).toEqual(Array.from(rgba));
    const r = await convertImage(
      bmp,
      settings({ format: 'png', options: { effort: 0, interlace: false } }),
      opts,
    );
    const back = await sharp(r.data).ensureAlpha().raw().toBuffer();
    expect(Array.from(back)).toEqual(Array.from(rgba));
  });

  it('refuses RLE-compressed BMP with a reason', () => {
    const { bmp } = makeBmp(8, 2, 2);
    bmp[30] = 1;
    expect(() => decodeBmp(bmp)).toThrow('RLE8-compressed BMP is not supported');
  });
});

describe("TIFF, with libvips' TIFF loader", () => {
  const photo = () => sharp(read('exif-orientation/Landscape_1.jpg')).resize(300);
  const png: OutputSettings = { format: 'png', options: { effort: 0, interlace: false } };

  it.each([
    ['8-bit RGB, LZW', () => photo().tiff({ compression: 'lzw' })],
    ['16-bit RGB, Deflate', () => photo().toColourspace('rgb16').tiff({ compression: 'deflate' })],
    ['grey, PackBits', () => photo().greyscale().tiff({ compression: 'packbits' })],
    ['RGBA, JPEG', () => photo().ensureAlpha(0.5).tiff({ compression: 'lzw' })],
  ])('converts %s', async (_, make) => {
    const r = await convertImage(await make().toBuffer(), settings(webp, box), opts);
    expect([r.inputFormat, r.inputWidth, r.inputHeight, r.width, r.height]).toEqual([
      'tiff',
      300,
      200,
      300,
      200,
    ]);
    expect((await sharp(r.data).metadata()).format).toBe('webp');
  });

  it('converts the first page only, turned upright by the Orientation tag', async () => {
    const page = (colour: string) =>
      sharp({ create: { width: 30, height: 20, channels: 3, background: colour } })
        .png()
        .toBuffer();
    const pages = await sharp([await page('#d00'), await page('#00d')], {
      join: { animated: true },
    })
      .withMetadata({ orientation: 8 })
      .tiff({ compression: 'lzw' })
      .toBuffer();
    const r = await convertImage(pages, settings(png), opts);
    expect([r.width, r.height]).toEqual([20, 30]);
    const { data } = await sharp(r.data).raw().toBuffer({ resolveWithObject: true });
    expect(Array.from(data.subarray(0, 3))).toEqual([0xdd, 0, 0]);
  });

  it('runs the same admission: a fax-compressed scan is refused before libvips sees it', async () => {
    const fax = await photo()
      .toColourspace('b-w')
      .threshold()
      .tiff({ bitdepth: 1, compression: 'ccittfax4' })
      .toBuffer();
    // libvips would read it; the app cannot, so neither side converts it.
    expect((await sharp(fax).stats()).channels).toHaveLength(1);
    await expect(convertImage(fax, settings(webp), opts)).rejects.toThrow(
      'Could not decode TIFF: its CCITT Group 4 (fax) compression is not supported',
    );
  });

  it('refuses a scan over the pixel limit from its directory, before decoding', async () => {
    const tiff = await photo().tiff().toBuffer();
    await expect(
      convertImage(tiff, settings(webp), { ...opts, maxInputPixels: 50_000 }),
    ).rejects.toThrow(
      'Image is 300 × 200 px (0.06 MP), over the 0.05 MP limit; it was not decoded',
    );
  });
});

describe('bad input', () => {
  it('fails each corrupt PngSuite file with a reason, like the app', async () => {
    const dir = path.join(fixtures, 'pngsuite/png');
    const corrupt = readdirSync(dir).filter((f) => f.startsWith('x'));
    expect(corrupt.length).toBe(14);
    for (const name of corrupt) {
      const error = await convertImage(read(`pngsuite/png/${name}`), settings(webp), opts).then(
        () => null,
        (e: Error) => e.message,
      );
      expect(error, name).toMatch(/^(Could not decode PNG: |Not a supported image|Not an image)/);
    }
  });

  it('refuses a truncated JPEG rather than writing half a grey image', async () => {
    const jpeg = read('exif-orientation/Landscape_1.jpg');
    await expect(
      convertImage(jpeg.subarray(0, jpeg.length / 2), settings(webp), opts),
    ).rejects.toThrow('Could not decode JPEG: the file is truncated');
  });

  it('refuses an image over the pixel limit before decoding it', async () => {
    const jpeg = read('exif-orientation/Landscape_1.jpg');
    await expect(
      convertImage(jpeg, settings(webp), { ...opts, maxInputPixels: 1e6 }),
    ).rejects.toThrow('Image is 1800 × 1200 px (2 MP), over the 1 MP limit; it was not decoded');
  });

  it('keeps libvips loaders we do not need blocked (SVG, the VIPS format)', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"/>';
    await expect(sharp(Buffer.from(svg)).metadata()).rejects.toThrow(/unsupported image format/);
    const dir = mkdtempSync(path.join(tmpdir(), 'pixpool-vips-'));
    try {
      const file = path.join(dir, 'x.v');
      await sharp({ create: { width: 2, height: 2, channels: 3, background: '#f00' } }).toFile(
        file,
      );
      await expect(sharp(file).metadata()).rejects.toThrow(/not a known file format|unsupported/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('tells a damaged input from a failing encoder by decoding the input alone', async () => {
    // The GIF's header reads fine; its pixels break off, which libvips finds mid-pipeline.
    const gif = await sharp(read('exif-orientation/Landscape_1.jpg')).resize(300).gif().toBuffer();
    await expect(
      convertImage(gif.subarray(0, gif.length / 2), settings(webp), opts),
    ).rejects.toThrow(/^Could not decode GIF: the file is damaged or truncated \(/);
    // An AVIF damaged inside its frame: a plain decode of it succeeds, the pipeline's does not.
    const avif = new Uint8Array(
      await sharp(read('exif-orientation/Landscape_1.jpg')).resize(300).avif().toBuffer(),
    );
    for (let i = 0; i < 50; i++) avif[Math.floor(avif.length / 2) + i * 97] ^= 0x55;
    await expect(convertImage(avif, settings(webp), opts)).rejects.toThrow(
      /^Could not decode AVIF: the file is damaged or truncated \(/,
    );
    // A whole, valid input the encoder cannot write: WebP stops at 16,383 px a side.
    const wide = await sharp({
      create: { width: 17000, height: 4, channels: 3, background: '#3a6' },
    })
      .png()
      .toBuffer();
    const unscaled = settings(webp, { maxWidth: 0, maxHeight: 0 });
    await expect(convertImage(wide, unscaled, opts)).rejects.toThrow(
      /^Could not encode WebP at 17000 × 4 px \(/,
    );
  });

  it('names what a non-image is', async () => {
    const text = new TextEncoder().encode('hello, world\n');
    await expect(convertImage(text, settings(webp), opts)).rejects.toThrow('looks like text');
  });
});

describe('metadata', () => {
  // Landscape_6 with a hand-built EXIF block that adds GPS (no fixture carries any).
  const input = jpegWithExif(read('exif-orientation/Landscape_6.jpg'), buildExif(false, 6));
  const run = (metadata: MetadataMode) =>
    convertImage(
      input,
      settings(
        { format: 'jpeg', options: outputFormats.jpeg.defaults },
        { maxWidth: 120, maxHeight: 120 },
        { metadata },
      ),
      opts,
    );

  it('strips everything by default', async () => {
    const r = await run('strip');
    expect(extractExif(r.data, 'jpeg')).toBeNull();
    expect((await sharp(r.data).metadata()).exif).toBeUndefined();
  });

  it('keeps EXIF with orientation 1 and the new size', async () => {
    const r = await run('keep');
    const tags = readTags(extractExif(r.data, 'jpeg')!);
    expect(tags.ifd0.get(0x0112)?.value).toBe(1);
    expect(tags.exif?.get(0xa002)?.value).toBe(120);
    expect(contains(r.data, latitudeBytes(false))).toBe(true);
    const meta = await sharp(r.data).metadata();
    expect([meta.orientation ?? 1, meta.width, meta.height]).toEqual([1, 120, 80]);
  });

  it('keep-no-gps leaves no location anywhere in the file', async () => {
    const r = await run('keep-no-gps');
    const tags = readTags(extractExif(r.data, 'jpeg')!);
    expect(tags.gps).toBeNull();
    expect(tags.ifd0.has(0x8825)).toBe(false);
    expect(contains(r.data, latitudeBytes(false))).toBe(false);
  });
});

/** A BMP of `width` × `height` with a gradient, and the RGBA it must decode to. */
function makeBmp(bpp: number, width: number, height: number) {
  const rgba = new Uint8ClampedArray(width * height * 4);
  const palette: number[][] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const colour = bpp === 8 ? [x * 30, y * 40, 200] : [x * 30, y * 40, (x * y * 7) % 256];
      rgba.set([...colour, 255], i);
      if (bpp === 8) palette[y * width + x] = colour;
    }
  }
  const stride = Math.ceil((width * bpp) / 32) * 4;
  const paletteBytes = bpp === 8 ? 256 * 4 : 0;
  const offset = 14 + 40 + paletteBytes;
  const b = new Uint8Array(offset + stride * height);
  const v = new DataView(b.buffer);
  b.set([0x42, 0x4d]);
  v.setUint32(2, b.length, true);
  v.setUint32(10, offset, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, width, true);
  v.setInt32(22, height, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, bpp, true);
  palette.forEach(([r, g, bl], i) => b.set([bl, g, r, 0], 54 + i * 4));
  for (let y = 0; y < height; y++) {
    const row = offset + (height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      if (bpp === 8) b[row + x] = y * width + x;
      else b.set([rgba[i + 2], rgba[i + 1], rgba[i]], row + x * (bpp / 8));
    }
  }
  return { bmp: b, rgba };
}

describe('options at the ends of their ranges', () => {
  it('encodes quality 0, which the schema allows and libvips does not take', async () => {
    for (const format of ['jpeg', 'webp', 'avif'] as const) {
      const output = {
        format,
        options: { ...outputFormats[format].defaults, quality: 0 },
      } as OutputSettings;
      const r = await convertImage(
        read('exif-orientation/Landscape_1.jpg'),
        settings(output, box),
        opts,
      );
      expect((await sharp(r.data).metadata()).format).toBe(format === 'avif' ? 'heif' : format);
    }
  });
});
