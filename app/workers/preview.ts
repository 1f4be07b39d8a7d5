import type { FormatId } from '../../shared/formats/index.js';
import { decodeFailure } from '../../shared/codec-errors.js';
import { limits } from '../../shared/limits.js';
import type { Pixels } from '../../codecs/pixels.js';
import { decodeWasm, hasWasmDecoder } from './codecs/index.js';
import { admit, decoderOrients } from './convert.js';
import { drawOnCanvas } from './pipeline/canvas.js';
import { decodeInBrowser } from './pipeline/decode-browser.js';
import { orient } from './pipeline/orient.js';
import { fitWithin, type Size } from './pipeline/preview-size.js';

/** An image decoded upright and scaled down for display. */
export interface Fitted {
  bitmap: ImageBitmap;
  format: FormatId;
  /** The image's full upright size (the bitmap may be smaller). */
  width: number;
  height: number;
}

/**
 * Decodes `blob` upright and no larger than `fit` says, with the conversion's own steps: the
 * same admission check, the browser's decoder and scaler first (Safari reads HEIC this way),
 * else the wasm decoder and the browser's scaler on its pixels. Any format the app converts
 * can be shown, whatever `<img>` reads in this browser.
 */
export async function decodeFitted(blob: Blob, fit: (full: Size) => Size): Promise<Fitted> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const { format, label, orientation, header } = admit(bytes, limits.maxInputPixels);
  let browserError: unknown;
  try {
    const decoded = await decodeInBrowser(blob, format, orientation, header, (width, height) => ({
      ...fit({ width, height }),
      crop: null,
    }));
    const { width, height } = decoded;
    let bitmap = await toBitmap(decoded.image);
    // Chromium keeps the orientation it applied as a flag on the bitmap, which a
    // 'bitmaprenderer' canvas ignores (the compare view showed such photos on their side):
    // draw it, which turns the pixels themselves.
    if (orientation !== 1 && decoded.image === bitmap) bitmap = redraw(bitmap);
    return { bitmap, format, width, height };
  } catch (e) {
    // Chromium reads no HEIC or JPEG XL: the wasm decoder's turn.
    browserError = e;
  }
  if (!hasWasmDecoder(format)) throw decodeFailure(label, browserError);
  let pixels: Pixels;
  try {
    pixels = await decodeWasm(format, bytes);
  } catch (e) {
    throw decodeFailure(label, e);
  }
  if (!decoderOrients.has(format)) pixels = orient(pixels, orientation);
  const { width, height } = pixels;
  return { bitmap: await toBitmap(pixels, fit({ width, height })), format, width, height };
}

function redraw(bitmap: ImageBitmap): ImageBitmap {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) return bitmap;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return canvas.transferToImageBitmap();
}

async function toBitmap(image: ImageBitmap | Pixels, size?: Size): Promise<ImageBitmap> {
  const same = !size || (size.width === image.width && size.height === image.height);
  if (image instanceof ImageBitmap && same) return image;
  const source =
    image instanceof ImageBitmap
      ? image
      : new ImageData(image.data as Uint8ClampedArray<ArrayBuffer>, image.width, image.height);
  try {
    return await createImageBitmap(
      source,
      same ? {} : { resizeWidth: size.width, resizeHeight: size.height, resizeQuality: 'high' },
    );
  } finally {
    if (image instanceof ImageBitmap) image.close();
  }
}

export interface Thumbnail {
  blob: Blob;
  width: number;
  height: number;
}

/**
 * A small picture of `input` for its queue row: at most `longSide` px on its long side,
 * WebP (JPEG where the canvas writes no WebP, as Safari's answers PNG), modest quality: a
 * 192 px photo is a few kB.
 */
export async function makeThumbnail(input: Blob, longSide: number): Promise<Thumbnail> {
  const { bitmap } = await decodeFitted(input, (full) => fitWithin(full, { longSide }));
  const canvas = drawOnCanvas(bitmap);
  let blob = await canvas.convertToBlob({ type: 'image/webp', quality: 0.7 });
  if (blob.type !== 'image/webp') {
    blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.75 });
  }
  return { blob, width: canvas.width, height: canvas.height };
}

export interface Preview extends Fitted {
  /** The bitmap's size: the full size unless the image is over `maxPixels`. */
  shownWidth: number;
  shownHeight: number;
}

/** `input` upright at full size, or scaled to `maxPixels` when larger, for the compare view. */
export async function renderPreview(input: Blob, maxPixels: number): Promise<Preview> {
  const fitted = await decodeFitted(input, (full) => fitWithin(full, { maxPixels }));
  return { ...fitted, shownWidth: fitted.bitmap.width, shownHeight: fitted.bitmap.height };
}
