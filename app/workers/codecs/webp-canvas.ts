import type { WebpOptions } from '../../../shared/formats/index.js';
import { riffChunks } from '../../../shared/metadata/riff.js';
import { stripWebp } from '../../../shared/metadata/strip-webp.js';
import { encode as encodeWasm } from './webp.js';

// Chromium's canvas encoder is libwebp at method 3, compiled natively: for opaque images it
// writes the very VP8 bytes jSquash writes at effort 3, in ~0.7× the time (docs/BENCHMARKS.md).
// It takes no other options, tags its files with an sRGB profile, codes alpha differently and
// turns lossless at quality 1. So it is used only where this engine is seen to match jSquash
// byte for byte: checked once per quality, in each worker, on a small test card.

/** The only libwebp method a canvas encodes with (Chromium, measured). */
const canvasEffort = 3;

const verdicts = new Map<number, Promise<boolean>>();

/** Whether `encodeOnCanvas` may stand in for jSquash with these options. */
export function canvasEncodes(options: WebpOptions): Promise<boolean> {
  if (
    options.lossless ||
    options.effort !== canvasEffort ||
    options.quality >= 100 ||
    typeof OffscreenCanvas !== 'function' ||
    typeof OffscreenCanvas.prototype.convertToBlob !== 'function'
  ) {
    return Promise.resolve(false);
  }
  let verdict = verdicts.get(options.quality);
  if (!verdict) {
    verdict = matchesWasm(options).catch(() => false);
    verdicts.set(options.quality, verdict);
  }
  return verdict;
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

async function matchesWasm(options: WebpOptions): Promise<boolean> {
  const canvas = testCard();
  const ctx = canvas.getContext('2d');
  if (!ctx) return false;
  const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
  const [ours, theirs] = await Promise.all([
    encodeWasm(image, options),
    encodeOnCanvas(canvas, options),
  ]);
  return theirs !== null && ours.length === theirs.length && ours.every((b, i) => b === theirs[i]);
}

/** An opaque 96 × 64 card with gradients, edges and noise, so every coding tool has work. */
function testCard(): OffscreenCanvas {
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
  const canvas = new OffscreenCanvas(width, height);
  canvas.getContext('2d')?.putImageData(new ImageData(data, width, height), 0, 0);
  return canvas;
}
