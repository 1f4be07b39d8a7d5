import type { FormatId, OutputSettings } from '../../../shared/formats/index.js';
import type { Pixels } from '../../../codecs/pixels.js';

// Each codec module is imported on first use, so a worker that only writes WebP never parses
// the AVIF or JPEG XL glue, and libheif (LGPL, ~2 MB) stays a chunk of its own.

type Decoder = { decode(bytes: Uint8Array): Promise<Pixels> };

// Per format, our own decoders to try in order (after the browser's, see convert.ts). AVIF has
// a second: the same libavif on a repaired container, for files its strict parser refuses and
// Chromium reads (Firefox refuses some of those too; avif-container.ts says which).
const wasmDecoders: Partial<Record<FormatId, (() => Promise<Decoder>)[]>> = {
  jpeg: [() => import('./jpeg.js')],
  png: [() => import('./png.js')],
  webp: [() => import('./webp.js')],
  avif: [
    () => import('./avif.js'),
    async () => ({ decode: (await import('./avif.js')).decodeRepaired }),
  ],
  jxl: [() => import('../../../codecs/jxl.js')],
  heic: [() => import('../../../codecs/heic.js')],
  // Plain JavaScript, not wasm: no browser but Safari decodes TIFF.
  tiff: [() => import('./tiff.js')],
};

/**
 * Whether a decoder of our own (wasm, or JavaScript for TIFF) exists for the format; GIF and
 * BMP rely on the browser's.
 */
export function hasWasmDecoder(format: FormatId): boolean {
  return format in wasmDecoders;
}

/**
 * Decodes with the format's own decoders (wasm, or JavaScript for TIFF), the next one only
 * when the one before failed; throws the first one's error when none reads the file (it says
 * most about a damaged file), and throws for GIF and BMP, which have none.
 */
export async function decodeWasm(format: FormatId, bytes: Uint8Array): Promise<Pixels> {
  const chain = wasmDecoders[format];
  if (!chain) throw new Error(`no ${format} decoder outside the browser`);
  let first: unknown;
  for (const load of chain) {
    try {
      return await (await load()).decode(bytes);
    } catch (e) {
      first ??= e;
    }
  }
  throw first;
}

/** Encodes with the codec the output settings name. */
export async function encodeWasm(image: Pixels, output: OutputSettings): Promise<Uint8Array> {
  switch (output.format) {
    case 'jpeg':
      return (await import('./jpeg.js')).encode(image, output.options);
    case 'png':
      return (await import('./png.js')).encode(image, output.options);
    case 'webp':
      return (await import('./webp.js')).encode(image, output.options);
    case 'avif':
      return (await import('./avif.js')).encode(image, output.options);
    case 'jxl':
      return (await import('../../../codecs/jxl.js')).encode(image, output.options);
  }
}
