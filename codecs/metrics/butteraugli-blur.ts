// The blurs of libjxl 0.7's lib/jxl/butteraugli/butteraugli.cc: ComputeKernel's truncated
// Gaussian (2.25 sigma). A 5-tap kernel goes through convolve_separable5.cc, which mirrors the
// image at its edges; longer kernels go through ConvolutionWithTranspose, which drops the taps
// outside the image and renormalises the rest. Both are separable, so we run a horizontal pass
// into a scratch plane and a vertical pass out of it, row by row to stay in cache.

/** ComputeKernel: exp(-i²/2σ²) for |i| ≤ max(1, ⌊2.25σ⌋), not normalised. */
function computeKernel(sigma: number): Float32Array {
  const scaler = -1 / (2 * sigma * sigma);
  const radius = Math.max(1, Math.trunc(Math.fround(2.25 * Math.fround(Math.abs(sigma)))));
  const kernel = new Float32Array(2 * radius + 1);
  for (let i = -radius; i <= radius; i++) kernel[i + radius] = Math.exp(scaler * i * i);
  return kernel;
}

interface Kernel {
  taps: Float32Array;
  /** Centre and one side, normalised over all taps: the weights away from the edges. */
  half: Float32Array;
  /** half[1..], padded with zeros to 4 pairs for short kernels, else to a multiple of 8. */
  padded: Float32Array;
  /** Per column and per row: 1 / the sum of the taps that fall inside the image. */
  xScale: Float32Array;
  yScale: Float32Array;
}

/** One reflection of an out-of-range index, as libjxl's Mirror (-1 → 0, n → n - 1). */
function mirror(i: number, n: number): number {
  while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - 1 - i;
  return i;
}

/** Blurs planes of one size; owns the scratch plane, so `out` may be `src`. */
export class Blur {
  readonly #width: number;
  readonly #height: number;
  readonly #temp: Float32Array;
  readonly #kernels = new Map<number, Kernel>();

  constructor(width: number, height: number) {
    this.#width = width;
    this.#height = height;
    this.#temp = new Float32Array(width * height);
  }

  /** libjxl's Blur(in, sigma, ...): `out` gets `src` blurred by a Gaussian of `sigma`. */
  run(src: Float32Array, sigma: number, out: Float32Array): void {
    let kernel = this.#kernels.get(sigma);
    if (!kernel) {
      const taps = computeKernel(sigma);
      const half = scaledHalf(taps);
      const pairs = half.length - 1;
      const padded = new Float32Array(pairs <= 4 ? 4 : Math.ceil(pairs / 8) * 8);
      padded.set(half.subarray(1));
      kernel = {
        taps,
        half,
        padded,
        xScale: edgeScales(taps, this.#width),
        yScale: edgeScales(taps, this.#height),
      };
      this.#kernels.set(sigma, kernel);
    }
    if (kernel.taps.length === 5) {
      this.#mirrored5(src, kernel.taps, out);
    } else {
      this.#horizontal(src, kernel, this.#temp);
      this.#vertical(this.#temp, kernel, out);
    }
  }

  /** Separable5 with mirrored edges and weights normalised over all five taps. */
  #mirrored5(src: Float32Array, kernel: Float32Array, out: Float32Array): void {
    const w = this.#width;
    const h = this.#height;
    const t = this.#temp;
    const scale = 1 / (kernel[0] + kernel[1] + kernel[2] + kernel[3] + kernel[4]);
    const w0 = Math.fround(kernel[2] * scale);
    const w1 = Math.fround(kernel[1] * scale);
    const w2 = Math.fround(kernel[0] * scale);
    const edge = (row: number, x: number) =>
      w0 * src[row + x] +
      w1 * (src[row + mirror(x - 1, w)] + src[row + mirror(x + 1, w)]) +
      w2 * (src[row + mirror(x - 2, w)] + src[row + mirror(x + 2, w)]);
    for (let y = 0; y < h; y++) {
      const row = y * w;
      for (let x = 0; x < Math.min(2, w); x++) t[row + x] = edge(row, x);
      for (let x = Math.max(2, w - 2); x < w; x++) t[row + x] = edge(row, x);
      for (let i = row + 2; i < row + w - 2; i++) {
        t[i] = w0 * src[i] + w1 * (src[i - 1] + src[i + 1]) + w2 * (src[i - 2] + src[i + 2]);
      }
    }
    for (let y = 0; y < h; y++) {
      const c = y * w;
      const u1 = mirror(y - 1, h) * w;
      const d1 = mirror(y + 1, h) * w;
      const u2 = mirror(y - 2, h) * w;
      const d2 = mirror(y + 2, h) * w;
      for (let x = 0; x < w; x++) {
        out[c + x] = w0 * t[c + x] + w1 * (t[u1 + x] + t[d1 + x]) + w2 * (t[u2 + x] + t[d2 + x]);
      }
    }
  }

  /** Rows: full kernel inside, truncated and renormalised within `radius` of either edge. */
  #horizontal(src: Float32Array, kernel: Kernel, out: Float32Array): void {
    const w = this.#width;
    const h = this.#height;
    const { taps, xScale } = kernel;
    const r = taps.length >> 1;
    const edge = Math.min(r, w);
    for (let y = 0; y < h; y++) {
      const row = y * w;
      for (let x = 0; x < edge; x++) out[row + x] = edgeSum(src, row, x, w, taps) * xScale[x];
      for (let x = Math.max(edge, w - r); x < w; x++) {
        out[row + x] = edgeSum(src, row, x, w, taps) * xScale[x];
      }
      if (w > 2 * r) convolve(src, out, row + r, row + w - r, 1, kernel);
    }
  }

