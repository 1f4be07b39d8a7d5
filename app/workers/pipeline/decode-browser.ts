import type { FormatId } from '../../../shared/formats/index.js';
import type { ResizePlan } from '../../../shared/resize-plan.js';
import { browserOrients } from './browser-orientation.js';
import { orient, swapsAxes } from './orient.js';
import { canvasPixels, drawOnCanvas } from './canvas.js';
import type { Pixels } from '../../../codecs/pixels.js';
import { crop } from './resize.js';
import { decodeJpegScaled } from './decode-scaled.js';

/** Formats every engine we target decodes natively (Chromium, Firefox and Safari alike). */
const browserFormats: ReadonlySet<FormatId> = new Set([
  'jpeg',
  'png',
  'webp',
  'avif',
  'gif',
  'bmp',
]);

/** Whether this format can take the createImageBitmap path here (never in Node). */
export function canDecodeInBrowser(format: FormatId): boolean {
  return (
    browserFormats.has(format) &&
    typeof createImageBitmap === 'function' &&
    typeof OffscreenCanvas === 'function'
  );
}

export interface BrowserDecoded {
  /**
   * Upright, cropped and scaled as planned: still the decoder's bitmap when the engine left
   * nothing to turn or cut (the caller owns it then: an encoder that takes a bitmap needs no
   * read-back), else read back.
   */
  image: ImageBitmap | Pixels;
  /** The image's upright size before resizing. */
  width: number;
  height: number;
}

/**
 * Decodes and scales in one go with the browser's own decoder and scaler, 3–4× faster than
 * wasm decode + wasm resize, then turns upright and crops.
 *
 * `orientation` is the file's (EXIF 1..8); the engine applies it or not depending on engine
 * and format (browser-orientation.ts), and whatever it leaves is done here on the already
 * scaled pixels. `upright` is the upright size from the header when known, which lets the
 * decoder scale while decoding. `plan` gets the upright size and returns the resize plan; it
 * may throw to stop before any pixels are drawn (the size check when the header had no size).
 *
 * The crop is never handed to createImageBitmap: whether its sx/sy/sw/sh are in stored or
 * oriented coordinates is unsettled (whatwg/html#8118, #11234). The whole image is scaled so
 * the crop lands at the target size, and the crop is cut from the upright pixels.
 */
export async function decodeInBrowser(
  blob: Blob,
  format: FormatId,
  orientation: number,
  upright: { width: number; height: number } | undefined,
  plan: (width: number, height: number) => ResizePlan,
): Promise<BrowserDecoded> {
  const base: ImageBitmapOptions = { imageOrientation: 'from-image' };
  // What the engine leaves for us to turn.
  const left = (await browserOrients(format)) ? 1 : orientation;
  const swap = swapsAxes(left);
  let source: ImageBitmap | undefined;
  if (!upright) {
    source = await createImageBitmap(blob, base);
    upright = swap
      ? { width: source.height, height: source.width }
      : { width: source.width, height: source.height };
  }
  try {
    const p = plan(upright.width, upright.height);
    const region = p.crop ?? { x: 0, y: 0, width: upright.width, height: upright.height };
    const sx = p.width / region.width;
    const sy = p.height / region.height;
    // The whole upright image at the scale that brings the crop to the target size…
    const fullW = Math.max(1, Math.round(upright.width * sx));
    const fullH = Math.max(1, Math.round(upright.height * sy));
    const scaled = fullW !== upright.width || fullH !== upright.height;
    // A JPEG shrinks while it decodes where the engine can (decode-scaled.ts).
    const shrunk =
      scaled && format === 'jpeg' && !source
        ? await decodeJpegScaled(blob, upright, fullW, fullH, orientation)
        : null;
    // What is still to turn, and the size the bitmap must have before that.
    const turn = shrunk ? shrunk.turn : left;
    const w = swapsAxes(turn) ? fullH : fullW;
    const h = swapsAxes(turn) ? fullW : fullH;
    const bitmap =
      shrunk?.bitmap ??
      (scaled
        ? await createImageBitmap(source ?? blob, {
            ...base,
            resizeWidth: w,
            resizeHeight: h,
            resizeQuality: 'high',
          })
        : (source ?? (await createImageBitmap(blob, base))));
    if (bitmap.width !== w || bitmap.height !== h) {
      if (bitmap !== source) bitmap.close();
      // The header and the decoder disagree, or the engine turned what the probe said it
      // would not: let the wasm path decide.
      throw new Error(
        `the browser decoded ${bitmap.width} × ${bitmap.height} px, expected ${w} × ${h}`,
      );
    }
    if (bitmap === source) source = undefined; // handed on: not closed below
    if (turn === 1 && !p.crop) {
      return { image: bitmap, width: upright.width, height: upright.height };
    }
    let pixels = orient(canvasPixels(drawOnCanvas(bitmap)), turn);
    if (p.crop) {
      const at = { x: Math.round(region.x * sx), y: Math.round(region.y * sy) };
      pixels = crop(pixels, { ...at, width: p.width, height: p.height });
    }
    return { image: pixels, width: upright.width, height: upright.height };
  } finally {
    source?.close();
  }
}
