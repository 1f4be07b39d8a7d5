import type { Pixels } from '../../../codecs/pixels.js';

/**
 * A 2D canvas with the bitmap drawn on it; the bitmap is closed. (Handing the bitmap to a
 * 'bitmaprenderer' canvas would skip this copy, but Chromium's WebP encoder then writes other
 * bytes for the same pixels — measured — so the canvas encoder's check would not cover it.)
 */
export function drawOnCanvas(bitmap: ImageBitmap): OffscreenCanvas {
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('no 2D canvas in this worker');
    ctx.drawImage(bitmap, 0, 0);
    return canvas;
  } finally {
    bitmap.close();
  }
}

/** The canvas's pixels, read back. */
export function canvasPixels(canvas: OffscreenCanvas): Pixels {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2D canvas in this worker');
  const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return { data, width: canvas.width, height: canvas.height };
}
