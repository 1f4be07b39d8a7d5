import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decode } from '../../../app/workers/codecs/tiff.js';
import { convert, type ConvertRequest } from '../../../app/workers/convert.js';
import type { Pixels } from '../../../codecs/pixels.js';
import { limits } from '../../../shared/limits.js';
import type { ConversionSettings } from '../../../shared/presets/index.js';
import type { Stage } from '../../../shared/state/index.js';
import { buildTiff, entryAt, setLe32, SHORT } from '../shared/tiff-fixture.js';
import { decodeResult, psnr, settings } from './images.js';
import { fixture, setupCodecs } from './setup-codecs.js';

beforeAll(() => setupCodecs());

const photo = () => sharp(Buffer.from(fixture('exif-orientation/Landscape_1.jpg'))).resize(120);

/** What libvips decodes the same file to, as 8-bit RGBA (its TIFF loader, unblocked here). */
async function vips(b: Uint8Array): Promise<Pixels> {
  const { data, info } = await sharp(b)
    .toColourspace('srgb')
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8ClampedArray(data), width: info.width, height: info.height };
}

function request(bytes: Uint8Array, s: ConversionSettings = settings()): ConvertRequest {
  return {
    bytes: bytes.slice().buffer,
    name: 'scan.tif',
    settings: s,
    maxInputPixels: limits.maxInputPixels,
  };
}

describe('the TIFF decoder (geotiff)', () => {
  it.each([
    ['uncompressed RGB', () => photo().tiff({ compression: 'none' })],
    ['LZW with the horizontal predictor', () => photo().tiff({ compression: 'lzw' })],
    ['Deflate', () => photo().tiff({ compression: 'deflate' })],
    ['PackBits', () => photo().tiff({ compression: 'packbits' })],
    ['JPEG-compressed YCbCr', () => photo().tiff({ compression: 'jpeg', quality: 80 })],
    ['64 px tiles', () => photo().tiff({ tile: true, tileWidth: 64, tileHeight: 64 })],
    ['16-bit RGB', () => photo().toColourspace('rgb16').tiff({ compression: 'lzw' })],
    ['8-bit grey', () => photo().greyscale().tiff({ compression: 'deflate' })],
    ['16-bit grey', () => photo().toColourspace('grey16').tiff({ compression: 'none' })],
    ['4-bit grey', () => photo().toColourspace('b-w').tiff({ bitdepth: 4 })],
    ['RGBA', () => photo().ensureAlpha(0.4).tiff({ compression: 'lzw' })],
    ['BigTIFF', () => photo().tiff({ bigtiff: true, compression: 'lzw' })],
  ])('decodes %s to the pixels libvips gives', async (_, make) => {
    const b = new Uint8Array(await make().toBuffer());
    const ours = await decode(b);
    const theirs = await vips(b);
    expect([ours.width, ours.height]).toEqual([120, 80]);
    // Identical, JPEG included: both hand JPEG strips to libjpeg.
    expect(Array.from(ours.data)).toEqual(Array.from(theirs.data));
  });

  it('decodes CMYK without a colour profile: close to libvips, which uses one', async () => {
    const b = new Uint8Array(
      await photo().toColourspace('cmyk').tiff({ compression: 'lzw' }).toBuffer(),
    );
    const ours = await decode(b);
    // Measured 23.8 dB: plain ink arithmetic against libvips' CMYK profile.
    expect(psnr(ours, await vips(b))).toBeGreaterThan(20);
  });

  it.each([
    [
      'a palette with 16-bit entries',
      buildTiff({
        width: 4,
        height: 1,
        photometric: 3,
        pixels: new Uint8Array([0, 1, 2, 255]),
        tags: [
          {
            tag: 320,
            type: SHORT,
            values: [
              ...Array.from({ length: 256 }, (_, i) => i * 257),
              ...Array.from({ length: 256 }, (_, i) => (255 - i) * 257),
              ...Array(256).fill(0x8000),
            ],
          },
        ],
      }),
      [0, 255, 128, 255, 1, 254, 128, 255, 2, 253, 128, 255, 255, 0, 128, 255],
    ],
    [
      '1-bit white-is-zero (fax polarity)',
      buildTiff({
        width: 4,
        height: 1,
        bits: 1,
        photometric: 0,
        pixels: new Uint8Array([0b1010_0000]),
      }),
      [0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0, 255, 255, 255, 255, 255],
    ],
    [
      'grey with alpha',
      buildTiff({
        width: 2,
        height: 1,
        samples: 2,
        photometric: 1,
        pixels: new Uint8Array([100, 128, 200, 255]),
        tags: [{ tag: 338, type: SHORT, values: [2] }],
      }),
      [100, 100, 100, 128, 200, 200, 200, 255],
    ],
    [
      'premultiplied (associated) alpha, unpremultiplied as libvips does',
      buildTiff({
        width: 2,
        height: 1,
        samples: 4,
        photometric: 2,
        pixels: new Uint8Array([50, 100, 25, 128, 10, 20, 30, 0]),
        tags: [{ tag: 338, type: SHORT, values: [1] }],
      }),
      [99, 199, 49, 128, 0, 0, 0, 0],
    ],
    [
      'big-endian 16-bit grey',
      buildTiff({
        width: 2,
        height: 1,
        bits: 16,
        photometric: 1,
        bigEndian: true,
        pixels: new Uint8Array([0x12, 0x34, 0xff, 0x80]),
      }),
      [0x12, 0x12, 0x12, 255, 0xff, 0xff, 0xff, 255],
    ],
  ])('decodes %s', async (_, file, expected) => {
    const ours = await decode(file.bytes);
    expect(Array.from(ours.data)).toEqual(expected);
    expect(Array.from((await vips(file.bytes)).data)).toEqual(expected);
  });
});

