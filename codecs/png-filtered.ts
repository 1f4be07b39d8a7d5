import { concatBytes } from '../shared/headers/bytes.js';
import { pngSignature } from '../shared/sniff.js';
import { pngChunk } from '../shared/structure/png.js';
import type { Pixels } from './pixels.js';

/**
 * A fast lossless PNG writer: the fewest channels the pixels need (grey, grey + alpha, RGB or
 * RGBA, 8 bits), each row under the PNG filter whose output has the least sum of absolute
 * values (libpng's adaptive heuristic), and the rows deflated by `deflate` — the platform's own
 * zlib (CompressionStream) where there is one. On 12 MP photos it writes files about as small
 * as OxiPNG level 0 in a fraction of its time (docs/BENCHMARKS.md).
 *
 * `deflate` must return a zlib stream (RFC 1950), as PNG's IDAT holds.
 */
export async function encodeFilteredPng(
  image: Pixels,
  deflate: (raw: Uint8Array) => Promise<Uint8Array>,
): Promise<Uint8Array> {
  const { width, height } = image;
  const { colourType, channels } = layout(image.data);
  const packed = pack(image.data, channels);
  const idat = await deflate(filterRows(packed, width, height, channels));
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr[8] = 8; // bits per sample
  ihdr[9] = colourType; // compression, filter method and interlace stay 0
  return concatBytes([
    pngSignature,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND'),
  ]);
}

/** PNG colour types: 0 grey, 2 RGB, 4 grey + alpha, 6 RGBA. */
function layout(rgba: Uint8ClampedArray): { colourType: 0 | 2 | 4 | 6; channels: number } {
  let opaque = true;
  let grey = true;
  for (let i = 0; i < rgba.length && (opaque || grey); i += 4) {
    if (rgba[i + 3] !== 255) opaque = false;
    if (rgba[i] !== rgba[i + 1] || rgba[i] !== rgba[i + 2]) grey = false;
  }
  if (grey) return opaque ? { colourType: 0, channels: 1 } : { colourType: 4, channels: 2 };
  return opaque ? { colourType: 2, channels: 3 } : { colourType: 6, channels: 4 };
}

/** The RGBA samples with only the channels kept (grey keeps R, grey + alpha R and A). */
function pack(rgba: Uint8ClampedArray, channels: number): Uint8Array {
  if (channels === 4) return new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.length);
  const pixels = rgba.length / 4;
  const out = new Uint8Array(pixels * channels);
  for (let p = 0, i = 0, o = 0; p < pixels; p++, i += 4) {
    if (channels === 3) {
      out[o++] = rgba[i];
      out[o++] = rgba[i + 1];
      out[o++] = rgba[i + 2];
    } else {
      out[o++] = rgba[i];
      if (channels === 2) out[o++] = rgba[i + 3];
    }
  }
  return out;
}

const magnitude = (v: number) => (v < 128 ? v : 256 - v);

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * Each row behind its filter-type byte, filtered by the type (None, Sub, Up, Average, Paeth)
 * whose bytes sum smallest as signed values. The sums are taken in one pass; only the chosen
 * filter is written.
 */
export function filterRows(
  samples: Uint8Array,
  width: number,
  height: number,
  bpp: number,
): Uint8Array {
  const stride = width * bpp;
  const out = new Uint8Array((stride + 1) * height);
  const none = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    const up = y > 0 ? samples.subarray(row - stride, row) : none;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    for (let i = 0; i < stride; i++) {
      const x = samples[row + i];
      const a = i >= bpp ? samples[row + i - bpp] : 0;
      const b = up[i];
      const c = i >= bpp ? up[i - bpp] : 0;
      s0 += magnitude(x);
      s1 += magnitude((x - a) & 0xff);
      s2 += magnitude((x - b) & 0xff);
      s3 += magnitude((x - ((a + b) >> 1)) & 0xff);
      s4 += magnitude((x - paeth(a, b, c)) & 0xff);
    }
    let type = 0;
    let best = s0;
    if (s1 < best) [type, best] = [1, s1];
    if (s2 < best) [type, best] = [2, s2];
    if (s3 < best) [type, best] = [3, s3];
    if (s4 < best) type = 4;
    const at = y * (stride + 1);
    out[at] = type;
    for (let i = 0; i < stride; i++) {
      const x = samples[row + i];
      const a = i >= bpp ? samples[row + i - bpp] : 0;
      const b = up[i];
      const predicted =
        type === 0
          ? 0
          : type === 1
            ? a
            : type === 2
              ? b
              : type === 3
                ? (a + b) >> 1
                : paeth(a, b, i >= bpp ? up[i - bpp] : 0);
      out[at + 1 + i] = (x - predicted) & 0xff;
    }
  }
  return out;
}
