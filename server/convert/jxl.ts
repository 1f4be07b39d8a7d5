import type { Sharp } from 'sharp';
import type { JxlOptions } from '../../shared/formats/index.js';
import { encodeJxlImage } from './wasm.js';

/**
 * JPEG XL: sharp's prebuilt libvips has no libjxl (`sharp.format.jxl.output` is all false),
 * so sharp hands over RGBA pixels and jSquash's libjxl wasm encodes them.
 */
export async function jxl(
  pipeline: Sharp,
  o: JxlOptions,
): Promise<{ data: Uint8Array; width: number; height: number }> {
  const { data, info } = await pipeline.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const pixels = new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
  const out = await encodeJxlImage({ data: pixels, width: info.width, height: info.height }, o);
  return { data: out, width: info.width, height: info.height };
}
