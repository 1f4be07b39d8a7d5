// SSIMULACRA's blur the fast way: libjxl's recursive Gaussian is, in exact arithmetic, a
// 9-tap FIR filter (ssimulacra-blur.ts), so run that in double: no recurrence to wait on and no
// float rounding to reproduce. Scores then differ from ssimulacra_main by libjxl's own float
// noise, about 1e-5. Four signals instead of five: SSIM reads blur(a²) and blur(b²) only as
// their sum, so this blurs a² + b² once.

import type { BlurredRows, RecursiveGaussian } from './ssimulacra-blur.js';

/** Taps 0..4 (centre first) of the 9-tap filter. */
const half = 4;
/** Output rows made per vertical step: they share most of their input rows. */
const group = 4;
/** The horizontal rows one vertical step reads. */
const ringRows = 2 * half + group;

export class FastBlur implements BlurredRows {
  /** mu1, mu2, blur(a² + b²), blur(ab) of the row being emitted. */
  rows: Float32Array[];
  /** The same for each row of a vertical step… */
  private readonly stepRows: Float32Array[][];
  /** …and per signal, the rows of a step. */
  private readonly bySignal: Float32Array[][];
  private readonly taps: Float64Array;
  /** a² + b² and ab of one row. */
  private readonly squares: Float32Array;
  private readonly cross: Float32Array;
  /** Horizontal results: 4 signals × `ringRows` rows. */
  private readonly ring: Float64Array;

  constructor(g: RecursiveGaussian, width: number) {
    if (g.taps.length !== half + 1) throw new RangeError('FastBlur expects a 9-tap filter');
    this.taps = g.taps;
    this.stepRows = Array.from({ length: group }, () =>
      Array.from({ length: 4 }, () => new Float32Array(width)),
    );
    this.rows = this.stepRows[0];
    this.bySignal = this.rows.map((_, i) => this.stepRows.map((rows) => rows[i]));
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
    const { taps, squares, cross, ring, stepRows, bySignal } = this;
    const plane = ringRows * width;
    let ready = 0; // horizontal rows done: 0..ready-1
    for (let y = 0; y < height; y += group) {
      // Rows y−4..y+7 feed output rows y..y+3.
      for (; ready < Math.min(y + half + group, height); ready++) {
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
      for (let i = 0; i < 4; i++) {
        const out = bySignal[i];
        if (y >= half && y + group - 1 + half < height) {
          blurColumns(taps, ring, i * plane, width, y, out);
        } else {
          for (let j = 0; j < group && y + j < height; j++) {
            columnsNearEdge(taps, ring, i * plane, width, y + j, height, out[j]);
          }
        }
      }
      for (let j = 0; j < group && y + j < height; j++) {
        this.rows = stepRows[j];
        emit(y + j);
      }
    }
  }
}

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
 * Output rows y..y+3 of one signal from the ring of horizontal rows, all inside the image:
 * they share 6 of their 9 input rows, so 12 loads make 4 outputs.
 */
function blurColumns(
  taps: Float64Array,
  ring: Float64Array,
  at: number,
  width: number,
  y: number,
  out: Float32Array[],
): void {
  const h0 = taps[0];
  const h1 = taps[1];
  const h2 = taps[2];
  const h3 = taps[3];
  const h4 = taps[4];
  const [out0, out1, out2, out3] = out;
  const row = (d: number) => at + ((y + d) % ringRows) * width;
  const rm4 = row(-4);
  const rm3 = row(-3);
  const rm2 = row(-2);
  const rm1 = row(-1);
  const r0 = row(0);
  const r1 = row(1);
  const r2 = row(2);
  const r3 = row(3);
  const r4 = row(4);
  const r5 = row(5);
  const r6 = row(6);
  const r7 = row(7);
  for (let x = 0; x < width; x++) {
    const vm4 = ring[rm4 + x];
    const vm3 = ring[rm3 + x];
    const vm2 = ring[rm2 + x];
    const vm1 = ring[rm1 + x];
    const v0 = ring[r0 + x];
    const v1 = ring[r1 + x];
    const v2 = ring[r2 + x];
    const v3 = ring[r3 + x];
    const v4 = ring[r4 + x];
    const v5 = ring[r5 + x];
    const v6 = ring[r6 + x];
    const v7 = ring[r7 + x];
    out0[x] = h0 * v0 + h1 * (vm1 + v1) + h2 * (vm2 + v2) + h3 * (vm3 + v3) + h4 * (vm4 + v4);
    out1[x] = h0 * v1 + h1 * (v0 + v2) + h2 * (vm1 + v3) + h3 * (vm2 + v4) + h4 * (vm3 + v5);
    out2[x] = h0 * v2 + h1 * (v1 + v3) + h2 * (v0 + v4) + h3 * (vm1 + v5) + h4 * (vm2 + v6);
    out3[x] = h0 * v3 + h1 * (v2 + v4) + h2 * (v1 + v5) + h3 * (v0 + v6) + h4 * (vm1 + v7);
  }
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
