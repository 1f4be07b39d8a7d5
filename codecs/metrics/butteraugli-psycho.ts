// SeparateFrequencies of libjxl 0.7's butteraugli.cc: XYB split into low, medium, high and
// ultra-high frequency bands by successive blurs, each band reshaped around zero.
import type { Blur } from './butteraugli-blur.js';
import type { Planes3 } from './butteraugli-opsin.js';

/** One image's frequency bands (PsychoImage); blue has no high bands. */
export interface Psycho {
  /** Low frequencies, already in the "vals" space of XybLowFreqToVals. */
  lf: Planes3;
  mf: Planes3;
  hf: [Float32Array, Float32Array];
  uhf: [Float32Array, Float32Array];
}

const sigmaLf = 7.15593339443;
const sigmaHf = 3.22489901262;
const sigmaUhf = 1.56416327805;

// Both written with a clamp instead of RemoveRangeAroundZero's and AmplifyRangeAroundZero's
// comparisons: the same numbers, without branches that values around zero mispredict.

/** Makes the values near zero count less: 0 within ±w, w nearer to zero outside. */
function removeRange(w: number, x: number): number {
  return x - Math.max(-w, Math.min(w, x));
}

/** Makes the values near zero count more: doubled within ±w, w further from zero outside. */
function amplifyRange(w: number, x: number): number {
  return x + Math.max(-w, Math.min(w, x));
}

/** MaximumClamp: beyond ±max, only 0.72 of the excess counts. */
function maximumClamp(max: number, v: number): number {
  const mul = 0.724216145665;
  if (v >= max) return (v - max) * mul + max;
  if (v < -max) return (v + max) * mul - max;
  return v;
}

/** Fresh band planes of `size` pixels, `mf` taken over from the XYB planes. */
export function psychoPlanes(size: number, xyb: Planes3): Psycho {
  const plane = () => new Float32Array(size);
  return {
    lf: [plane(), plane(), plane()],
    mf: xyb,
    hf: [plane(), plane()],
    uhf: [plane(), plane()],
  };
}

/** Splits `ps.mf` (holding XYB on entry) into the bands of `ps`. */
export function separateFrequencies(ps: Psycho, blur: Blur): void {
  const { lf, mf, hf, uhf } = ps;
  const n = lf[0].length;
  for (let c = 0; c < 3; c++) {
    const l = lf[c];
    const m = mf[c];
    blur.run(m, sigmaLf, l);
    for (let i = 0; i < n; i++) m[i] -= l[i];
    if (c === 2) {
      blur.run(m, sigmaHf, m);
      break;
    }
    // hf takes the blurred mf first, then what the blur removed.
    const h = hf[c];
    blur.run(m, sigmaHf, h);
    if (c === 0) {
      for (let i = 0; i < n; i++) {
        const blurred = h[i];
        h[i] = m[i] - blurred;
        m[i] = removeRange(0.29, blurred);
      }
    } else {
      for (let i = 0; i < n; i++) {
        const blurred = h[i];
        h[i] = m[i] - blurred;
        m[i] = amplifyRange(0.1, blurred);
      }
    }
  }

  // SuppressXByY: red-green counts less where intensity changes, into uhf[0] for now.
  {
    const s = 0.653020556257;
    const yw = 46;
    const [hx, hy] = hf;
    const u = uhf[0];
    for (let i = 0; i < n; i++) {
      const vy = hy[i];
      u[i] = ((yw / (vy * vy + yw)) * (1 - s) + s) * hx[i];
    }
  }
  {
    const [h, u] = [hf[0], uhf[0]];
    blur.run(u, sigmaUhf, h);
    for (let i = 0; i < n; i++) {
      const blurred = h[i];
      u[i] = removeRange(0.04, u[i] - blurred);
      h[i] = removeRange(1.5, blurred);
    }
  }
  {
    const [h, u] = [hf[1], uhf[1]];
    blur.run(h, sigmaUhf, u);
    for (let i = 0; i < n; i++) {
      const blurred = maximumClamp(28.4691806922, u[i]);
      u[i] = maximumClamp(5.19175294647, h[i] - blurred) * 2.69313763794;
      h[i] = amplifyRange(0.132, blurred * 2.155);
    }
  }

  // XybLowFreqToVals, so the low frequencies compare by a plain squared difference.
  const [x, y, b] = lf;
  for (let i = 0; i < n; i++) {
    const vy = y[i];
    b[i] = (-0.362267051518 * vy + b[i]) * 47.504615728;
    x[i] *= 32.2217497012;
    y[i] = vy * 13.7697791434;
  }
}
