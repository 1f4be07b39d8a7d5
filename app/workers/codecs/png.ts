import decodePng, { init as initPng } from '@jsquash/png/decode.js';
import encodePng from '@jsquash/png/encode.js';
import optimise, { init as initOxipng } from '@jsquash/oxipng/optimise.js';
import type { PngOptions } from '../../../shared/formats/index.js';
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

export async function encode(image: Pixels, options: PngOptions): Promise<Uint8Array> {
  const plain = await encodePng(ownBuffer(image) as ImageData);
  // The plain encoder cannot interlace, so interlacing goes through OxiPNG even at effort 0
  // (level 0 is its cheapest preset).
  if (options.effort === 0 && !options.interlace) return new Uint8Array(plain);
  const out = await optimise(plain, {
    // OxiPNG's -o level 0..6 is our effort.
    level: options.effort,
    interlace: options.interlace,
  });
  return new Uint8Array(out);
}
