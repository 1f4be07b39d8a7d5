// One scale of libjxl 0.7's ButteraugliComparator: the reference's bands and masks, kept, and
// the per-pixel difference map of another image against them (DiffmapPsychoImage, Mask,
// CombineChannelsToDiffmap). libjxl keeps three channels of AC and DC error; only their sum,
// with X weighted by xmul, reaches the map, so we accumulate one plane of each.
import { Blur } from './butteraugli-blur.js';
import { MaltaScratch, maltaDiffMap } from './butteraugli-malta.js';
import { opsinDynamics, type Planes3 } from './butteraugli-opsin.js';
import { psychoPlanes, separateFrequencies, type Psycho } from './butteraugli-psycho.js';

export interface ButteraugliParams {
  /** Nits of a full-white pixel; butteraugli_main uses 80 for sRGB. */
  intensityTarget: number;
  /** Weighs new high-frequency artefacts against lost detail; butteraugli_main uses 0.8. */
  hfAsymmetry: number;
  /** Weight of the X (red-green) channel; 1 as calibrated. */
  xmul: number;
}

/** What a scale keeps of a reference image. */
export interface Reference {
  ps: Psycho;
  /** The reference's blurred masking activity, compared with the other image's. */
  blurredMask: Float32Array;
  /** The reference's masking field: MaskY and MaskDcY of it weigh the AC and DC errors. */
  mask: Float32Array;
}

// std::log(80.0) / std::log(255.0), then 1 / kInternalGoodQualityThreshold.
const globalScale = Math.fround(1 / Math.fround(17.8 * Math.fround(0.79079917404)));

function maskY(delta: number): number {
  const c = 2.5485944793 / (0.451936922203 * delta + 0.829591754942);
  const v = globalScale * (1 + c);
  return v * v;
}

function maskDcY(delta: number): number {
  const c = 0.505054525019 / (3.87449418804 * delta + 0.20025578522);
  const v = globalScale * (1 + c);
  return v * v;
}

/**
 * DiffmapPsychoImage's Malta terms, in its order: the band and channel (0 X, 1 Y), the weight,
 * how strongly hf_asymmetry splits it (w·a and w/a with a = hf_asymmetry^asymmetry), the
 * norm, and whether the lines are MaltaTag's dense ones rather than MaltaTagLF's.
 */
const maltaTerms = [
  { band: 'uhf', c: 1, w: 1.10039032555, asymmetry: 1, norm: 71.7800275169, dense: true },
  { band: 'uhf', c: 0, w: 173.5, asymmetry: 1, norm: 5.0, dense: true },
  { band: 'hf', c: 1, w: 18.7237414387, asymmetry: 0.5, norm: 4498534.45232, dense: false },
  { band: 'hf', c: 0, w: 6923.99476109, asymmetry: 0.5, norm: 8051.15833247, dense: false },
  { band: 'mf', c: 1, w: 37.0819870399, asymmetry: 0, norm: 130262059.556, dense: false },
  { band: 'mf', c: 0, w: 8246.75321353, asymmetry: 0, norm: 1009002.70582, dense: false },
] as const;

/** A scale's scratch planes, reused for every image compared at this size. */
export class Scale {
  readonly width: number;
  readonly height: number;
  /** Linear RGB of the next image to process; consumed (it becomes XYB, then mf). */
  readonly rgb: Planes3;
  readonly #params: ButteraugliParams;
  readonly #blur: Blur;
  readonly #malta: MaltaScratch;
  readonly #ps: Psycho;
  /** The AC error; the DC error and the other image's masking go into its spent lf planes. */
  readonly #ac: Float32Array;

  constructor(width: number, height: number, params: ButteraugliParams) {
    const n = width * height;
    const plane = () => new Float32Array(n);
    this.width = width;
    this.height = height;
    this.#params = params;
    this.rgb = [plane(), plane(), plane()];
    this.#blur = new Blur(width, height);
    this.#malta = new MaltaScratch(width, height);
    this.#ps = psychoPlanes(n, this.rgb);
    this.#ac = plane();
  }

