import type { Pixels } from '../pixels.js';
import { ExactBlur, recursiveGaussian } from './ssimulacra-blur.js';
import { FastBlur } from './ssimulacra-fir.js';
import { toLab } from './ssimulacra-lab.js';
import { PlaneMaps, type EdgeStats, type PlaneStats } from './ssimulacra-maps.js';

// A port of tools/ssimulacra.cc and tools/ssimulacra_main.cc of libjxl 0.7.0 (tag v0.7.0),
// the original SSIMULACRA of Jon Sneyers (Cloudinary, 2017) that Debian ships as
// `ssimulacra_main` in libjxl-devtools: SSIM in a Lab-like space at six scales, plus penalties
// for added edges (ringing, blocking) and for blocky rows and columns.

const fround = Math.fround;
const scales = 6;
// Per scale, weights of the mean SSIM of L, a, b (chroma premultiplied by 0.2)…
const scaleWeights = [
  [0.0448, 0.003, 0.003],
  [0.2856, 0.00896, 0.00896],
  [0.3001, 0.05712, 0.05712],
  [0.2363, 0.06002, 0.06002],
  [0.1333, 0.06726, 0.06726],
  [0.1, 0.05, 0.05],
];
// …and of the worst 4×4 block (premultiplied by 0.1, 0.005, 0.005).
const minScaleWeights = [
  [0.02, 0.00005, 0.00005],
  [0.03, 0.00025, 0.00025],
  [0.025, 0.001, 0.001],
  [0.02, 0.0015, 0.0015],
  [0.012, 0.00175, 0.00175],
  [0.005, 0.00175, 0.00175],
];
const edgeWeights = [1.5, 0.1, 0.1];
const gridWeights = [1.0, 0.1, 0.1];

const gaussian = recursiveGaussian(1.5);

export interface SsimulacraOptions {
  /**
   * Reproduce libjxl's float arithmetic bit for bit (its recursive blur's rounding included),
   * 3–4 times slower. Off, the blur runs in double and scores differ from ssimulacra_main by
   * libjxl's own rounding noise: ~1e-5, at most 5e-5 on the test pairs.
   */
  exact?: boolean;
}

/**
 * SSIMULACRA's perceptual distance of `distorted` from `original` (same size, at least 8×8),
 * as libjxl 0.7's `ssimulacra_main original.png distorted.png` prints it: 0 for identical
 * pixels, growing with visible damage, capped at 1. The scale, from the usage text of the
 * original program (libjxl's tools/ssimulacra.txt): below 0.01 or so the distortion is likely
 * imperceptible; above 0.1 or so likely perceptible, annoying. For a sense of the middle, on
 * photos scaled to 360–640 px: JPEG q90 scores 0.016–0.036, WebP q75 0.025–0.048, AVIF q50
 * 0.043–0.075, mozjpeg q60 0.045–0.087, JPEG q25 0.068–0.12, a halving and back 0.087–0.17.
 *
 * Both images are read as sRGB. Alpha is ignored, as ssimulacra_main ignores it: the colour
 * under transparent pixels counts in full (an encoder that drops alpha or blackens hidden
 * pixels scores badly), so flatten both onto one background first if transparency matters.
 *
 * @example ssimulacra(original, decodedJpeg) // 0.0213
 */
export function ssimulacra(
  original: Pixels,
  distorted: Pixels,
  options: SsimulacraOptions = {},
): number {
  checkSameSize(original, distorted);
  return ssimulacraAgainst(original, options)(distorted);
}

/**
 * `ssimulacra` against one original for several distorted versions (a quality search): the
 * original's Lab planes are made once, and the buffers are reused from call to call. It holds
 * the Lab planes of both images at all scales, 16 bytes per pixel each (67 MB apiece at
 * 2048 × 2048), for as long as the returned function lives.
 *
 * @example const distance = ssimulacraAgainst(original); distance(atQ70); distance(atQ80);
 */
