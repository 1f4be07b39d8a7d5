// From pixels to butteraugli's XYB, as libjxl 0.7 does it for butteraugli_main: 8-bit sRGB
// decoded to linear light, alpha blended over a grey background (lib/jxl/enc_comparator.cc),
// the 2× subsample for the coarser scale, and OpsinDynamicsImage.
import type { Blur } from './butteraugli-blur.js';

export type Planes3 = [Float32Array, Float32Array, Float32Array];

/**
 * TF_SRGB::DisplayFromEncoded (transfer_functions-inl.h), the rational polynomial libjxl's
 * colour management uses for sRGB → linear, for each 8-bit value v / 255.
 */
const linearFromByte = (() => {
  const p = [2.200248328e-4, 1.043637593e-2, 1.624820318e-1, 7.961564959e-1, 8.210152774e-1];
  const q = [2.63184697e-1, 1.076976492, 4.98752835e-1, -5.512498495e-2, 6.521209011e-3];
  const table = new Float32Array(256);
  for (let v = 0; v < 256; v++) {
    const x = Math.fround(v * Math.fround(1 / 255));
    if (x <= Math.fround(0.04045)) {
      table[v] = x * Math.fround(1 / 12.92);
      continue;
    }
    let yp = p[4];
    let yq = q[4];
    for (let i = 3; i >= 0; i--) {
      yp = yp * x + p[i];
      yq = yq * x + q[i];
    }
    table[v] = yp / yq;
  }
  return table;
})();

// enc_gamma_correct.h, the exact sRGB curves the alpha blend goes through.
function srgbFromLinear(linear: number): number {
  if (linear <= 0) return 0;
  if (linear >= 1) return 1;
  if (linear <= 0.0031308) return linear * 12.92;
  return Math.pow(linear, 1 / 2.4) * 1.055 - 0.055;
}
function linearFromSrgb(srgb: number): number {
  if (srgb <= 0) return 0;
  if (srgb <= 0.04045) return srgb / 12.92;
  if (srgb >= 1) return 1;
  return Math.pow((srgb + 0.055) / 1.055, 2.4);
}

/** True when some pixel is not fully opaque: only then does libjxl blend and score twice. */
export function hasTranslucency(data: Uint8ClampedArray): boolean {
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 255) return true;
  return false;
}

/**
 * Linear RGB planes of RGBA pixels. With a `background` (0 black, 1 white) translucent pixels
 * are blended over it in gamma-compressed space, as enc_comparator.cc's AlphaBlend does.
 */
export function linearPlanes(data: Uint8ClampedArray, out: Planes3, background?: number): void {
  const [r, g, b] = out;
  const n = r.length;
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    r[i] = linearFromByte[data[j]];
    g[i] = linearFromByte[data[j + 1]];
    b[i] = linearFromByte[data[j + 2]];
  }
  if (background === undefined) return;
  const bgSrgb = srgbFromLinear(background);
  for (let i = 0, j = 3; i < n; i++, j += 4) {
    const alpha = data[j];
    if (alpha === 255) continue;
    if (alpha === 0) {
      r[i] = g[i] = b[i] = background;
      continue;
    }
    const a = Math.fround(alpha * Math.fround(1 / 255));
    const bg = Math.fround(Math.fround(1 - a) * bgSrgb);
    for (const plane of out) {
      plane[i] = linearFromSrgb(Math.fround(Math.fround(a * srgbFromLinear(plane[i])) + bg));
    }
  }
}

/** SubSample2x: 2×2 box averages; an odd last row or column averages its single line. */
export function subsample2x(src: Planes3, width: number, height: number, out: Planes3): void {
  const w2 = (width + 1) >> 1;
  const h2 = (height + 1) >> 1;
  for (let c = 0; c < 3; c++) {
    const s = src[c];
    const o = out[c];
    o.fill(0);
    for (let y = 0; y < height; y++) {
      const orow = (y >> 1) * w2;
      const srow = y * width;
      for (let x = 0; x < width; x++) o[orow + (x >> 1)] += 0.25 * s[srow + x];
    }
    if (width & 1) for (let y = 0; y < h2; y++) o[y * w2 + w2 - 1] *= 2;
    if (height & 1) for (let x = 0; x < w2; x++) o[(h2 - 1) * w2 + x] *= 2;
  }
}

// OpsinAbsorbance's mixing matrix and offsets.
const m0 = 0.29956550340058319;
const m1 = 0.63373087833825936;
const m2 = 0.077705617820981968;
const m3 = 1.7557483643287353;
const m4 = 0.22158691104574774;
const m5 = 0.69391388044116142;
const m6 = 0.0987313588422;
const m7 = 1.7557483643287353;
const m8 = 0.02;
const m9 = 0.02;
const m10 = 0.20480129041026129;
const m11 = 12.226454707163354;

/** Gamma(v) / v, the sensitivity from the blurred image; Gamma is a log curve fit. */
function sensitivity(v: number): number {
  const gamma = 19.245013259874995 * Math.log(v + 9.9710635769299145) - 23.16046239805755;
  return Math.max(gamma / v, 1e-4);
}

/**
 * OpsinDynamicsImage: linear RGB (scaled to `intensityTarget` nits) → XYB, in place. `blurred`
 * is scratch for the σ 1.2 blur that sets each pixel's sensitivity.
 */
export function opsinDynamics(
  rgb: Planes3,
  blurred: Planes3,
  intensityTarget: number,
  blur: Blur,
): void {
  for (let c = 0; c < 3; c++) blur.run(rgb[c], 1.2, blurred[c]);
  const [r, g, b] = rgb;
  const [br, bg, bb] = blurred;
  const it = intensityTarget;
  const n = r.length;
  for (let i = 0; i < n; i++) {
    const r0 = br[i] * it;
    const g0 = bg[i] * it;
    const b0 = bb[i] * it;
    const pre0 = Math.max(m0 * r0 + m1 * g0 + m2 * b0 + m3, m3);
    const pre1 = Math.max(m4 * r0 + m5 * g0 + m6 * b0 + m7, m7);
    const pre2 = Math.max(m8 * r0 + m9 * g0 + m10 * b0 + m11, m11);
    const r1 = r[i] * it;
    const g1 = g[i] * it;
    const b1 = b[i] * it;
    // The clamps are libjxl's kludge against negative values before blurring.
    const cur0 = Math.max((m0 * r1 + m1 * g1 + m2 * b1 + m3) * sensitivity(pre0), m3);
    const cur1 = Math.max((m4 * r1 + m5 * g1 + m6 * b1 + m7) * sensitivity(pre1), m3);
    const cur2 = Math.max((m8 * r1 + m9 * g1 + m10 * b1 + m11) * sensitivity(pre2), m11);
    r[i] = cur0 - cur1;
    g[i] = cur0 + cur1;
    b[i] = cur2;
  }
}
