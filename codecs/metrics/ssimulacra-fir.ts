// SSIMULACRA's blur the fast way: libjxl's recursive Gaussian is, in exact arithmetic, a
// 9-tap FIR filter (ssimulacra-blur.ts), so run that in double: no recurrence to wait on and no
// float rounding to reproduce. Scores then differ from ssimulacra_main by libjxl's own float
// noise, about 1e-5. Four signals instead of five: SSIM reads blur(a²) and blur(b²) only as
// their sum, so this blurs a² + b² once.

import type { BlurredRows, RecursiveGaussian } from './ssimulacra-blur.js';

/** Taps 0..4 (centre first) of the 9-tap filter. */
const half = 4;

export class FastBlur implements BlurredRows {
  /** mu1, mu2, blur(a² + b²), blur(ab) of the row being emitted. */
  rows: Float32Array[];
  /** The same for the row after it: the vertical pass makes two rows at a time. */
  private next: Float32Array[];
  private readonly taps: Float64Array;
  /** a² + b² and ab of one row. */
  private readonly squares: Float32Array;
  private readonly cross: Float32Array;
  /** Horizontal results: 4 signals × the 10 rows that two output rows read. */
  private readonly ring: Float64Array;

  constructor(g: RecursiveGaussian, width: number) {
    if (g.taps.length !== half + 1) throw new RangeError('FastBlur expects a 9-tap filter');
    this.taps = g.taps;
    this.rows = Array.from({ length: 4 }, () => new Float32Array(width));
    this.next = Array.from({ length: 4 }, () => new Float32Array(width));
    this.squares = new Float32Array(width);
    this.cross = new Float32Array(width);
    this.ring = new Float64Array(4 * ringRows * width);
  }

  run(
    a: Float32Array,
    b: Float32Array,
    at: number,
    width: number,
    height: number,
    emit: (y: number) => void,
  ): void {
    const { taps, squares, cross, ring } = this;
    const plane = ringRows * width;
    let ready = 0; // horizontal rows done: 0..ready-1
    for (let y = 0; y < height; y += 2) {
      // Rows y−4..y+5 feed output rows y and y+1.
      for (; ready < Math.min(y + half + 2, height); ready++) {
        const row = at + ready * width;
        for (let x = 0; x < width; x++) {
          const v1 = a[row + x];
          const v2 = b[row + x];
          squares[x] = v1 * v1 + v2 * v2;
          cross[x] = v1 * v2;
        }
        const slot = (ready % ringRows) * width;
        blurRow(taps, a, row, width, ring, slot);
        blurRow(taps, b, row, width, ring, plane + slot);
        blurRow(taps, squares, 0, width, ring, 2 * plane + slot);
        blurRow(taps, cross, 0, width, ring, 3 * plane + slot);
      }
      const rows = this.rows;
      const next = this.next;
      for (let i = 0; i < 4; i++) {
        blurColumns(taps, ring, i * plane, width, y, height, rows[i], next[i]);
      }
      emit(y);
      if (y + 1 < height) {
        this.rows = next;
        this.next = rows;
        emit(y + 1);
        this.next = next;
        this.rows = rows;
      }
    }
  }
}

const ringRows = 2 * half + 2;

/** Row src[at..at+width) through the filter, zero outside it. */
function blurRow(
  taps: Float64Array,
  src: Float32Array,
  at: number,
  width: number,
  out: Float64Array,
  outAt: number,
): void {
  const h0 = taps[0];
  const h1 = taps[1];
  const h2 = taps[2];
  const h3 = taps[3];
  const h4 = taps[4];
  // A sliding window over x−4..x+4: one load per output.
  let xm4 = 0;
  let xm3 = 0;
  let xm2 = 0;
  let xm1 = 0;
  let x0 = src[at];
  let xp1 = width > 1 ? src[at + 1] : 0;
  let xp2 = width > 2 ? src[at + 2] : 0;
  let xp3 = width > 3 ? src[at + 3] : 0;
  for (let x = 0; x < width; x++) {
    const xp4 = x + 4 < width ? src[at + x + 4] : 0;
    out[outAt + x] =
      h0 * x0 + h1 * (xm1 + xp1) + h2 * (xm2 + xp2) + h3 * (xm3 + xp3) + h4 * (xm4 + xp4);
    xm4 = xm3;
    xm3 = xm2;
    xm2 = xm1;
    xm1 = x0;
    x0 = xp1;
    xp1 = xp2;
    xp2 = xp3;
    xp3 = xp4;
  }
}

/**
 * Output rows y and y+1 of one signal from the ring of horizontal rows, which share 8 of
 * their 9 input rows. Rows outside the image count as zero.
 */
function blurColumns(
  taps: Float64Array,
  ring: Float64Array,
  at: number,
  width: number,
  y: number,
  height: number,
  out0: Float32Array,
  out1: Float32Array,
): void {
  const h0 = taps[0];
  const h1 = taps[1];
  const h2 = taps[2];
  const h3 = taps[3];
  const h4 = taps[4];
  if (y - half >= 0 && y + 1 + half < height) {
    const rm4 = at + ((y - 4) % ringRows) * width;
    const rm3 = at + ((y - 3) % ringRows) * width;
    const rm2 = at + ((y - 2) % ringRows) * width;
    const rm1 = at + ((y - 1) % ringRows) * width;
    const r0 = at + (y % ringRows) * width;
    const rp1 = at + ((y + 1) % ringRows) * width;
    const rp2 = at + ((y + 2) % ringRows) * width;
    const rp3 = at + ((y + 3) % ringRows) * width;
    const rp4 = at + ((y + 4) % ringRows) * width;
    const rp5 = at + ((y + 5) % ringRows) * width;
    for (let x = 0; x < width; x++) {
      const vm4 = ring[rm4 + x];
      const vm3 = ring[rm3 + x];
      const vm2 = ring[rm2 + x];
      const vm1 = ring[rm1 + x];
      const v0 = ring[r0 + x];
      const vp1 = ring[rp1 + x];
      const vp2 = ring[rp2 + x];
      const vp3 = ring[rp3 + x];
      const vp4 = ring[rp4 + x];
      const vp5 = ring[rp5 + x];
      out0[x] = h0 * v0 + h1 * (vm1 + vp1) + h2 * (vm2 + vp2) + h3 * (vm3 + vp3) + h4 * (vm4 + vp4);
      out1[x] = h0 * vp1 + h1 * (v0 + vp2) + h2 * (vm1 + vp3) + h3 * (vm2 + vp4) + h4 * (vm3 + vp5);
    }
    return;
  }
  columnsNearEdge(taps, ring, at, width, y, height, out0);
  if (y + 1 < height) columnsNearEdge(taps, ring, at, width, y + 1, height, out1);
}

/** Output row y where the filter reaches past the top or bottom of the image. */
function columnsNearEdge(
  taps: Float64Array,
  ring: Float64Array,
  at: number,
  width: number,
  y: number,
  height: number,
  out: Float32Array,
): void {
  const from: number[] = [];
  const weight: number[] = [];
  for (let d = -half; d <= half; d++) {
    if (y + d < 0 || y + d >= height) continue;
    from.push(at + ((y + d) % ringRows) * width);
    weight.push(taps[Math.abs(d)]);
  }
  for (let x = 0; x < width; x++) {
    let sum = 0;
    for (let i = 0; i < from.length; i++) sum += weight[i] * ring[from[i] + x];
    out[x] = sum;
  }
}
