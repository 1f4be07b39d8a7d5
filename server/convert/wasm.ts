import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as jxl from '../../codecs/jxl.js';
import type { Pixels } from '../../codecs/pixels.js';
import type { JxlOptions } from '../../shared/formats/index.js';
import { provideImageData } from './image-data.js';

// JPEG XL through the same jSquash adapter as the app's workers (codecs/jxl.ts), which sharp's
// prebuilt libvips lacks (no libjxl). HEIC (no HEVC decoder either) uses codecs/heic.ts. Both
// run on the calling thread, as in the app's workers.

const require = createRequire(import.meta.url);

/** RGBA pixels, the shape jSquash and libheif use. */
export type Rgba = Pixels;

// lib ES2022 without DOM declares no WebAssembly value; Node has it.
const { WebAssembly: wasm } = globalThis as unknown as {
  WebAssembly: { compile(bytes: Uint8Array): Promise<WebAssembly.Module> };
};
const compile = (specifier: string) => wasm.compile(readFileSync(require.resolve(specifier)));

let jxlReady: Promise<void> | undefined;

/** Instantiates libjxl once; Node cannot fetch the wasm the way the browser build does. */
function ready(): Promise<void> {
  provideImageData();
  jxlReady ??= (async () => {
    const [decode, encode] = await Promise.all([
      compile('@jsquash/jxl/codec/dec/jxl_dec.wasm'),
      // The single-thread build: what jSquash picks without wasm threads.
      compile('@jsquash/jxl/codec/enc/jxl_enc.wasm'),
    ]);
    await jxl.init({ decode, encode });
  })();
  return jxlReady;
}

/** Decodes JPEG XL to RGBA; libjxl applies the codestream orientation itself. */
export async function decodeJxlImage(bytes: Uint8Array): Promise<Rgba> {
  await ready();
  return jxl.decode(bytes);
}

/** Encodes RGBA as JPEG XL; our option names are libjxl's (cjxl -e, -q). */
export async function encodeJxlImage(image: Rgba, o: JxlOptions): Promise<Uint8Array> {
  await ready();
  return jxl.encode(image, o);
}
