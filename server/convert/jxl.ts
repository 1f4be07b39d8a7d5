import type { Sharp } from 'sharp';
import type { JxlOptions } from '../../shared/formats/index.js';
import { causeOf } from '../../shared/codec-errors.js';
import { WorkerLost, type WasmPool } from './wasm-pool.js';
import { encodeJxlOnPool } from './wasm-tasks.js';

/**
 * JPEG XL: sharp's prebuilt libvips has no libjxl (`sharp.format.jxl.output` is all false),
 * so sharp hands over RGBA pixels and jSquash's libjxl wasm encodes them on the wasm pool.
 */
export async function jxl(
  pipeline: Sharp,
  o: JxlOptions,
  wasm?: WasmPool,
  signal?: AbortSignal,
): Promise<{ data: Uint8Array; width: number; height: number }> {
  const { data, info } = await pipeline.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const pixels = new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
  const image = { data: pixels, width: info.width, height: info.height };
  try {
    const out = await encodeJxlOnPool(wasm, image, o, signal);
    return { data: out, width: info.width, height: info.height };
  } catch (e) {
    if (signal?.aborted || e instanceof WorkerLost) throw e;
    // Named as the encoder's, so convertImage reports it as an encode failure (its errors
    // are told apart by their text: libvips decodes while the pipeline runs).
    throw new Error(`libjxl could not encode the image (${causeOf(e)})`, { cause: e });
  }
}
