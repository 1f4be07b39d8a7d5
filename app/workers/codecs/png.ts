import decodePng, { init as initPng } from '@jsquash/png/decode.js';
import encodePng from '@jsquash/png/encode.js';
import optimise, { init as initOxipng } from '@jsquash/oxipng/optimise.js';
import type { PngOptions } from '../../../shared/formats/index.js';
import { encodeFilteredPng } from '../../../codecs/png-filtered.js';
import { exactBuffer, ownBuffer, type Pixels } from '../../../codecs/pixels.js';

export interface PngWasm {
  /** squoosh_png_bg.wasm: one module serves both decode and encode. */
  png?: WebAssembly.Module;
  /** squoosh_oxipng_bg.wasm (the single-thread build under pkg/). */
  oxipng?: WebAssembly.Module;
}

/** Instantiates the PNG and OxiPNG wasm now; browsers may skip this (they load on first use). */
export async function init(wasm: PngWasm = {}): Promise<void> {
  // decode.js and encode.js import the same wasm-bindgen glue, so one init serves both.
  if (wasm.png) await initPng(wasm.png);
  if (wasm.oxipng) await initOxipng(wasm.oxipng);
}

/** Decodes any PNG variant (palette, grey, 16-bit, interlaced) to 8-bit RGBA. */
export async function decode(bytes: Uint8Array): Promise<Pixels> {
  return decodePng(exactBuffer(bytes));
}

/**
 * Effort 0: each row's best filter and the browser's own zlib (codecs/png-filtered.ts), as
 * small as OxiPNG level 0 in a fraction of its time. Above 0, and for interlacing, which only
 * OxiPNG writes: OxiPNG at that level over jSquash's plain encoding.
 */
export async function encode(image: Pixels, options: PngOptions): Promise<Uint8Array> {
  if (options.effort === 0 && !options.interlace) {
    return encodeFilteredPng(image, platformDeflate);
  }
  const plain = await encodePng(ownBuffer(image) as ImageData);
  const out = await optimise(plain, {
    // OxiPNG's -o level 1..6 is our effort (0 only when interlacing).
    level: options.effort,
    interlace: options.interlace,
  });
  return new Uint8Array(out);
}

/** zlib (RFC 1950) by the browser's CompressionStream: native code, not wasm. */
async function platformDeflate(raw: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([raw as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
