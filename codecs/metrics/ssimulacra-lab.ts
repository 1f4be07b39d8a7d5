// Pixels to the Lab-like planes SSIMULACRA compares, as libjxl 0.7's ssimulacra_main makes
// them: 8-bit sRGB read as v/255 (lib/jxl/enc_external_image.cc), made linear by libjxl's
// rational approximation of the sRGB curve (TF_SRGB in lib/jxl/transfer_functions-inl.h, the
// CMS's shortcut for sRGB → linear sRGB), then tools/ssimulacra.cc Rgb2Lab. Alpha is not read:
// ssimulacra_main compares the colour planes only. Every step rounds to float as libjxl does;
// the cube root is glibc's powf in exact mode and a cheaper one that may differ in the last
// bit otherwise.

import type { Pixels } from '../pixels.js';

const fround = Math.fround;

/** The linear value of each 8-bit sRGB code. */
const linear = srgbToLinearTable();

function srgbToLinearTable(): Float32Array {
  // af_cheb_rational coefficients of TF_SRGB::DisplayFromEncoded, highest degree last.
  const p = [2.200248328e-4, 1.043637593e-2, 1.624820318e-1, 7.961564959e-1, 8.210152774e-1];
  const q = [2.63184697e-1, 1.076976492, 4.98752835e-1, -5.512498495e-2, 6.521209011e-3];
  const lowDivInv = fround(1 / fround(12.92));
  const threshold = fround(0.04045);
  const step = fround(1 / 255);
  const table = new Float32Array(256);
  for (let v = 0; v < 256; v++) {
    const x = fround(v * step);
    // Horner with fused multiply-adds (one rounding each), then one division.
    let yp = fround(p[4]);
    let yq = fround(q[4]);
    for (let i = 3; i >= 0; i--) {
      yp = fround(yp * x + fround(p[i]));
      yq = fround(yq * x + fround(q[i]));
    }
    table[v] = x > threshold ? yp / yq : x * lowDivInv;
  }
  return table;
}

// tools/ssimulacra.cc Rgb2Lab: linear sRGB → XYZ (rows scaled to D65 white = 1), the CIELAB
// cube root, and L, a, b scaled and offset into roughly 0..1. Its float constants, written
// as the doubles or fractions they round from.
const xr = fround(0.43393624408206205);
const xg = fround(0.3761977906365071);
const xb = fround(0.18983429773803262);
const yr = fround(0.2126729);
const yg = fround(0.7151522);
const yb = fround(0.072175);
const zr = fround(0.017753810835629016);
const zg = fround(0.10945087235996327);
const zb = fround(0.8726392102846648);
const epsilon = fround(216 / 24389); // (6/29)³
const s = fround(4 / 29);
const k = fround(841 / 108); // (29/6)² / 3
const third = fround(1 / 3);
const lScale = fround(1.16);
const aOffset = fround(431 / 1100);
const aScale = fround(25 / 11);
const bOffset = fround(1079 / 2200);
const bScale = fround(10 / 11);

/** Each channel's float product with a row of the XYZ matrix, for all 256 codes. */
const product = (weight: number) => linear.map((v) => v * weight);
const xOfR = product(xr);
const xOfG = product(xg);
const xOfB = product(xb);
const yOfR = product(yr);
const yOfG = product(yg);
const yOfB = product(yb);
const zOfR = product(zr);
const zOfG = product(zg);
const zOfB = product(zb);

// The powf that ssimulacra_main calls: glibc's since 2.28, which is Arm's optimized-routines
// math/powf.c (MIT), here for the exponent float(1/3) and the inputs Rgb2Lab gives it (normal
// floats below 2): log2 from a 16-entry table and a polynomial, exp2 from a 32-entry table and
// a polynomial, in double. Math.pow is correctly rounded and differs from it in the last bit
// for about 1 input in 1500; libjxl's float blur spreads such a bit into score differences of
// ~1e-5. This port matches Debian 12's libm on every float in 0.0088..2 (checked exhaustively).
const log2Inverse = new Float64Array([
  1.398907162146528, 1.3403141896637998, 1.286432210124115, 1.2367150214269895, 1.1906977166711752,
  1.1479821020556429, 1.1082251448272158, 1.0711297413057381, 1.036437278977283, 1.0,
  0.9492859795739057, 0.8951049428609004, 0.8476821620351103, 0.8050314851692001,
  0.7664671008843108, 0.731428603316328,
]);
const log2Offset = new Float64Array([
  -0.48430022186289673, -0.42257122959194704, -0.3633754347673556, -0.30651309567405577,
  -0.25180720160537634, -0.19910014943794563, -0.14825100623281615, -0.09913323807318392,
  -0.051632812977629436, 0.0, 0.07508531937943004, 0.15987125980713107, 0.2384046664317681,
  0.31288288605863257, 0.38370422656453185, 0.451211048935815,
]);
const exp2Table = new Float64Array([
  1.0, 1.0218971486541166, 1.0442737824274138, 1.0671404006768237, 1.0905077326652577,
  1.1143867425958924, 1.1387886347566916, 1.1637248587775775, 1.189207115002721, 1.215247359980469,
  1.241857812073484, 1.2690509571917332, 1.2968395546510096, 1.3252366431597413, 1.3542555469368927,
  1.383909881963832, 1.4142135623730951, 1.4451808069770467, 1.4768261459394993, 1.5091644275934228,
  1.5422108254079407, 1.5759808451078865, 1.6104903319492543, 1.645755478153965, 1.681792830507429,
  1.718619298122478, 1.7562521603732995, 1.7947090750031072, 1.8340080864093424, 1.8741676341103,
  1.9152065613971474, 1.9571441241754002,
]);
const shift = 211106232532992.0; // 0x1.8p52 / 32: adding it rounds to a multiple of 1/32
/** 2^(k/32) for k = -256..255 as glibc builds it: its table entry times a power of two. */
const exp2Scaled = Float64Array.from({ length: 512 }, (_, i) => {
  const k = i - 256;
  return exp2Table[k & 31] * 2 ** (k >> 5);
});
/** 2^-k for the exponents k = -128..127 of the log2 reduction. */
const inversePow2 = Float64Array.from({ length: 256 }, (_, i) => 2 ** (128 - i));

