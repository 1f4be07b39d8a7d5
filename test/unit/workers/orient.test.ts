import { beforeAll, describe, expect, it } from 'vitest';
import { convert } from '../../../app/workers/convert.js';
import * as jpeg from '../../../app/workers/codecs/jpeg.js';
import * as png from '../../../app/workers/codecs/png.js';
import * as webp from '../../../app/workers/codecs/webp.js';
import { orient } from '../../../app/workers/pipeline/orient.js';
import type { Pixels } from '../../../codecs/pixels.js';
import { limits } from '../../../shared/limits.js';
import { attachExif } from '../../../shared/metadata/attach.js';
import { applyPlan } from '../../../app/workers/pipeline/resize.js';
import { decodeResult, meanAbsDiff, settings, thumbnail } from './images.js';
import { fixture, setupCodecs } from './setup-codecs.js';

beforeAll(() => setupCodecs());

/** A w × h image whose pixel at (x, y) has red = x, green = y. */
function grid(w: number, h: number): Pixels {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) data.set([x, y, 0, 255], (y * w + x) * 4);
  }
  return { data, width: w, height: h };
}

// The EXIF definitions written as compositions of three obvious moves.
const at = (p: Pixels, x: number, y: number) =>
  Array.from(p.data.subarray((y * p.width + x) * 4, (y * p.width + x) * 4 + 4));
function remap(
  p: Pixels,
  w: number,
  h: number,
  from: (x: number, y: number) => [number, number],
): Pixels {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) data.set(at(p, ...from(x, y)), (y * w + x) * 4);
  return { data, width: w, height: h };
}
const flipH = (p: Pixels) => remap(p, p.width, p.height, (x, y) => [p.width - 1 - x, y]);
const flipV = (p: Pixels) => remap(p, p.width, p.height, (x, y) => [x, p.height - 1 - y]);
const transpose = (p: Pixels) => remap(p, p.height, p.width, (x, y) => [y, x]);
const expected: Record<number, (p: Pixels) => Pixels> = {
  1: (p) => p,
  2: flipH,
  3: (p) => flipV(flipH(p)),
  4: flipV,
  5: transpose,
  6: (p) => flipH(transpose(p)),
  7: (p) => flipV(flipH(transpose(p))),
  8: (p) => flipV(transpose(p)),
};

describe('orient', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'applies EXIF orientation %i as the EXIF spec defines it',
    (n) => {
      const src = grid(3, 2);
      const out = orient(src, n);
      const want = expected[n](src);
      expect([out.width, out.height]).toEqual([want.width, want.height]);
      expect(Array.from(out.data)).toEqual(Array.from(want.data));
    },
  );

  it('leaves the image alone for orientation 0 or garbage', () => {
    const src = grid(3, 2);
    for (const n of [0, 9, -1, 2.5, NaN]) expect(orient(src, n)).toBe(src);
  });
});

const thumbSettings = settings(undefined, { maxWidth: 48, maxHeight: 48 });

async function uprightThumb(name: string) {
  const r = await convert({
    bytes: fixture(`exif-orientation/${name}.jpg`),
    name,
    settings: thumbSettings,
    maxInputPixels: limits.maxInputPixels,
  });
  return { result: r, pixels: await decodeResult(r) };
}

describe.each([
  ['Landscape', 1800, 1200, 48, 32],
  ['Portrait', 1200, 1800, 32, 48],
] as const)('%s photos with EXIF orientation 0..8', (kind, w, h, tw, th) => {
  let reference: Float64Array;
  let referencePixels: Pixels;
  const cols = tw / 2;
  const rows = th / 2;

  beforeAll(async () => {
    const { pixels } = await uprightThumb(`${kind}_1`);
    referencePixels = pixels;
    reference = thumbnail(pixels, cols, rows);
  });

  it.each([0, 2, 3, 4, 5, 6, 7, 8])(`${kind}_%i comes out upright at ${w} × ${h}`, async (n) => {
    const { result, pixels } = await uprightThumb(`${kind}_${n}`);
    expect([result.inputWidth, result.inputHeight]).toEqual([w, h]);
    expect([result.width, result.height]).toEqual([tw, th]);
    const diff = meanAbsDiff(thumbnail(pixels, cols, rows), reference);
    // Measured: ≤ 0.6 when upright, ≥ 34 when mirrored or turned.
    expect(diff).toBeLessThan(5);
  });

  it('would catch a mis-oriented image: mirrored or turned copies differ from the reference', () => {
    for (const n of [2, 3, 4]) {
      const wrong = thumbnail(orient(referencePixels, n), cols, rows);
      const diff = meanAbsDiff(wrong, reference);
      expect(diff).toBeGreaterThan(20);
    }
  });
});

describe('orientation outside JPEG', () => {
  /** EXIF holding only Orientation = n, big-endian. */
  const orientationOnly = (n: number) =>
    new Uint8Array([
      0x4d,
      0x4d,
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
      n,
      0,
      0,
      0,
      0,
      0,
      0,
    ]);

  /** Landscape_n's stored (unturned) pixels at a tenth of the size, tagged with orientation n. */
  async function retagged(n: number, format: 'png' | 'webp') {
    const stored = await jpeg.decode(
      new Uint8Array(fixture(`exif-orientation/Landscape_${n}.jpg`)),
    );
    const w = Math.round(stored.width / 10);
    const h = Math.round(stored.height / 10);
    const small = await applyPlan(stored, { width: w, height: h, crop: null }, 'lanczos3');
    const encoded =
      format === 'png'
        ? await png.encode(small, { effort: 0, interlace: false })
        : await webp.encode(small, { quality: 100, lossless: true, effort: 0 });
    return attachExif(encoded, format, orientationOnly(n));
  }

  it.each([
    ['png', 3],
    ['png', 6],
    ['webp', 3],
    ['webp', 8],
  ] as const)('turns a %s tagged with orientation %i upright', async (format, n) => {
    const ref = thumbnail(
      await decodeResult(
        await convert({
          bytes: fixture('exif-orientation/Landscape_1.jpg'),
          name: 'ref',
          settings: thumbSettings,
          maxInputPixels: limits.maxInputPixels,
        }),
      ),
    );
    const bytes = await retagged(n, format);
    const r = await convert({
      bytes: bytes.slice().buffer,
      name: 'x',
      settings: thumbSettings,
      maxInputPixels: limits.maxInputPixels,
    });
    expect([r.inputWidth, r.inputHeight, r.width, r.height]).toEqual([180, 120, 48, 32]);
    expect(meanAbsDiff(thumbnail(await decodeResult(r)), ref)).toBeLessThan(5);
  });
});