  /** Columns, one output row at a time, so every read and write runs along a row. */
  #vertical(src: Float32Array, kernel: Kernel, out: Float32Array): void {
    const w = this.#width;
    const h = this.#height;
    const { taps, yScale } = kernel;
    const r = taps.length >> 1;
    for (let y = 0; y < h; y++) {
      const o = y * w;
      if (y >= r && y < h - r) {
        convolve(src, out, o, o + w, w, kernel);
        continue;
      }
      const lo = Math.max(0, y - r);
      const hi = Math.min(h - 1, y + r);
      out.fill(0, o, o + w);
      for (let j = lo; j <= hi; j++) {
        const kj = taps[j - y + r] * yScale[y];
        const a = j * w;
        for (let x = 0; x < w; x++) out[o + x] += kj * src[a + x];
      }
    }
  }
}

/** The sum at `x` of a row over the taps that fall inside it (ConvolveBorderColumn). */
function edgeSum(src: Float32Array, row: number, x: number, w: number, taps: Float32Array): number {
  const r = taps.length >> 1;
  let sum = 0;
  for (let j = Math.max(0, x - r); j <= Math.min(w - 1, x + r); j++) {
    sum += src[row + j] * taps[j - x + r];
  }
  return sum;
}

/**
 * out[i] = the full kernel around src[i], for i in [from, to), neighbours `step` apart. The
 * taps go eight pairs per sweep (four for short kernels): whole-kernel expressions spill
 * registers, and one pair per sweep spends its time loading and storing `out`. Past the
 * radius the padded weights are 0 at offset 0, which adds exact zeros.
 */
function convolve(
  src: Float32Array,
  out: Float32Array,
  from: number,
  to: number,
  step: number,
  { half, padded }: Kernel,
): void {
  const c = half[0];
  const k1 = padded[0];
  const k2 = padded[1];
  const k3 = padded[2];
  const k4 = padded[3];
  const o1 = tapOffset(padded, 1, step);
  const o2 = tapOffset(padded, 2, step);
  const o3 = tapOffset(padded, 3, step);
  const o4 = tapOffset(padded, 4, step);
  if (padded.length === 4) {
    for (let i = from; i < to; i++) {
      out[i] =
        c * src[i] +
        k1 * (src[i - o1] + src[i + o1]) +
        k2 * (src[i - o2] + src[i + o2]) +
        k3 * (src[i - o3] + src[i + o3]) +
        k4 * (src[i - o4] + src[i + o4]);
    }
    return;
  }
  for (let b = 0; b < padded.length; b += 8) {
    const k1 = padded[b];
    const k2 = padded[b + 1];
    const k3 = padded[b + 2];
    const k4 = padded[b + 3];
    const k5 = padded[b + 4];
    const k6 = padded[b + 5];
    const k7 = padded[b + 6];
    const k8 = padded[b + 7];
    const o1 = tapOffset(padded, b + 1, step);
    const o2 = tapOffset(padded, b + 2, step);
    const o3 = tapOffset(padded, b + 3, step);
    const o4 = tapOffset(padded, b + 4, step);
    const o5 = tapOffset(padded, b + 5, step);
    const o6 = tapOffset(padded, b + 6, step);
    const o7 = tapOffset(padded, b + 7, step);
    const o8 = tapOffset(padded, b + 8, step);
    const first = b === 0;
    for (let i = from; i < to; i++) {
      const sum =
        k1 * (src[i - o1] + src[i + o1]) +
        k2 * (src[i - o2] + src[i + o2]) +
        k3 * (src[i - o3] + src[i + o3]) +
        k4 * (src[i - o4] + src[i + o4]) +
        k5 * (src[i - o5] + src[i + o5]) +
        k6 * (src[i - o6] + src[i + o6]) +
        k7 * (src[i - o7] + src[i + o7]) +
        k8 * (src[i - o8] + src[i + o8]);
      out[i] = first ? c * src[i] + sum : out[i] + sum;
    }
  }
}

/** Offset of tap pair `j` (1-based), or 0 where the padding has no tap. */
function tapOffset(padded: Float32Array, j: number, step: number): number {
  return padded[j - 1] === 0 ? 0 : j * step;
}

/** The kernel's centre and one side, normalised over the whole kernel. */
function scaledHalf(kernel: Float32Array): Float32Array {
  const r = kernel.length >> 1;
  let sum = 0;
  for (const v of kernel) sum += v;
  const scale = Math.fround(1 / sum);
  const half = new Float32Array(r + 1);
  for (let j = 0; j <= r; j++) half[j] = kernel[r + j] * scale;
  return half;
}

/** ConvolveBorderColumn's 1 / (sum of the taps inside the image), per position. */
function edgeScales(kernel: Float32Array, n: number): Float32Array {
  const r = kernel.length >> 1;
  const scales = new Float32Array(n);
  for (let x = 0; x < n; x++) {
    let weight = 0;
    for (let j = Math.max(0, x - r); j <= Math.min(n - 1, x + r); j++) weight += kernel[j - x + r];
    scales[x] = 1 / weight;
  }
  return scales;
}