export function ssimulacraAgainst(
  original: Pixels,
  options: SsimulacraOptions = {},
): (distorted: Pixels) => number {
  const { width, height } = original;
  if (width < 8 || height < 8) {
    throw new RangeError(
      `Expected images of at least 8×8 pixels for ssimulacra but received ${width}×${height}`,
    );
  }
  checkBytes(original);
  const exact = options.exact === true;
  const sizes = scaleSizes(width, height);
  const reference = labPyramid(original, sizes, exact, allocate(sizes));
  // Made on the first call, reused by the next ones.
  let planes: Float32Array[] | undefined;
  let planeMaps: PlaneMaps | undefined;
  return (distorted) => {
    checkSameSize(original, distorted);
    checkBytes(distorted);
    const lab = (planes = labPyramid(distorted, sizes, exact, planes ?? allocate(sizes)));
    const maps = (planeMaps ??= new PlaneMaps(
      exact ? new ExactBlur(gaussian, width) : new FastBlur(gaussian, width),
      exact,
      width,
      height,
    ));
    const perScale: PlaneStats[][] = [];
    const edges: EdgeStats[] = [];
    sizes.forEach(([w, h], scale) => {
      const stats: PlaneStats[] = [];
      for (let c = 0; c < 3; c++) {
        const at = c * w * h;
        if (scale === 0) {
          const full = maps.compare(reference[0], lab[0], at, w, h, true);
          stats.push(full);
          edges.push(full);
        } else {
          stats.push(maps.compare(reference[scale], lab[scale], at, w, h));
        }
      }
      perScale.push(stats);
    });
    return score(perScale, edges);
  };
}

function checkSameSize(a: Pixels, b: Pixels): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new RangeError(
      `Expected images of the same size for ssimulacra but received ${a.width}×${a.height} ` +
        `and ${b.width}×${b.height}`,
    );
  }
}

function checkBytes({ data, width, height }: Pixels): void {
  if (data.length !== width * height * 4) {
    throw new RangeError(
      `Expected ${width * height * 4} bytes of RGBA for a ${width}×${height} image for ` +
        `ssimulacra but received ${data.length}`,
    );
  }
}

/**
 * The sizes of the scales ComputeDiff visits: each half the last (rounded up), up to six,
 * while the last is at least 8×8.
 */
function scaleSizes(width: number, height: number): [number, number][] {
  const sizes: [number, number][] = [[width, height]];
  while (sizes.length < scales) {
    const [w, h] = sizes[sizes.length - 1];
    if (w < 8 || h < 8) break;
    sizes.push([Math.ceil(w / 2), Math.ceil(h / 2)]);
  }
  return sizes;
}

function allocate(sizes: [number, number][]): Float32Array[] {
  return sizes.map(([w, h]) => new Float32Array(3 * w * h));
}

/** The image's Lab planes at every scale, written into `planes`. */
function labPyramid(
  image: Pixels,
  sizes: [number, number][],
  exact: boolean,
  planes: Float32Array[],
): Float32Array[] {
  toLab(image, planes[0], exact);
  for (let s = 1; s < sizes.length; s++) halve(planes[s - 1], ...sizes[s - 1], planes[s]);
  return planes;
}

/** tools/ssimulacra.cc Downsample(·, 2, 2): 2×2 means in float, the last row and column repeated. */
function halve(src: Float32Array, w: number, h: number, out: Float32Array): void {
  const w2 = Math.ceil(w / 2);
  const h2 = Math.ceil(h / 2);
  const pairs = w >> 1;
  for (let c = 0; c < 3; c++) {
    for (let oy = 0; oy < h2; oy++) {
      const r0 = c * w * h + 2 * oy * w;
      const r1 = c * w * h + Math.min(2 * oy + 1, h - 1) * w;
      const o = c * w2 * h2 + oy * w2;
      for (let ox = 0; ox < pairs; ox++) {
        const x = 2 * ox;
        const sum = fround(fround(src[r0 + x] + src[r0 + x + 1]) + src[r1 + x]) + src[r1 + x + 1];
        out[o + ox] = fround(sum) * 0.25;
      }
      if (pairs < w2) {
        const x = w - 1;
        const sum = fround(fround(src[r0 + x] + src[r0 + x]) + src[r1 + x]) + src[r1 + x];
        out[o + pairs] = fround(sum) * 0.25;
      }
    }
  }
}

/** tools/ssimulacra.cc Ssimulacra::Score (not the `-s` simple variant). */
function score(perScale: PlaneStats[][], edges: EdgeStats[]): number {
  let ssim = 0;
  let ssimMax = 0;
  for (let c = 0; c < 3; c++) {
    for (let s = 0; s < perScale.length; s++) {
      ssim += scaleWeights[s][c] * perScale[s][c].avgSsim;
      ssimMax += scaleWeights[s][c];
      ssim += minScaleWeights[s][c] * perScale[s][c].minSsim;
      ssimMax += minScaleWeights[s][c];
    }
    const e = edges[c];
    ssim += edgeWeights[c] * e.avgEdge;
    ssimMax += edgeWeights[c];
    ssim += gridWeights[c] * (e.rowP2[0] + e.rowP2[1] + e.colP2[0] + e.colP2[1]);
    ssimMax += 4 * gridWeights[c];
  }
  const dssim = ssimMax / ssim - 1;
  return Math.min(1, Math.max(0, dssim));
}
