import resize, { initResize } from '@jsquash/resize';
import type { ResizeMethod } from '../../../shared/presets/index.js';
import type { ResizePlan } from '../../../shared/resize-plan.js';
import { ownBuffer, type Pixels } from '../../../codecs/pixels.js';
import { canvasPixels, drawOnCanvas } from './canvas.js';

/** Instantiates the Squoosh resize wasm now (squoosh_resize_bg.wasm); browsers may skip this. */
export async function init(module?: WebAssembly.Module): Promise<void> {
  await initResize(module);
}

/** Copies the rectangle out; it is clamped to the image, so a bad rectangle cannot overrun. */
export function crop(image: Pixels, rect: NonNullable<ResizePlan['crop']>): Pixels {
  const x = Math.max(0, Math.min(image.width - 1, Math.round(rect.x)));
  const y = Math.max(0, Math.min(image.height - 1, Math.round(rect.y)));
  const width = Math.max(1, Math.min(image.width - x, Math.round(rect.width)));
  const height = Math.max(1, Math.min(image.height - y, Math.round(rect.height)));
  if (x === 0 && y === 0 && width === image.width && height === image.height) return image;
  const out = new Uint8ClampedArray(width * height * 4);
  for (let row = 0; row < height; row++) {
    const start = ((y + row) * image.width + x) * 4;
    out.set(image.data.subarray(start, start + width * 4), row * width * 4);
  }
  return { data: out, width, height };
}

/**
 * Crops then scales as planned. 'auto' is the browser's own scaler where there is one, as on
 * the createImageBitmap path (decode-browser.ts): for pixels a wasm decoder made (HEIC, TIFF,
 * JPEG XL…) it takes ~60 ms where the wasm Lanczos3 takes ~650 from 12 MP to 1600 px
 * (docs/BENCHMARKS.md). Elsewhere (Node) 'auto' is Lanczos3, and a named filter always is
 * the wasm resizer's.
 */
export async function applyPlan(
  image: Pixels,
  plan: ResizePlan,
  method: ResizeMethod,
): Promise<Pixels> {
  const cropped = plan.crop ? crop(image, plan.crop) : image;
  if (cropped.width === plan.width && cropped.height === plan.height) return cropped;
  if (method === 'auto' && hasBrowserScaler()) {
    return browserScale(cropped, plan.width, plan.height);
  }
  // jSquash reads `new Uint8Array(data.buffer)`, so the pixels must own their buffer.
  const out = await resize(ownBuffer(cropped) as ImageData, {
    width: plan.width,
    height: plan.height,
    method: method === 'auto' ? 'lanczos3' : method,
    // Stretch to exactly the planned size; planResize already chose the aspect ratio.
    fitMethod: 'stretch',
    // Squoosh's defaults: blend in linear light, and premultiply so transparent pixels'
    // hidden colours do not bleed into their neighbours.
    premultiply: true,
    linearRGB: true,
  });
  return { data: out.data, width: out.width, height: out.height };
}

function hasBrowserScaler(): boolean {
  return (
    typeof createImageBitmap === 'function' &&
    typeof OffscreenCanvas === 'function' &&
    typeof ImageData === 'function'
  );
}

async function browserScale(image: Pixels, width: number, height: number): Promise<Pixels> {
  const data = ownBuffer(image).data as Uint8ClampedArray<ArrayBuffer>;
  const bitmap = await createImageBitmap(new ImageData(data, image.width, image.height), {
    resizeWidth: width,
    resizeHeight: height,
    resizeQuality: 'high',
  });
  return canvasPixels(drawOnCanvas(bitmap));
}
