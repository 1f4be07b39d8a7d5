import type { WebpOptions } from '../../../shared/formats/index.js';
import { riffChunks } from '../../../shared/metadata/riff.js';
import { stripWebp } from '../../../shared/metadata/strip-webp.js';
import { drawOnCanvas } from '../pipeline/canvas.js';
import { encode as encodeWasm } from './webp.js';

// A canvas's WebP encoder is libwebp compiled natively, at one method the engine chose:
// Chromium's writes for opaque images the very VP8 bytes jSquash writes at effort 3, in 0.77×
// the time, and Firefox's those of effort 4 (docs/BENCHMARKS.md). It takes no other options,
// tags its files with an sRGB profile, codes alpha differently and turns lossless at quality
// 100. So it is used only where this engine is seen to match jSquash byte for byte at the
// asked quality and effort: checked once per pair, in each worker, on a small test card.

/**
 * Where the browser's encoder may take over from jSquash: nowhere; from a 2D canvas the image
 * is drawn on; or also from a 'bitmaprenderer' canvas handed the decoded bitmap itself, which
 * saves drawing a copy (~14 ms for 3 MP).
 */
export type CanvasRoute = 'none' | 'drawn' | 'bitmap';

const verdicts = new Map<string, Promise<CanvasRoute>>();

/** Whether, and how, `encodeOnCanvas` may stand in for jSquash with these options. */
export function canvasRoute(options: WebpOptions): Promise<CanvasRoute> {
  if (
    options.lossless ||
    options.quality >= 100 ||
    typeof OffscreenCanvas !== 'function' ||
    typeof OffscreenCanvas.prototype.convertToBlob !== 'function'
  ) {
    return Promise.resolve('none');
  }
  const key = `${options.quality}/${options.effort}`;
  let verdict = verdicts.get(key);
  if (!verdict) {
    verdict = check(options).catch(() => 'none' as const);
    verdicts.set(key, verdict);
  }
  return verdict;
}

/**
 * A canvas holding the bitmap without a copy; the bitmap is detached, and
 * `canvas.transferToImageBitmap()` gives it back. Only for bitmaps the engine did not turn:
 * from one it turned upright by EXIF orientation Chromium encodes other bytes (measured).
 */
export function bitmapCanvas(bitmap: ImageBitmap): OffscreenCanvas {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('bitmaprenderer');
  if (!ctx) throw new Error('no bitmap canvas in this worker');
  ctx.transferFromImageBitmap(bitmap);
  return canvas;
}

/**
 * The canvas as WebP from the browser's encoder, or null when the result is not what jSquash
 * would write: not WebP at all (Safari answers PNG), or with an alpha chunk.
 */
export async function encodeOnCanvas(
  canvas: OffscreenCanvas,
  options: WebpOptions,
): Promise<Uint8Array | null> {
  const blob = await canvas.convertToBlob({ type: 'image/webp', quality: options.quality / 100 });
  if (blob.type !== 'image/webp') return null;
  const bytes = stripWebp(new Uint8Array(await blob.arrayBuffer()));
  if (!bytes || riffChunks(bytes)?.some((c) => c.type === 'ALPH')) return null;
  return bytes;
}

async function check(options: WebpOptions): Promise<CanvasRoute> {
  const image = testCard();
  const ours = await encodeWasm(image, options);
  const same = (theirs: Uint8Array | null) =>
    theirs !== null && theirs.length === ours.length && theirs.every((b, i) => b === ours[i]);
  const card = () => createImageBitmap(image);
  if (!same(await encodeOnCanvas(drawOnCanvas(await card()), options))) return 'none';
  try {
    return same(await encodeOnCanvas(bitmapCanvas(await card()), options)) ? 'bitmap' : 'drawn';
  } catch {
    return 'drawn'; // no 'bitmaprenderer' canvas here
  }
}

/** An opaque 96 × 64 card with gradients, edges and noise, so every coding tool has work. */
function testCard(): ImageData {
  const width = 96;
  const height = 64;
  const data = new Uint8ClampedArray(width * height * 4);
  let seed = 7;
  const noise = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24) - 128;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const edge = (x >> 4) % 2 === (y >> 4) % 2 ? 60 : 0;
      data[i] = x * 2 + edge + (noise() >> 3);
      data[i + 1] = y * 3 + (noise() >> 2);
      data[i + 2] = 255 - x - y + edge;
      data[i + 3] = 255;
    }
  }
  return new ImageData(data, width, height);
}
