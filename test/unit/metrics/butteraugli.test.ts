// Our butteraugli against the reference binary, Debian's butteraugli_main (libjxl 0.7,
// package libjxl-devtools), on real image pairs: both sides read the same PNGs, and every
// expected number comes from running the binary now.
//
// Tolerance: 0.1 % relative on both numbers. The port agrees far more closely, within 2e-5
// relative on every pair here (the suite prints its worst case): float rounding only, as
// libjxl adds in float32 and in SIMD order while we add in doubles.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp, { type Region, type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  butteraugli,
  ButteraugliComparator,
  type ButteraugliScore,
} from '../../../codecs/metrics/butteraugli.js';
import type { Pixels } from '../../../codecs/pixels.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '../../../../shared/fixtures');
const binary = 'butteraugli_main';
const tolerance = 1e-3;

let dir: string;
const worst = { distance: 0, pnorm3: 0, distanceAbs: 0, pnorm3Abs: 0 };

beforeAll(() => {
  const probe = spawnSync(binary, [], { encoding: 'utf8' });
  if (probe.error) {
    throw new Error(
      `${binary} is missing (${probe.error.message}). These tests check our butteraugli against ` +
        `it: install Debian's libjxl-devtools (apt-get install libjxl-devtools).`,
    );
  }
  dir = mkdtempSync(path.join(tmpdir(), 'pixpool-butteraugli-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  const pct = (v: number) => `${(v * 100).toFixed(5)} %`;
  console.log(
    `butteraugli vs ${binary}, worst of all pairs: distance ${pct(worst.distance)} ` +
      `(abs ${worst.distanceAbs.toExponential(2)}), 3-norm ${pct(worst.pnorm3)} ` +
      `(abs ${worst.pnorm3Abs.toExponential(2)})`,
  );
});

interface Raw {
  data: Buffer;
  width: number;
  height: number;
  channels: 3 | 4;
}

async function raw(image: Sharp): Promise<Raw> {
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels as 3 | 4 };
}

const fromRaw = (r: Raw) =>
  sharp(r.data, { raw: { width: r.width, height: r.height, channels: r.channels } });

/** A photo fixture, upright and about 512 px wide, optionally cropped first. */
function photo(file: string, width: number, crop?: Region): () => Promise<Raw> {
  return once(async () => {
    const upright = await sharp(path.join(fixtures, file))
      .rotate()
      .png({ compressionLevel: 0 })
      .toBuffer();
    const image = crop ? sharp(upright).extract(crop) : sharp(upright);
    return raw(image.resize({ width }).removeAlpha());
  });
}

/** Makes a source once; the cases share it. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

/** A PngSuite image as 8-bit RGB, or RGBA when it has alpha. */
function pngSuite(name: string, alpha = false): () => Promise<Raw> {
  return async () => {
    const image = sharp(path.join(fixtures, 'pngsuite/png', `${name}.png`));
    return raw(alpha ? image.ensureAlpha() : image.removeAlpha().toColourspace('srgb'));
  };
}

/** The photo with alpha ramping from clear on the left to opaque on the right. */
function translucentPhoto(): Promise<Raw> {
  return photo('exif-orientation/Landscape_1.jpg', 384)().then(async (r) => {
    const rgba = await raw(fromRaw(r).ensureAlpha());
    for (let y = 0; y < rgba.height; y++) {
      for (let x = 0; x < rgba.width; x++) {
        rgba.data[(y * rgba.width + x) * 4 + 3] = Math.round((255 * x) / (rgba.width - 1));
      }
    }
    return rgba;
  });
}

type Distort = (r: Raw) => Promise<Raw>;
const decoded = async (bytes: Promise<Buffer>, alpha: boolean) =>
  raw(alpha ? sharp(await bytes).ensureAlpha() : sharp(await bytes).removeAlpha());
const jpeg =
  (quality: number): Distort =>
  (r) =>
    decoded(fromRaw(r).jpeg({ quality }).toBuffer(), false);
const webp =
  (quality: number): Distort =>
  (r) =>
    decoded(fromRaw(r).webp({ quality }).toBuffer(), r.channels === 4);
const avif =
  (quality: number): Distort =>
  (r) =>
    decoded(fromRaw(r).avif({ quality, effort: 2 }).toBuffer(), r.channels === 4);
/** Down to a third and back up: a blur. */
const blur: Distort = async (r) => {
  const third = (n: number) => Math.max(1, Math.round(n / 3));
  const small = await raw(fromRaw(r).resize(third(r.width), third(r.height), { fit: 'fill' }));
  return raw(fromRaw(small).resize(r.width, r.height, { fit: 'fill' }));
};
const same: Distort = async (r) => r;

let written = 0;
/** Writes `r` as PNG for the binary and returns the pixels the PNG decodes to. */
async function writePng(r: Raw): Promise<{ file: string; pixels: Pixels }> {
  const file = path.join(dir, `${written++}.png`);
  const png = await fromRaw(r).png().toBuffer();
  writeFileSync(file, png);
  const back = await raw(sharp(png).ensureAlpha());
  const data = new Uint8ClampedArray(back.data.buffer, back.data.byteOffset, back.data.length);
  return { file, pixels: { data, width: back.width, height: back.height } };
}

function native(reference: string, distorted: string, ...flags: string[]): ButteraugliScore {
  const out = execFileSync(binary, [reference, distorted, ...flags], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const match = /^\s*([\d.e+-]+)\s*\n3-norm:\s*([\d.e+-]+)/.exec(out);
  if (!match) throw new Error(`Unexpected ${binary} output: ${JSON.stringify(out)}`);
  return { distance: Number(match[1]), pnorm3: Number(match[2]) };
}

/** Checks ours against the binary's within the tolerance and records how close it came. */
function expectAgreement(ours: ButteraugliScore, theirs: ButteraugliScore, label: string): void {
  for (const key of ['distance', 'pnorm3'] as const) {
    const abs = Math.abs(ours[key] - theirs[key]);
    const rel = theirs[key] === 0 ? abs : abs / theirs[key];
    worst[key] = Math.max(worst[key], rel);
    const absKey = key === 'distance' ? 'distanceAbs' : 'pnorm3Abs';
    worst[absKey] = Math.max(worst[absKey], abs);
    expect(
      rel,
      `${label}: our ${key} ${ours[key]} vs ${binary}'s ${theirs[key]} (relative diff ${rel})`,
    ).toBeLessThanOrEqual(tolerance);
  }
}

async function pair(source: () => Promise<Raw>, distort: Distort) {
  const r = await source();
  const reference = await writePng(r);
  const distorted = await writePng(await distort(r));
  return { reference, distorted };
}

const landscape = photo('exif-orientation/Landscape_1.jpg', 512);
const crop = photo('exif-orientation/Landscape_3.jpg', 480, {
  left: 700,
  top: 300,
  width: 900,
  height: 600,
});
const portrait = photo('exif-orientation/Portrait_5.jpg', 320);
const avifPhoto = photo('heif/example.avif', 512);

const cases: [string, () => Promise<Raw>, Distort][] = [
  ['photo, JPEG q20', landscape, jpeg(20)],
  ['photo, JPEG q50', landscape, jpeg(50)],
  ['photo, JPEG q85', landscape, jpeg(85)],
  ['photo, WebP q50', landscape, webp(50)],
  ['photo, AVIF q40', landscape, avif(40)],
  ['photo, resized to a third and back', landscape, blur],
  ['cropped photo, JPEG q40', crop, jpeg(40)],
  ['cropped photo, WebP q75', crop, webp(75)],
  ['portrait photo, JPEG q60', portrait, jpeg(60)],
  ['portrait photo, AVIF q50', portrait, avif(50)],
  ['portrait photo, resized to a third and back', portrait, blur],
  ['second photo, JPEG q30', avifPhoto, jpeg(30)],
  ['second photo, WebP q40', avifPhoto, webp(40)],
  ['second photo, AVIF q30', avifPhoto, avif(30)],
  ['PngSuite basn2c08, JPEG q50', pngSuite('basn2c08'), jpeg(50)],
  ['PngSuite s39n3p04 (39 × 39), WebP q50', pngSuite('s39n3p04'), webp(50)],
  ['PngSuite basn0g08 (grey), JPEG q30', pngSuite('basn0g08'), jpeg(30)],
  ['PngSuite tp0n2c08, resized to a third and back', pngSuite('tp0n2c08'), blur],
  ['PngSuite basn6a08 with alpha, WebP q60', pngSuite('basn6a08', true), webp(60)],
  ['PngSuite basn6a08 with alpha, JPEG q50 (alpha dropped)', pngSuite('basn6a08', true), jpeg(50)],
  ['translucent photo, WebP q60', translucentPhoto, webp(60)],
  ['translucent photo, AVIF q40', translucentPhoto, avif(40)],
  ['identical photos', landscape, same],
  ['identical translucent images', pngSuite('basn6a08', true), same],
];

describe('butteraugli against butteraugli_main', () => {
  it.each(cases)('agrees on %s', async (label, source, distort) => {
    const { reference, distorted } = await pair(source, distort);
    const theirs = native(reference.file, distorted.file);
    const ours = butteraugli(reference.pixels, distorted.pixels);
    expectAgreement(ours, theirs, label);
    if (distort === same) expect(ours).toEqual({ distance: 0, pnorm3: 0 });
  });

  it('agrees with the images swapped: the reference is the one whose detail counts', async () => {
    const { reference, distorted } = await pair(landscape, jpeg(35));
    const forward = native(reference.file, distorted.file);
    const backward = native(distorted.file, reference.file);
    expect(backward.distance).not.toBeCloseTo(forward.distance, 3);
    expectAgreement(butteraugli(distorted.pixels, reference.pixels), backward, 'swapped');
  });

  it('agrees at a brighter display, as --intensity_target sets it', async () => {
    const { reference, distorted } = await pair(crop, webp(60));
    for (const nits of [20, 250]) {
      expectAgreement(
        butteraugli(reference.pixels, distorted.pixels, { intensityTarget: nits }),
        native(reference.file, distorted.file, '--intensity_target', String(nits)),
        `${nits} nits`,
      );
    }
  });

  it('ranks JPEG qualities as the binary does, reusing one comparator', async () => {
    const r = await landscape();
    const reference = await writePng(r);
    const ba = new ButteraugliComparator(reference.pixels);
    const scores: ButteraugliScore[] = [];
    for (const q of [15, 45, 90]) {
      const distorted = await writePng(await jpeg(q)(r));
      const ours = ba.compare(distorted.pixels);
      expectAgreement(ours, native(reference.file, distorted.file), `JPEG q${q}, reused`);
      scores.push(ours);
    }
    expect(scores[0].distance).toBeGreaterThan(scores[1].distance);
    expect(scores[1].distance).toBeGreaterThan(scores[2].distance);
    expect(scores[0].pnorm3).toBeGreaterThan(scores[1].pnorm3);
    expect(scores[1].pnorm3).toBeGreaterThan(scores[2].pnorm3);
    // Scratch reuse leaks nothing from one comparison into the next.
    const again = await writePng(await jpeg(15)(r));
    expect(ba.compare(again.pixels)).toEqual(scores[0]);
  });

  it('agrees on small and narrow images, where the blurs meet both edges', async () => {
    const r = await landscape();
    for (const [width, height] of [
      [8, 8],
      [9, 9],
      [16, 8],
      [8, 300],
      [300, 8],
      [33, 17],
    ]) {
      const piece = async () => raw(fromRaw(r).extract({ left: 200, top: 20, width, height }));
      const { reference, distorted } = await pair(piece, jpeg(30));
      const label = `${width} × ${height}`;
      expectAgreement(
        butteraugli(reference.pixels, distorted.pixels),
        native(reference.file, distorted.file),
        label,
      );
    }
  });

  it('scores 0 for images under 8 pixels on a side, as libjxl does', async () => {
    const tiny = async () =>
      raw(fromRaw(await landscape()).extract({ left: 10, top: 10, width: 7, height: 12 }));
    const { reference, distorted } = await pair(tiny, jpeg(10));
    expect(native(reference.file, distorted.file)).toEqual({ distance: 0, pnorm3: 0 });
    expect(butteraugli(reference.pixels, distorted.pixels)).toEqual({ distance: 0, pnorm3: 0 });
  });
});

describe('butteraugli input checks', () => {
  const image = (width: number, height: number): Pixels => ({
    data: new Uint8ClampedArray(width * height * 4),
    width,
    height,
  });

  it('refuses images of different sizes, naming both', () => {
    expect(() => butteraugli(image(16, 16), image(16, 15))).toThrow(
      'Expected a distorted image of 16×16 like the reference but received 16×15',
    );
  });

  it('refuses pixels whose byte count does not match the size', () => {
    expect(() => butteraugli({ ...image(8, 8), width: 9 }, image(9, 8))).toThrow(
      'Expected 288 bytes of RGBA for the reference image (9×8) but received 256',
    );
  });

  it('refuses a setting that is not a positive number, naming it', () => {
    expect(() => butteraugli(image(8, 8), image(8, 8), { intensityTarget: -80 })).toThrow(
      'Expected a positive number for intensityTarget but received -80',
    );
  });
});
