import type { Sharp } from 'sharp';
import type { OutputSettings } from '../../shared/formats/index.js';
import { avif } from './avif.js';
import { jpeg } from './jpeg.js';
import { jxl } from './jxl.js';
import { png } from './png.js';
import type { WasmPool } from './wasm-pool.js';
import { webp } from './webp.js';

export interface Encoded {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * Runs the pipeline into the output format; one module per format maps the options. JPEG XL
 * is encoded on `wasm`, the others by sharp.
 */
export async function encode(
  pipeline: Sharp,
  output: OutputSettings,
  wasm?: WasmPool,
  signal?: AbortSignal,
): Promise<Encoded> {
  let configured: Sharp;
  switch (output.format) {
    case 'jxl':
      return jxl(pipeline, output.options, wasm, signal);
    case 'webp':
      configured = webp(pipeline, output.options);
      break;
    case 'jpeg':
      configured = jpeg(pipeline, output.options);
      break;
    case 'avif':
      configured = avif(pipeline, output.options);
      break;
    case 'png':
      configured = png(pipeline, output.options);
      break;
  }
  const { data, info } = await configured.toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}
