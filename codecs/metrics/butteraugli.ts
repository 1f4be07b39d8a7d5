// Butteraugli, the perceptual distance of libjxl 0.7 (v0.7.0, Debian's butteraugli_main):
// lib/jxl/butteraugli/butteraugli.cc, enc_comparator.cc's alpha handling and
// enc_butteraugli_pnorm.cc's 3-norm, ported to plain TypeScript for workers and Node.
import type { Pixels } from '../pixels.js';
import { type ButteraugliParams, type Reference, Scale } from './butteraugli-diffmap.js';
import { hasTranslucency, linearPlanes, subsample2x } from './butteraugli-opsin.js';

export type { ButteraugliParams } from './butteraugli-diffmap.js';

export interface ButteraugliScore {
  /** The largest per-pixel distance: the number butteraugli_main prints first. */
  distance: number;
  /** The mean of the 3-, 6- and 12-norms of the distance map: butteraugli_main's "3-norm". */
  pnorm3: number;
}

/** butteraugli_main's settings: sRGB at 80 nits, HF asymmetry 0.8. */
export const butteraugliMainParams: ButteraugliParams = {
  intensityTarget: 80,
  hfAsymmetry: 0.8,
  xmul: 1,
};

/** libjxl returns a zero map for images under 8 pixels on a side. */
const minSide = 8;

/**
 * Scores images against one reference, keeping the reference's analysis and all scratch
 * planes between calls: the shape of an encoder's quality search.
 *
 *   const ba = new ButteraugliComparator(original);
 *   for (const q of qualities) if (ba.compare(decode(encode(original, q))).distance < 1) …
 */
export class ButteraugliComparator {
  readonly width: number;
  readonly height: number;
  readonly #scales: Scale[] = [];
  /** One reference per background it was blended over; 'none' when it is opaque. */
  readonly #refs = new Map<'none' | 0 | 1, Reference[]>();
  readonly #translucent: boolean;
  #black?: Float32Array;

  constructor(reference: Pixels, params: Partial<ButteraugliParams> = {}) {
    checkPixels(reference, 'reference');
    const full = checkParams(params);
    const { width, height } = reference;
    this.width = width;
    this.height = height;
    this.#translucent = hasTranslucency(reference.data);
    if (width < minSide || height < minSide) return;
    this.#scales.push(new Scale(width, height, full));
    // ButteraugliComparator::Diffmap adds one coarser scale, when it is 8 pixels or more.
    const [w2, h2] = [(width + 1) >> 1, (height + 1) >> 1];
    if (w2 >= minSide && h2 >= minSide) this.#scales.push(new Scale(w2, h2, full));
    const backgrounds = this.#translucent ? ([0, 1] as const) : (['none'] as const);
    for (const bg of backgrounds) {
      this.#load(reference, bg);
      this.#refs.set(
        bg,
        this.#scales.map((s) => s.reference()),
      );
    }
  }

  /** Distance of `distorted` from the reference; both numbers as butteraugli_main prints. */
  compare(distorted: Pixels): ButteraugliScore {
    checkPixels(distorted, 'distorted');
    if (distorted.width !== this.width || distorted.height !== this.height) {
      throw new RangeError(
        `Expected a distorted image of ${this.width}×${this.height} like the reference but received ${distorted.width}×${distorted.height}`,
      );
    }
    if (this.#scales.length === 0) return { distance: 0, pnorm3: 0 };
    // enc_comparator.cc: with alpha on either side, blend both over black and over white and
    // keep the worse of the two, pixel by pixel.
    if (!this.#translucent && !hasTranslucency(distorted.data)) {
      return score(this.#diffmap(distorted, 'none'));
    }
    const black = this.#diffmap(distorted, 0);
    this.#black ??= new Float32Array(black.length);
    this.#black.set(black);
    const white = this.#diffmap(distorted, 1);
    const kept = this.#black;
    for (let i = 0; i < white.length; i++) if (kept[i] > white[i]) white[i] = kept[i];
    return score(white);
  }

  /** Fills every scale's input planes from `image`, blended over `bg` unless 'none'. */
  #load(image: Pixels, bg: 'none' | 0 | 1): void {
    const [full, half] = this.#scales;
    linearPlanes(image.data, full.rgb, bg === 'none' ? undefined : bg);
    if (half) subsample2x(full.rgb, full.width, full.height, half.rgb);
  }

  /** The full-size distance map (a scratch plane) of `image` blended over `bg`. */
  #diffmap(image: Pixels, bg: 'none' | 0 | 1): Float32Array {
    const refs = this.#refs.get(this.#translucent ? bg : 'none')!;
    this.#load(image, bg);
    const [full, half] = this.#scales;
    const map = full.diffmap(refs[0]);
    if (half) {
      // AddSupersampled2x: the coarse scale's errors, at a heuristic 0.5 weight.
      const coarse = half.diffmap(refs[1]);
      const { width, height } = full;
      const w2 = half.width;
      for (let y = 0; y < height; y++) {
        const row = y * width;
        const crow = (y >> 1) * w2;
        for (let x = 0; x < width; x++) {
          map[row + x] = map[row + x] * 0.85 + 0.5 * coarse[crow + (x >> 1)];
        }
      }
    }
    return map;
  }
}

/** Butteraugli distance of `distorted` from `reference`, as `butteraugli_main ref dist`. */
export function butteraugli(
  reference: Pixels,
  distorted: Pixels,
  params: Partial<ButteraugliParams> = {},
): ButteraugliScore {
  return new ButteraugliComparator(reference, params).compare(distorted);
}

/** ButteraugliScoreFromDiffmap (the maximum) and ComputeDistanceP for p = 3. */
function score(map: Float32Array): ButteraugliScore {
  let max = 0;
  let sum3 = 0;
  let sum6 = 0;
  let sum12 = 0;
  for (let i = 0; i < map.length; i++) {
    const v = map[i];
    if (v > max) max = v;
    const v3 = v * v * v;
    sum3 += v3;
    const v6 = v3 * v3;
    sum6 += v6;
    sum12 += v6 * v6;
  }
  const n = map.length;
  const pnorm3 = ((sum3 / n) ** (1 / 3) + (sum6 / n) ** (1 / 6) + (sum12 / n) ** (1 / 12)) / 3;
  return { distance: max, pnorm3 };
}

/** butteraugli_main's settings with the given ones over them, each a positive number. */
function checkParams(params: Partial<ButteraugliParams>): ButteraugliParams {
  const full = { ...butteraugliMainParams };
  for (const key of Object.keys(full) as (keyof ButteraugliParams)[]) {
    const value = params[key];
    if (value === undefined) continue;
    if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      throw new RangeError(`Expected a positive number for ${key} but received ${String(value)}`);
    }
    full[key] = value;
  }
  return full;
}

function checkPixels(image: Pixels, name: string): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(
      `Expected a positive integer width and height for the ${name} image but received ${width}×${height}`,
    );
  }
  if (data.length !== width * height * 4) {
    throw new RangeError(
      `Expected ${width * height * 4} bytes of RGBA for the ${name} image (${width}×${height}) but received ${data.length}`,
    );
  }
}