/** glibc powf(x, 1/3) for the float x with bit pattern `ix`: see above. */
function powThird(x: number, ix: number): number {
  // x = 2^k z with z in [0x3f330000, 2 × that) as floats; the table row by z's top mantissa
  // bits. glibc builds z from the bits; x · 2^-k is the same number.
  const tmp = (ix - 0x3f330000) | 0;
  const i = (tmp >>> 19) & 15;
  const k = (tmp & 0xff800000) >> 23;
  const z = x * inversePow2[k + 128];
  const r = z * log2Inverse[i] - 1;
  const y0 = log2Offset[i] + k;
  const r2 = r * r;
  let y = 0.288457581109214 * r + -0.36092606229713164;
  const p = 0.480898481472577 * r + -0.7213474675006291;
  const r4 = r2 * r2;
  let q = 1.4426950408774342 * r + y0;
  q = p * r2 + q;
  y = y * r4 + q;
  const xd = third * y;
  // 2^xd = 2^(k/32) · 2^t with |t| ≤ 1/64.
  const kd = xd + shift - shift;
  const t = xd - kd;
  const scale = exp2Scaled[kd * 32 + 256];
  const e = 0.05550361559341535 * t + 0.2402284522445722;
  const e1 = 0.6931471806916203 * t + 1;
  return fround((e * (t * t) + e1) * scale);
}

// The fast mode's cube root: a table of cube roots at the centres of 256 bins per octave
// (indexed by the float's exponent and top 8 mantissa bits) and one Halley step, which leaves
// an error near 1e-10; the table already carries the factor x^(float(1/3) − 1/3) that powf's
// rounded exponent adds. About 1 value in 200 then rounds to the other float neighbour than
// glibc's, which is noise next to the double-precision blur.
const firstOctave = 127 - 7; // 2^-7 < epsilon
const rootGuess = new Float64Array(8 * 256);
const rootScaled = new Float64Array(8 * 256);
for (let i = 0; i < rootGuess.length; i++) {
  const centre = 2 ** ((i >> 8) - 7) * (1 + ((i & 255) + 0.5) / 256);
  rootGuess[i] = Math.cbrt(centre);
  rootScaled[i] = rootGuess[i] * (1 + (third - 1 / 3) * Math.log(centre));
}

/** powf(v, 1/3) for v in (epsilon, 2) with the bits of v as a float: see above. */
function powThirdFast(v: number, bits: number): number {
  const i = (bits >> 15) - (firstOctave << 8);
  const y = rootGuess[i];
  const y3 = y * y * y;
  return fround((rootScaled[i] * (y3 + 2 * v)) / (2 * y3 + v));
}

/**
 * Writes the L, a and b planes of `image` into `out` (3 × width × height floats): first the
 * XYZ planes, then, reading each value's bits from the same memory, Lab in place.
 */
export function toLab(image: Pixels, out: Float32Array, exact: boolean): void {
  const size = image.width * image.height;
  toXyz(image.data, size, out);
  const bits = new Int32Array(out.buffer, out.byteOffset, 3 * size);
  if (exact) cubeRoots(out, bits, 3 * size);
  else cubeRootsFast(out, bits, 3 * size);
  xyzToLab(out, size);
}

function toXyz(data: Uint8ClampedArray, size: number, out: Float32Array): void {
  for (let i = 0, j = 0; i < size; i++, j += 4) {
    const r = data[j];
    const g = data[j + 1];
    const b = data[j + 2];
    out[i] = fround(xOfR[r] + xOfG[g]) + xOfB[b];
    out[size + i] = fround(yOfR[r] + yOfG[g]) + yOfB[b];
    out[2 * size + i] = fround(zOfR[r] + zOfG[g]) + zOfB[b];
  }
}

/** Each value v becomes powf(v, 1/3) − s above the knee, k·v below it. */
function cubeRoots(values: Float32Array, bits: Int32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = values[i];
    values[i] = v > epsilon ? fround(powThird(v, bits[i]) - s) : fround(k * v);
  }
}

function cubeRootsFast(values: Float32Array, bits: Int32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = values[i];
    values[i] = v > epsilon ? fround(powThirdFast(v, bits[i]) - s) : fround(k * v);
  }
}

/** The cube-rooted X, Y, Z planes to L, a, b in place. */
function xyzToLab(out: Float32Array, size: number): void {
  for (let i = 0; i < size; i++) {
    const X = out[i];
    const Y = out[size + i];
    const Z = out[2 * size + i];
    out[i] = Y * lScale;
    out[size + i] = aOffset + fround(aScale * fround(X - Y));
    out[2 * size + i] = bOffset + fround(bScale * fround(Y - Z));
  }
}
