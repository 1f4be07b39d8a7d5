// The Gaussian blur of libjxl 0.7's SSIMULACRA (lib/jxl/gauss_blur.cc): the recursive filter of
// Charalampidis 2016, "Recursive Implementation of the Gaussian Filter Using Truncated Cosine
// Functions", zero outside the image. Three cosine terms k = 1, 3, 5, each a second-order
// recurrence y[n] = n2·(x[n-N-1] + x[n+N-1]) − d1·y[n-1] − y[n-2], summed; SSIMULACRA's sigma
// of 1.5 gives N = 5. In exact arithmetic that is a 9-tap FIR filter; libjxl runs it as the
// recurrence in float, whose rounding the exact mode reproduces.

const fround = Math.fround;

/** The filter for one sigma: libjxl's float weights and the equivalent FIR taps. */
export interface RecursiveGaussian {
  /** N, the half-width of the truncated cosines. */
  radius: number;
  /** Per term k = 1, 3, 5. */
  n2: Float32Array;
  d1: Float32Array;
  /** Weights for four outputs at once (libjxl's horizontal pass), 4 lanes per term. */
  mulIn: Float32Array;
  mulPrev: Float32Array;
  mulPrev2: Float32Array;
  /** The same filter as symmetric FIR taps, centre first: N of them (2N − 1 wide). */
  taps: Float64Array;
}

/** lib/jxl/gauss_blur.cc CreateRecursiveGaussian, with the equation numbers of the paper. */
export function recursiveGaussian(sigma: number): RecursiveGaussian {
  const radius = Math.round(fround(3.2795 * sigma + 0.2546)); // (57), "N"
  const piDiv2r = Math.PI / (2 * radius);
  const omega = [piDiv2r, 3 * piDiv2r, 5 * piDiv2r];
  // (37)
  const p1 = 1 / Math.tan(0.5 * omega[0]);
  const p3 = -1 / Math.tan(0.5 * omega[1]);
  const p5 = 1 / Math.tan(0.5 * omega[2]);
  // (44)
  const r1 = (p1 * p1) / Math.sin(omega[0]);
  const r3 = (-p3 * p3) / Math.sin(omega[1]);
  const r5 = (p5 * p5) / Math.sin(omega[2]);
  // (50)
  const negHalfSigma2 = -0.5 * sigma * sigma;
  const rho = omega.map((w) => Math.exp(negHalfSigma2 * w * w) / radius);
  // (52)
  const d13 = p1 * r3 - r1 * p3;
  const d35 = p3 * r5 - r3 * p5;
  const d51 = p5 * r1 - r5 * p1;
  const zeta15 = d35 / d13;
  const zeta35 = d51 / d13;
  // (53)–(56): beta = A⁻¹ · gamma
  const a = invert3x3([p1, p3, p5, r1, r3, r5, zeta15, zeta35, 1]);
  const gamma = [1, radius * radius - sigma * sigma, zeta15 * rho[0] + zeta35 * rho[1] + rho[2]];
  const n2s = [0, 0, 0];
  const d1s = [0, 0, 0];
  const mulIn = new Float32Array(12);
  const mulPrev = new Float32Array(12);
  const mulPrev2 = new Float32Array(12);
  for (let i = 0; i < 3; i++) {
    const beta = a[i * 3] * gamma[0] + a[i * 3 + 1] * gamma[1] + a[i * 3 + 2] * gamma[2];
    const n2 = -beta * Math.cos(omega[i] * (radius + 1)); // (33)
    const d1 = -2 * Math.cos(omega[i]); // (33)
    n2s[i] = n2;
    d1s[i] = d1;
    // (35) expanded for four consecutive outputs (libjxl's sympy derivation).
    const d2 = d1 * d1;
    mulPrev.set([-d1, d2 - 1, -d2 * d1 + 2 * d1, d2 * d2 - 3 * d2 + 1], 4 * i);
    mulPrev2.set([-1, d1, -d2 + 1, d2 * d1 - 2 * d1], 4 * i);
    mulIn.set([n2, -d1 * n2, d2 * n2 - n2, -d2 * d1 * n2 + 2 * d1 * n2], 4 * i);
  }
  return {
    radius,
    n2: Float32Array.from(n2s),
    d1: Float32Array.from(d1s),
    mulIn,
    mulPrev,
    mulPrev2,
    taps: impulseResponse(radius, n2s, d1s),
  };
}

/** lib/jxl/linalg.h Inv3x3Matrix: the adjugate over the determinant. */
function invert3x3(m: number[]): number[] {
  const t = [
    m[4] * m[8] - m[5] * m[7],
    m[2] * m[7] - m[1] * m[8],
    m[1] * m[5] - m[2] * m[4],
    m[5] * m[6] - m[3] * m[8],
    m[0] * m[8] - m[2] * m[6],
    m[2] * m[3] - m[0] * m[5],
    m[3] * m[7] - m[4] * m[6],
    m[1] * m[6] - m[0] * m[7],
    m[0] * m[4] - m[1] * m[3],
  ];
  const det = m[0] * t[0] + m[1] * t[3] + m[2] * t[6];
  return t.map((v) => v * (1 / det));
}

