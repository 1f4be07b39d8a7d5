// MaltaDiffMap and MaltaDiffMapLF of libjxl 0.7's butteraugli.cc: a per-pixel difference of
// two bands, then for each pixel the sum of squares of 16 line sums through it (lines of
// 7 to 9 pixels for the high bands, of 5 every-other pixels for the lower ones). Pixels
// outside the image count as zero; we keep the differences in a plane with a 4-pixel zero
// margin so every pixel takes the same path.

/** Zero-margined scratch for the differences of one image size. */
export class MaltaScratch {
  readonly stride: number;
  readonly diffs: Float32Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.stride = width + 8;
    this.diffs = new Float32Array(this.stride * (height + 8));
  }
}

/**
 * Adds `weight` × the Malta line energy of the differences between `lum0` (reference) and
 * `lum1` to `acc`. `hf` picks MaltaTag's dense lines, otherwise MaltaTagLF's sparse ones.
 */
export function maltaDiffMap(
  lum0: Float32Array,
  lum1: Float32Array,
  w0gt1: number,
  w0lt1: number,
  norm1: number,
  hf: boolean,
  scratch: MaltaScratch,
  acc: Float32Array,
  weight: number,
): void {
  const { width, height, stride, diffs } = scratch;
  const mulli = hf ? 0.39905817637 : 0.611612573796;
  const len = 3.75;
  const wPre0gt1 = (mulli * Math.sqrt(0.5 * w0gt1)) / (len * 2 + 1);
  const wPre0lt1 = (mulli * Math.sqrt(Math.fround(0.33) * w0lt1)) / (len * 2 + 1);
  const norm2gt1 = Math.fround(wPre0gt1 * norm1);
  const norm2lt1 = Math.fround(wPre0lt1 * norm1);
  const fnorm1 = Math.fround(norm1);

  for (let y = 0; y < height; y++) {
    const src = y * width;
    const dst = (y + 4) * stride + 4;
    for (let x = 0; x < width; x++) {
      const v0 = lum0[src + x];
      const v1 = lum1[src + x];
      const absval = 0.5 * (Math.abs(v0) + Math.abs(v1));
      const denom = fnorm1 + absval;
      // Primary symmetric quadratic objective.
      let d = (norm2gt1 / denom) * (v0 - v1);
      // Secondary half-open objectives: too small or too big a value, against the reference.
      const scaler2 = norm2lt1 / denom;
      const fabs0 = Math.abs(v0);
      const tooSmall = 0.55 * fabs0;
      const tooBig = 1.05 * fabs0;
      if (v0 < 0) {
        if (v1 > -tooSmall) d -= scaler2 * (v1 + tooSmall);
        else if (v1 < -tooBig) d += scaler2 * (-v1 - tooBig);
      } else {
        if (v1 < tooSmall) d += scaler2 * (tooSmall - v1);
        else if (v1 > tooBig) d -= scaler2 * (v1 - tooBig);
      }
      diffs[dst + x] = d;
    }
  }

  if (hf) maltaLinesHf(diffs, stride, width, height, acc, weight);
  else maltaLinesLf(diffs, stride, width, height, acc, weight);
}

// Generated from butteraugli.cc's MaltaUnit offsets; pNy_Nx is the pixel at (x, y) + (Nx, Ny)
// plus the one at (x, y) - (Nx, Ny) (m for minus), rN is N rows.

/** MaltaUnit(MaltaTagLF): lines of 5 pixels, every other one, across a 9 × 9 window. */
function maltaLinesLf(
  d: Float32Array,
  stride: number,
  width: number,
  height: number,
  acc: Float32Array,
  weight: number,
): void {
  const r1 = stride;
  const r2 = 2 * stride;
  const r3 = 3 * stride;
  const r4 = 4 * stride;
  for (let y = 0; y < height; y++) {
    const o = y * width;
    const start = (y + 4) * stride + 4;
    for (let x = 0; x < width; x++) {
      const i = start + x;
      const c = d[i];
      // Sums of the pixel pairs opposite each other about the centre, shared between lines.
      const p0_4 = d[i + 4] + d[i - 4];
      const p0_2 = d[i + 2] + d[i - 2];
      const p4_0 = d[i + r4] + d[i - r4];
      const p2_0 = d[i + r2] + d[i - r2];
      const p3_3 = d[i + r3 + 3] + d[i - r3 - 3];
      const p2_2 = d[i + r2 + 2] + d[i - r2 - 2];
      const p3_m3 = d[i + r3 - 3] + d[i - r3 + 3];
      const p2_m2 = d[i + r2 - 2] + d[i - r2 + 2];
      const p4_m1 = d[i + r4 - 1] + d[i - r4 + 1];
      const p2_m1 = d[i + r2 - 1] + d[i - r2 + 1];
      const p4_1 = d[i + r4 + 1] + d[i - r4 - 1];
      const p2_1 = d[i + r2 + 1] + d[i - r2 - 1];
      const p1_4 = d[i + r1 + 4] + d[i - r1 - 4];
      const p1_2 = d[i + r1 + 2] + d[i - r1 - 2];
      const p1_m4 = d[i + r1 - 4] + d[i - r1 + 4];
      const p1_m2 = d[i + r1 - 2] + d[i - r1 + 2];
      const p3_2 = d[i + r3 + 2] + d[i - r3 - 2];
      const p3_m2 = d[i + r3 - 2] + d[i - r3 + 2];
      const p2_3 = d[i + r2 + 3] + d[i - r2 - 3];
      const p2_m3 = d[i + r2 - 3] + d[i - r2 + 3];
      const p2_m4 = d[i + r2 - 4] + d[i - r2 + 4];
      const p2_4 = d[i + r2 + 4] + d[i - r2 - 4];
      const p4_2 = d[i + r4 + 2] + d[i - r4 - 2];
      const p4_m2 = d[i + r4 - 2] + d[i - r4 + 2];
      const s0 = c + p0_4 + p0_2;
      const s1 = c + p4_0 + p2_0;
      const s2 = c + p3_3 + p2_2;
      const s3 = c + p3_m3 + p2_m2;
      const s4 = c + p4_m1 + p2_m1;
      const s5 = c + p4_1 + p2_1;
      const s6 = c + p1_4 + p1_2;
      const s7 = c + p1_m4 + p1_m2;
      const s8 = c + p3_2 + p2_1;
      const s9 = c + p3_m2 + p2_m1;
      const s10 = c + p2_3 + p1_2;
      const s11 = c + p2_m3 + p1_m2;
      const s12 = c + p2_m4 + p1_m2;
      const s13 = c + p2_4 + p1_2;
      const s14 = c + p4_2 + p2_1;
      const s15 = c + p4_m2 + p2_m1;
      acc[o + x] +=
        weight *
        (s0 * s0 +
          s1 * s1 +
          s2 * s2 +
          s3 * s3 +
          s4 * s4 +
          s5 * s5 +
          s6 * s6 +
          s7 * s7 +
          s8 * s8 +
          s9 * s9 +
          s10 * s10 +
          s11 * s11 +
          s12 * s12 +
          s13 * s13 +
          s14 * s14 +
          s15 * s15);
    }
  }
}

