// One scale of tools/ssimulacra.cc ComputeDiff for one colour plane: the SSIM map from the five
// blurs, its mean, its 4×4 block minimum and, at full scale, the edge-difference map and the
// row and column statistics of the grid penalty. libjxl builds each map as an image; here each
// row is used as the blur yields it, with the same float arithmetic and the same order of sums.

import type { BlurredRows } from './ssimulacra-blur.js';

const fround = Math.fround;
const C1 = fround(0.0001);
const C2 = fround(0.0004);

/** What one plane contributes to the score at one scale. */
export interface PlaneStats {
  avgSsim: number;
  minSsim: number;
}

/** The full-scale extras: the mean edge score and the 2nd-percentile row and column means. */
export interface EdgeStats {
  avgEdge: number;
  /** [SSIM map, edge map] */
  rowP2: [number, number];
  colP2: [number, number];
}

/**
 * The SSIM and edge maps of one pair of planes, row by row, reduced to their statistics. The
 * buffers fit planes up to `width` × `height` and serve every scale and plane in turn.
 */
export class PlaneMaps {
  private readonly blur: BlurredRows;
  private readonly exact: boolean;
  private readonly ssimRow: Float32Array;
  private readonly edgeRow: Float32Array;
  private readonly blockSums: Float32Array;
  private readonly colSsim: Float64Array;
  private readonly rowSsim: Float64Array;
  private readonly colEdge: Float64Array;
  private readonly rowEdge: Float64Array;

  constructor(blur: BlurredRows, exact: boolean, width: number, height: number) {
    this.blur = blur;
    this.exact = exact;
    this.ssimRow = new Float32Array(width);
    this.edgeRow = new Float32Array(width);
    this.blockSums = new Float32Array(Math.ceil(width / 4));
    this.colSsim = new Float64Array(Math.ceil(width / 4));
    this.rowSsim = new Float64Array(Math.ceil(height / 4));
    this.colEdge = new Float64Array(width);
    this.rowEdge = new Float64Array(height);
  }

  /** SSIM statistics of plane `b` against plane `a` (each `width` × `height` at `at`). */
  compare(a: Float32Array, b: Float32Array, at: number, width: number, height: number): PlaneStats;
  /** The same plus the edge statistics (full scale only). */
  compare(
    a: Float32Array,
    b: Float32Array,
    at: number,
    width: number,
    height: number,
    edges: true,
  ): PlaneStats & EdgeStats;
  compare(
    a: Float32Array,
    b: Float32Array,
    at: number,
    width: number,
    height: number,
    edges = false,
  ): PlaneStats & Partial<EdgeStats> {
    const { ssimRow, blockSums } = this;
    const blockWidth = Math.ceil(width / 4);
    const colSsim = this.colSsim.subarray(0, blockWidth);
    const rowSsim = this.rowSsim.subarray(0, Math.ceil(height / 4));
    const colEdge = this.colEdge.subarray(0, width);
    const rowEdge = this.rowEdge.subarray(0, height);
    colSsim.fill(0);
    colEdge.fill(0);
    blockSums.fill(0);
    // libjxl's StreamingAverage, a running mean in double, when exact; else a plain sum, which
    // waits on no division per pixel.
    const { exact, edgeRow } = this;
    let ssimMean = 0;
    let ssimCount = 0;
    let ssimSum = 0;
    let edgeMean = 0;
    let edgeCount = 0;
    let minSsim = Infinity;

    this.blur.run(a, b, at, width, height, (y) => {
      const rows = this.blur.rows;
      if (exact) {
        ssimMap(rows, ssimRow, width);
        for (let x = 0; x < width; x++) ssimMean += (ssimRow[x] - ssimMean) / ++ssimCount;
        if (edges) {
          edgeDiffMap(a, b, at + y * width, rows[0], rows[1], edgeRow, width);
          for (let x = 0; x < width; x++) {
            edgeMean += (edgeRow[x] - edgeMean) / ++edgeCount;
            colEdge[x] += edgeRow[x];
          }
          rowEdge[y] = sum32(edgeRow, width);
        }
      } else {
        ssimSum += ssimMapFast(rows, ssimRow, width);
        if (edges)
          rowEdge[y] = edgeDiffFast(a, b, at + y * width, rows[0], rows[1], colEdge, width);
      }
      // Past the last row the last one repeats.
      const repeats = y === height - 1 ? 4 - (y & 3) : 1;
      for (let r = 0; r < repeats; r++) addToBlocks(ssimRow, width, blockSums);
      if ((y & 3) === 3 || y === height - 1) {
        let sum = 0;
        for (let ox = 0; ox < blockWidth; ox++) {
          const v = fround(blockSums[ox] * 0.0625);
          blockSums[ox] = 0;
          if (v < minSsim) minSsim = v;
          sum += v;
          colSsim[ox] += v;
        }
        rowSsim[y >> 2] = sum;
      }
    });
    if (!exact) {
      ssimMean = ssimSum / (width * height);
      if (edges) edgeMean = sum64(rowEdge, height) / (width * height);
    }

    if (!edges) return { avgSsim: ssimMean, minSsim };
    return {
      avgSsim: ssimMean,
      minSsim,
      avgEdge: edgeMean,
      rowP2: [percentile2(rowSsim) / blockWidth, percentile2(rowEdge) / width],
      colP2: [percentile2(colSsim) / rowSsim.length, percentile2(colEdge) / height],
    };
  }
}