/** The recurrence run in double on a unit impulse: taps 0..N-1 of the response. */
function impulseResponse(radius: number, n2: number[], d1: number[]): Float64Array {
  const taps = new Float64Array(radius);
  for (let k = 0; k < 3; k++) {
    // An impulse at x[0] enters at step 1 − N (as x[n+N-1]); output n is then tap |n|. Its
    // second entry, at step N + 1 (as x[n-N-1]), cancels the cosines after step N − 1.
    let prev = 0;
    let prev2 = 0;
    for (let n = 1 - radius; n < radius; n++) {
      const y = n2[k] * (n === 1 - radius ? 1 : 0) - d1[k] * prev - prev2;
      prev2 = prev;
      prev = y;
      if (n >= 0) taps[n] += y;
    }
  }
  return taps;
}

/** The blurred rows SSIMULACRA needs for one output row. */
export interface BlurredRows {
  /**
   * Row y of the blurred a and b (mu1, mu2), then of the blurred products: a², b², ab
   * (ExactBlur) or a² + b², ab (FastBlur), whose sum is all that SSIM reads of the first two.
   */
  readonly rows: Float32Array[];
  /**
   * Blurs plane `a`, plane `b` and their products (`width` × `height` at `at` in both
   * arrays), calling `emit(y)` for rows y = 0..height-1 in order with `rows` filled.
   */
  run(
    a: Float32Array,
    b: Float32Array,
    at: number,
    width: number,
    height: number,
    emit: (y: number) => void,
  ): void;
}

/** Copies row y of a and b and of their float products into the padded rows. */
function fillSignals(
  padded: Float32Array[],
  pad: number,
  a: Float32Array,
  b: Float32Array,
  row: number,
  width: number,
): void {
  const [p1, p2, p11, p22, p12] = padded;
  for (let x = 0; x < width; x++) {
    const v1 = a[row + x];
    const v2 = b[row + x];
    p1[pad + x] = v1;
    p2[pad + x] = v2;
    p11[pad + x] = v1 * v1;
    p22[pad + x] = v2 * v2;
    p12[pad + x] = v1 * v2;
  }
}

/**
 * libjxl's own arithmetic, bit for bit: the horizontal pass four outputs at a time with the
 * expanded weights (FastGaussian1D), the vertical pass one recurrence step per row
 * (VerticalBlock), both with fused multiply-adds and every result rounded to float.
 */
export class ExactBlur implements BlurredRows {
  readonly rows: Float32Array[];
  private readonly g: RecursiveGaussian;
  private readonly padded: Float32Array[];
  /** Horizontal results: 5 signals × the 2N+1 rows the vertical step reads. */
  private readonly ring: Float32Array;
  /** Per signal, per term, the previous two outputs of every column. */
  private readonly state: Float32Array;
  private readonly zeros: Float32Array;

  constructor(g: RecursiveGaussian, width: number) {
    this.g = g;
    this.rows = Array.from({ length: 5 }, () => new Float32Array(width));
    // Zeros around each row for the horizontal pass: 2N before, N after.
    this.padded = Array.from({ length: 5 }, () => new Float32Array(width + 3 * g.radius));
    this.ring = new Float32Array(5 * (2 * g.radius + 1) * width);
    this.state = new Float32Array(5 * 6 * width);
    this.zeros = new Float32Array(width);
  }

  run(
    a: Float32Array,
    b: Float32Array,
    at: number,
    width: number,
    height: number,
    emit: (y: number) => void,
  ): void {
    const { g, padded, ring, state, zeros, rows } = this;
    const N = g.radius;
    const pad = 2 * N;
    const ringRows = 2 * N + 1;
    const plane = ringRows * width;
    state.fill(0);
    // A wider plane left values where this one's right margin of zeros is.
    for (const p of padded) p.fill(0, pad + width);
    let parity = 0;
    for (let n = 1 - N; n < height; n++) {
      const bottom = n + N - 1;
      const top = n - N - 1;
      if (bottom < height) {
        fillSignals(padded, pad, a, b, at + bottom * width, width);
        const slot = (bottom % ringRows) * width;
        for (let i = 0; i < 5; i++) blurRowExact(g, padded[i], pad, width, ring, i * plane + slot);
      }
      for (let i = 0; i < 5; i++) {
        verticalStepExact(
          g,
          top >= 0 ? ring : zeros,
          top >= 0 ? i * plane + (top % ringRows) * width : 0,
          bottom < height ? ring : zeros,
          bottom < height ? i * plane + (bottom % ringRows) * width : 0,
          width,
          state,
          i * 6 * width,
          parity,
          n >= 0 ? rows[i] : null,
        );
      }
      parity ^= 1;
      if (n >= 0) emit(n);
    }
  }
}

