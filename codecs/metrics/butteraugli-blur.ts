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
      kernel = {
        taps,
        half: scaledHalf(taps),
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
    for (let y = 0; y < h; y++) {
      const row = y * w;
      for (let x = 0; x < w; x++) {
        const i = row + x;
        if (x >= 2 && x < w - 2) {
          t[i] = w0 * src[i] + w1 * (src[i - 1] + src[i + 1]) + w2 * (src[i - 2] + src[i + 2]);
        } else {
          t[i] =
            w0 * src[i] +
            w1 * (src[row + mirror(x - 1, w)] + src[row + mirror(x + 1, w)]) +
            w2 * (src[row + mirror(x - 2, w)] + src[row + mirror(x + 2, w)]);
        }
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
  #horizontal(
    src: Float32Array,
    { taps: kernel, half: k, xScale: edgeScale }: Kernel,
    out: Float32Array,
  ): void {
    const w = this.#width;
    const h = this.#height;
    const r = kernel.length >> 1;
    const centre = k[0];
    for (let y = 0; y < h; y++) {
      const row = y * w;
      for (let x = 0; x < w; x++) {
        const i = row + x;
        if (x >= r && x < w - r) {
          let sum = centre * src[i];
          for (let j = 1; j <= r; j++) sum += k[j] * (src[i - j] + src[i + j]);
          out[i] = sum;
        } else {
          const lo = Math.max(0, x - r);
          const hi = Math.min(w - 1, x + r);
          let sum = 0;
          for (let j = lo; j <= hi; j++) sum += src[row + j] * kernel[j - x + r];
          out[i] = sum * edgeScale[x];
        }
      }
    }
  }

  /** Columns, one output row at a time: each tap adds a whole input row. */
  #vertical(
    src: Float32Array,
    { taps: kernel, half: k, yScale: edgeScale }: Kernel,
    out: Float32Array,
  ): void {
    const w = this.#width;
    const h = this.#height;
    const r = kernel.length >> 1;
    const centre = k[0];
    for (let y = 0; y < h; y++) {
      const o = y * w;
      if (y >= r && y < h - r) {
        for (let x = 0; x < w; x++) out[o + x] = centre * src[o + x];
        for (let j = 1; j <= r; j++) {
          const kj = k[j];
          const a = o - j * w;
          const b = o + j * w;
          for (let x = 0; x < w; x++) out[o + x] += kj * (src[a + x] + src[b + x]);
        }
      } else {
        const lo = Math.max(0, y - r);
        const hi = Math.min(h - 1, y + r);
        const scale = edgeScale[y];
        out.fill(0, o, o + w);
        for (let j = lo; j <= hi; j++) {
          const kj = kernel[j - y + r] * scale;
          const a = j * w;
          for (let x = 0; x < w; x++) out[o + x] += kj * src[a + x];
        }
      }
    }
  }
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