  /** The reference's bands and masks, from `rgb` (filled by the caller). */
  reference(): Reference {
    const n = this.width * this.height;
    const plane = () => new Float32Array(n);
    const ps = psychoPlanes(n, [plane(), plane(), plane()]);
    // The lf planes are free until separateFrequencies: scratch for opsin's blur.
    opsinDynamics(this.rgb, ps.lf, this.#params.intensityTarget, this.#blur);
    for (let c = 0; c < 3; c++) ps.mf[c].set(this.rgb[c]);
    separateFrequencies(ps, this.#blur);

    const blurredMask = plane();
    this.#maskActivity(ps, blurredMask);
    const mask = plane();
    fuzzyErosion(blurredMask, this.width, this.height, mask);
    return { ps, blurredMask, mask };
  }

  /** The difference map of `rgb` (filled by the caller) against `ref`, in a scratch plane. */
  diffmap(ref: Reference): Float32Array {
    const { hfAsymmetry, xmul, intensityTarget } = this.#params;
    const n = this.width * this.height;
    const ps = this.#ps;
    const ps0 = ref.ps;
    opsinDynamics(this.rgb, ps.lf, intensityTarget, this.#blur);
    separateFrequencies(ps, this.#blur);

    const ac = this.#ac;
    ac.fill(0);
    for (const { band, c, w, asymmetry, norm, dense } of maltaTerms) {
      const a = hfAsymmetry ** asymmetry;
      const [v0, v1] = [ps0[band][c], ps[band][c]];
      maltaDiffMap(v0, v1, w * a, w / a, norm, dense, this.#malta, ac, c === 0 ? xmul : 1);
    }

    // Squared differences, weighted by DiffmapPsychoImage's wmul: L2DiffAsymmetric (hf, whose
    // weights it scales by 0.8) and L2Diff (mf) into AC, SetL2Diff (lf) into DC.
    const hfX0gt1 = Math.fround(400 * hfAsymmetry) * 0.8;
    const hfX0lt1 = Math.fround(400 / hfAsymmetry) * 0.8;
    const hfY0gt1 = Math.fround(1.50815703118 * hfAsymmetry) * 0.8;
    const hfY0lt1 = Math.fround(1.50815703118 / hfAsymmetry) * 0.8;
    const [hx0, hy0] = ps0.hf;
    const [hx1, hy1] = ps.hf;
    const [mx0, my0, mb0] = ps0.mf;
    const [mx1, my1, mb1] = ps.mf;
    const [lx0, ly0, lb0] = ps0.lf;
    const [lx1, ly1, lb1] = ps.lf;
    const dc = lx1;
    for (let i = 0; i < n; i++) {
      const hfx = asymmetric(hx0[i], hx1[i], hfX0gt1, hfX0lt1);
      const hfy = asymmetric(hy0[i], hy1[i], hfY0gt1, hfY0lt1);
      const dmx = mx0[i] - mx1[i];
      const dmy = my0[i] - my1[i];
      const dmb = mb0[i] - mb1[i];
      const mfx = 2150.0 * dmx * dmx;
      const mfy = 10.6195433239 * dmy * dmy;
      const mfb = 16.2176043152 * dmb * dmb;
      ac[i] += xmul * (hfx + mfx) + hfy + mfy + mfb;
      const dlx = lx0[i] - lx1[i];
      const dly = ly0[i] - ly1[i];
      const dlb = lb0[i] - lb1[i];
      dc[i] =
        xmul * 29.2353797994 * dlx * dlx + 0.844626970982 * dly * dly + 0.703646627719 * dlb * dlb;
    }

    // Mask's contribution: how differently the two images mask, as Y error.
    const mask = ly1;
    this.#maskActivity(ps, mask);
    const b0 = ref.blurredMask;
    for (let i = 0; i < n; i++) {
      const d = b0[i] - mask[i];
      ac[i] += 10 * d * d;
    }

    // CombineChannelsToDiffmap, in the DC plane.
    const m = ref.mask;
    for (let i = 0; i < n; i++) dc[i] = Math.sqrt(dc[i] * maskDcY(m[i]) + ac[i] * maskY(m[i]));
    return dc;
  }

  /** MaskPsychoImage's activity field, DiffPrecompute'd and blurred, into `out`. */
  #maskActivity(ps: Psycho, out: Float32Array): void {
    const [hx, hy] = ps.hf;
    const [ux, uy] = ps.uhf;
    const mul = 6.19424080439;
    const bias = mul * 12.61050594197;
    const sqrtBias = Math.sqrt(bias);
    const n = out.length;
    for (let i = 0; i < n; i++) {
      const xd = (ux[i] + hx[i]) * 2.5;
      const yd = uy[i] * 0.4 + hy[i] * 0.4;
      const activity = Math.sqrt(xd * xd + yd * yd);
      // The bias makes the square root behave more linearly.
      out[i] = Math.sqrt(mul * activity + bias) - sqrtBias;
    }
    this.#blur.run(out, 2.7, out);
  }
}

/** L2DiffAsymmetric for one pixel: a symmetric term, then one for too small or too big. */
function asymmetric(v0: number, v1: number, w0gt1: number, w0lt1: number): number {
  const diff = v0 - v1;
  const fabs0 = Math.abs(v0);
  const tooSmall = 0.4 * fabs0;
  const tooBig = fabs0;
  let v: number;
  if (v0 < 0) {
    v = v1 > -tooSmall ? v1 + tooSmall : v1 < -tooBig ? -v1 - tooBig : 0;
  } else {
    v = v1 < tooSmall ? tooSmall - v1 : v1 > tooBig ? v1 - tooBig : 0;
  }
  return diff * diff * w0gt1 + w0lt1 * v * v;
}

/**
 * FuzzyErosion: a weighted mean of the three smallest of the pixel and its eight neighbours
 * 3 pixels away, so masking only holds where the surroundings are busy too. The three
 * smallest start as (v, 2v, 2v), as libjxl's StoreMin3 does.
 */
function fuzzyErosion(from: Float32Array, width: number, height: number, to: Float32Array): void {
  const step = 3;
  const o = step * width;
  const mins = new Float64Array(3);
  for (let y = 0; y < height; y++) {
    const up = y >= step;
    const down = y < height - step;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const v = from[i];
      mins[0] = v;
      mins[1] = mins[2] = 2 * v;
      if (x >= step) {
        storeMin3(from[i - step], mins);
        if (up) storeMin3(from[i - o - step], mins);
        if (down) storeMin3(from[i + o - step], mins);
      }
      if (x < width - step) {
        storeMin3(from[i + step], mins);
        if (up) storeMin3(from[i - o + step], mins);
        if (down) storeMin3(from[i + o + step], mins);
      }
      if (up) storeMin3(from[i - o], mins);
      if (down) storeMin3(from[i + o], mins);
      to[i] = 0.45 * mins[0] + 0.3 * mins[1] + 0.25 * mins[2];
    }
  }
}

/** Inserts `v` into the sorted three smallest values so far. */
function storeMin3(v: number, mins: Float64Array): void {
  if (v >= mins[2]) return;
  if (v < mins[0]) {
    mins[2] = mins[1];
    mins[1] = mins[0];
    mins[0] = v;
  } else if (v < mins[1]) {
    mins[2] = mins[1];
    mins[1] = v;
  } else {
    mins[2] = v;
  }
}