// Scratch for blurRowExact: per term the last two outputs, the four lanes of a step.
const prev = new Float64Array(3);
const prev2 = new Float64Array(3);
const lanes = new Float64Array(12);

/**
 * FastGaussian1D: `src` holds the row from `pad` on with at least 2N zeros before and N after.
 * Steps go one at a time up to output 8 (N + 1 rounded up to the vector), then four at a time
 * in vectors of 4 lanes, as Highway runs it on AVX2 and AVX-512 machines, then one at a time.
 */
function blurRowExact(
  g: RecursiveGaussian,
  src: Float32Array,
  pad: number,
  width: number,
  out: Float32Array,
  outAt: number,
): void {
  const N = g.radius;
  const { mulIn, mulPrev, mulPrev2 } = g;
  const left = pad - N - 1;
  const right = pad + N - 1;
  prev.fill(0);
  prev2.fill(0);
  let n = 1 - N;
  const scalarUpTo = (end: number) => {
    for (; n < end; n++) {
      const s = fround(src[left + n] + src[right + n]);
      for (let k = 0; k < 3; k++) {
        const i = 4 * k;
        const v = fround(mulPrev2[i] * prev2[k] + fround(s * mulIn[i]));
        prev2[k] = prev[k];
        prev[k] = fround(mulPrev[i] * prev[k] + v);
      }
      if (n >= 0) out[outAt + n] = prev[0] + fround(prev[1] + prev[2]);
    }
  };
  scalarUpTo(Math.min(4 * Math.ceil((N + 1) / 4), width));
  for (; n < width - N + 1 - 3; n += 4) {
    const s0 = fround(src[left + n] + src[right + n]);
    const s1 = fround(src[left + n + 1] + src[right + n + 1]);
    const s2 = fround(src[left + n + 2] + src[right + n + 2]);
    const s3 = fround(src[left + n + 3] + src[right + n + 3]);
    for (let k = 0; k < 3; k++) {
      const i = 4 * k;
      const m0 = mulIn[i];
      const m1 = mulIn[i + 1];
      const m2 = mulIn[i + 2];
      const m3 = mulIn[i + 3];
      // Lane j adds input t times weight j − t, one fused multiply-add per input in order.
      lanes[i] = fround(s0 * m0);
      lanes[i + 1] = fround(m0 * s1 + fround(s0 * m1));
      lanes[i + 2] = fround(m0 * s2 + fround(m1 * s1 + fround(s0 * m2)));
      lanes[i + 3] = fround(m0 * s3 + fround(m1 * s2 + fround(m2 * s1 + fround(s0 * m3))));
      for (let j = i; j < i + 4; j++) {
        lanes[j] = fround(mulPrev[j] * prev[k] + fround(mulPrev2[j] * prev2[k] + lanes[j]));
      }
      prev2[k] = lanes[i + 2];
      prev[k] = lanes[i + 3];
    }
    for (let j = 0; j < 4; j++) {
      out[outAt + n + j] = lanes[j] + fround(lanes[4 + j] + lanes[8 + j]);
    }
  }
  scalarUpTo(width);
}

/**
 * VerticalBlock for one row of one signal: `top` and `bottom` are the horizontal results N+1
 * rows above and N−1 rows below the output row (a row of zeros outside the image, which adds
 * nothing, as libjxl's single-input case). In `state` from `at`, per term, two slots of a row:
 * slot `parity` holds y[n-2] and receives y[n], the other holds y[n-1].
 */
function verticalStepExact(
  g: RecursiveGaussian,
  top: Float32Array,
  topAt: number,
  bottom: Float32Array,
  bottomAt: number,
  width: number,
  state: Float32Array,
  at: number,
  parity: number,
  out: Float32Array | null,
): void {
  const n21 = g.n2[0];
  const n23 = g.n2[1];
  const n25 = g.n2[2];
  const d11 = g.d1[0];
  const d13 = g.d1[1];
  const d15 = g.d1[2];
  const cur1 = at + parity * width;
  const prev1 = at + (1 - parity) * width;
  const cur3 = cur1 + 2 * width;
  const prev3 = prev1 + 2 * width;
  const cur5 = cur1 + 4 * width;
  const prev5 = prev1 + 4 * width;
  for (let x = 0; x < width; x++) {
    const s = fround(top[topAt + x] + bottom[bottomAt + x]);
    // MulAdd(n2, sum, NegMulSub(d1, y[n-1], y[n-2])): two fused operations.
    const y1 = fround(n21 * s + fround(-d11 * state[prev1 + x] - state[cur1 + x]));
    const y3 = fround(n23 * s + fround(-d13 * state[prev3 + x] - state[cur3 + x]));
    const y5 = fround(n25 * s + fround(-d15 * state[prev5 + x] - state[cur5 + x]));
    state[cur1 + x] = y1;
    state[cur3 + x] = y3;
    state[cur5 + x] = y5;
    if (out !== null) out[x] = y1 + fround(y3 + y5);
  }
}