/** SSIMMap for one row, in float as libjxl computes it. */
function ssimMap(blurred: Float32Array[], out: Float32Array, width: number): void {
  const [mu1, mu2, s11, s22, s12] = blurred;
  for (let x = 0; x < width; x++) {
    const m1 = mu1[x];
    const m2 = mu2[x];
    const mu11 = fround(m1 * m1);
    const mu22 = fround(m2 * m2);
    const mu12 = fround(m1 * m2);
    const nomM = fround(2 * mu12 + C1);
    const nomS = fround(2 * fround(s12[x] - mu12) + C2);
    const denomM = fround(fround(mu11 + mu22) + C1);
    const denomS = fround(fround(fround(s11[x] - mu11) + fround(s22[x] - mu22)) + C2);
    out[x] = fround(nomM * nomS) / fround(denomM * denomS);
  }
}

/**
 * SSIMMap in double from FastBlur's rows (the products blurred as a² + b² and ab); returns
 * the row's sum.
 */
function ssimMapFast(blurred: Float32Array[], out: Float32Array, width: number): number {
  const [mu1, mu2, squares, cross] = blurred;
  let sum = 0;
  for (let x = 0; x < width; x++) {
    const m1 = mu1[x];
    const m2 = mu2[x];
    const mu11 = m1 * m1;
    const mu22 = m2 * m2;
    const mu12 = m1 * m2;
    const v =
      ((2 * mu12 + C1) * (2 * (cross[x] - mu12) + C2)) /
      ((mu11 + mu22 + C1) * (squares[x] - mu11 - mu22 + C2));
    out[x] = v;
    sum += v;
  }
  return sum;
}

/** EdgeDiffMap in double for one row: adds each value to `columns`, returns the row's sum. */
function edgeDiffFast(
  a: Float32Array,
  b: Float32Array,
  row: number,
  mu1: Float32Array,
  mu2: Float32Array,
  columns: Float64Array,
  width: number,
): number {
  let sum = 0;
  for (let x = 0; x < width; x++) {
    const d = Math.abs(b[row + x] - mu2[x]) - Math.abs(a[row + x] - mu1[x]);
    const v = 1 - positivePart(d);
    columns[x] += v;
    sum += v;
  }
  return sum;
}

/** EdgeDiffMap for one row: 1 minus how much more the distorted plane stands out from its blur. */
function edgeDiffMap(
  a: Float32Array,
  b: Float32Array,
  row: number,
  mu1: Float32Array,
  mu2: Float32Array,
  out: Float32Array,
  width: number,
): void {
  for (let x = 0; x < width; x++) {
    const d = fround(Math.abs(fround(b[row + x] - mu2[x])) - Math.abs(fround(a[row + x] - mu1[x])));
    out[x] = 1 - positivePart(d);
  }
}

/**
 * max(d, 0), exactly, without a branch: whether the distorted plane has the edge is a coin
 * toss from pixel to pixel, and a mispredicted branch per pixel costs more than the map.
 */
const positivePart = (d: number) => (d + Math.abs(d)) * 0.5;

/**
 * One row's share of Downsample(ssim_map, 4, 4): each block's float sum gets the row's four
 * values in order; past the last column the last value repeats.
 */
function addToBlocks(row: Float32Array, width: number, sums: Float32Array): void {
  const full = width >> 2;
  for (let ox = 0, x = 0; ox < full; ox++, x += 4) {
    const s1 = fround(sums[ox] + row[x]);
    const s2 = fround(s1 + row[x + 1]);
    sums[ox] = fround(s2 + row[x + 2]) + row[x + 3];
  }
  if (4 * full < width) {
    let sum = sums[full];
    for (let x = 4 * full; x < 4 * full + 4; x++) sum = fround(sum + row[Math.min(x, width - 1)]);
    sums[full] = sum;
  }
}

/** values[0..n) summed in double, in order. */
function sum32(values: Float32Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  return sum;
}

/** values[0..n) summed in double, in order. */
function sum64(values: Float64Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  return sum;
}

/** RowColAvgP2: the sum at index size/50 of the sums sorted. */
function percentile2(sums: Float64Array): number {
  const sorted = sums.slice().sort();
  return sorted[Math.floor(sorted.length / 50)];
}