/** MaltaUnit(MaltaTag): lines of 7 or 9 pixels. libjxl lists four of them twice; they count
 * twice here too. */
function maltaLinesHf(
  d: Float32Array,
  stride: number,
  width: number,
  height: number,
  acc: Float32Array,
  weight: number,
): void {
  const r1 = stride;
  const r2 = 2 * stride;
  const r3 = 3 * stride;
  const r4 = 4 * stride;
  for (let y = 0; y < height; y++) {
    const o = y * width;
    const start = (y + 4) * stride + 4;
    for (let x = 0; x < width; x++) {
      const i = start + x;
      const c = d[i];
      // Sums of the pixel pairs opposite each other about the centre, shared between lines.
      const p0_4 = d[i + 4] + d[i - 4];
      const p0_3 = d[i + 3] + d[i - 3];
      const p0_2 = d[i + 2] + d[i - 2];
      const p0_1 = d[i + 1] + d[i - 1];
      const p4_0 = d[i + r4] + d[i - r4];
      const p3_0 = d[i + r3] + d[i - r3];
      const p2_0 = d[i + r2] + d[i - r2];
      const p1_0 = d[i + r1] + d[i - r1];
      const p3_3 = d[i + r3 + 3] + d[i - r3 - 3];
      const p2_2 = d[i + r2 + 2] + d[i - r2 - 2];
      const p1_1 = d[i + r1 + 1] + d[i - r1 - 1];
      const p3_m3 = d[i + r3 - 3] + d[i - r3 + 3];
      const p2_m2 = d[i + r2 - 2] + d[i - r2 + 2];
      const p1_m1 = d[i + r1 - 1] + d[i - r1 + 1];
      const p4_m1 = d[i + r4 - 1] + d[i - r4 + 1];
      const p3_m1 = d[i + r3 - 1] + d[i - r3 + 1];
      const p2_m1 = d[i + r2 - 1] + d[i - r2 + 1];
      const p4_1 = d[i + r4 + 1] + d[i - r4 - 1];
      const p3_1 = d[i + r3 + 1] + d[i - r3 - 1];
      const p2_1 = d[i + r2 + 1] + d[i - r2 - 1];
      const p1_4 = d[i + r1 + 4] + d[i - r1 - 4];
      const p1_3 = d[i + r1 + 3] + d[i - r1 - 3];
      const p1_2 = d[i + r1 + 2] + d[i - r1 - 2];
      const p1_m4 = d[i + r1 - 4] + d[i - r1 + 4];
      const p1_m3 = d[i + r1 - 3] + d[i - r1 + 3];
      const p1_m2 = d[i + r1 - 2] + d[i - r1 + 2];
      const p3_2 = d[i + r3 + 2] + d[i - r3 - 2];
      const p3_m2 = d[i + r3 - 2] + d[i - r3 + 2];
      const p2_3 = d[i + r2 + 3] + d[i - r2 - 3];
      const p2_m3 = d[i + r2 - 3] + d[i - r2 + 3];
      const s0 = c + p0_4 + p0_3 + p0_2 + p0_1;
      const s1 = c + p4_0 + p3_0 + p2_0 + p1_0;
      const s2 = c + p3_3 + p2_2 + p1_1;
      const s3 = c + p3_m3 + p2_m2 + p1_m1;
      const s4 = c + p4_m1 + p3_m1 + p2_m1 + p1_0;
      const s5 = c + p4_1 + p3_1 + p2_1 + p1_0;
      const s6 = c + p1_4 + p1_3 + p1_2 + p0_1;
      const s7 = c + p1_m4 + p1_m3 + p1_m2 + p0_1;
      const s8 = c + p3_2 + p2_1 + p1_1;
      const s9 = c + p3_m2 + p2_m1 + p1_m1;
      const s10 = c + p2_3 + p1_2 + p1_1;
      const s11 = c + p2_m3 + p1_m2 + p1_m1;
      acc[o + x] +=
        weight *
        (s0 * s0 +
          s1 * s1 +
          s2 * s2 +
          s3 * s3 +
          2 * s4 * s4 +
          2 * s5 * s5 +
          2 * s6 * s6 +
          2 * s7 * s7 +
          s8 * s8 +
          s9 * s9 +
          s10 * s10 +
          s11 * s11);
    }
  }
}