describe('converting TIFF in the app', () => {
  it('converts the first page of a two-page file', async () => {
    const page = (colour: string) =>
      sharp({ create: { width: 30, height: 20, channels: 3, background: colour } })
        .png()
        .toBuffer();
    const pages = await sharp([await page('#d00'), await page('#00d')], {
      join: { animated: true },
    })
      .tiff({ compression: 'lzw' })
      .toBuffer();
    const r = await convert(request(new Uint8Array(pages)));
    expect([r.inputFormat, r.width, r.height]).toEqual(['tiff', 30, 20]);
    const out = await decodeResult(r);
    expect(Array.from(out.data.subarray(0, 4))).toEqual([0xdd, 0, 0, 255]);
  });

  it('turns a scan upright by its Orientation tag, as libvips does', async () => {
    const turned = new Uint8Array(
      await photo().withMetadata({ orientation: 6 }).tiff({ compression: 'lzw' }).toBuffer(),
    );
    const r = await convert(request(turned));
    expect([r.width, r.height, r.inputWidth, r.inputHeight]).toEqual([80, 120, 80, 120]);
    const upright = await sharp(turned).autoOrient().ensureAlpha().raw().toBuffer();
    const out = await decodeResult(r);
    expect(psnr(out, { data: new Uint8ClampedArray(upright), width: 80, height: 120 })).toBe(
      Infinity,
    );
  });

  it('writes 16-bit input as 8-bit and keeps alpha', async () => {
    const rgba16 = new Uint8Array(
      await photo().ensureAlpha(0.5).toColourspace('rgb16').tiff({ compression: 'lzw' }).toBuffer(),
    );
    const out = await decodeResult(await convert(request(rgba16)));
    expect([out.width, out.height]).toEqual([120, 80]);
    expect(out.data[3]).toBe(127);
    expect(psnr(out, await vips(rgba16))).toBe(Infinity);
  });

  it('fails a damaged TIFF with the reason, in the words of the other formats', async () => {
    const lzw = new Uint8Array(await photo().tiff({ compression: 'lzw' }).toBuffer());
    await expect(convert(request(lzw.subarray(0, lzw.length / 2)))).rejects.toThrow(
      /^Could not decode TIFF: the file is damaged or truncated \(its image directory at byte \d+ lies past its end at byte \d+\)$/,
    );
    const overwritten = new Uint8Array(lzw);
    for (let i = 0; i < 50; i++) overwritten[2000 + i * 97] ^= 0x55;
    await expect(convert(request(overwritten))).rejects.toThrow(
      /^Could not decode TIFF: the file is damaged or truncated \(.+\)$/,
    );
  });

  it('refuses a scan over the pixel limit from its directory, before decoding', async () => {
    const { bytes: b, ifd } = buildTiff({
      width: 1,
      height: 1,
      photometric: 1,
      pixels: new Uint8Array([0]),
    });
    setLe32(b, entryAt(b, ifd, 256) + 8, 20_000);
    setLe32(b, entryAt(b, ifd, 257) + 8, 14_000);
    const seen: Stage[] = [];
    await expect(convert(request(b), (s) => seen.push(s))).rejects.toThrow(
      'Image is 20000 × 14000 px (280 MP), over the 268 MP limit; it was not decoded',
    );
    expect(seen).toEqual(['decode']);
  });
});
