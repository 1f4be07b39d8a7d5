import decodeJxl, { init as initJxlDecoder } from '@jsquash/jxl/decode.js';
import encodeJxl, { init as initJxlEncoder } from '@jsquash/jxl/encode.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { JxlOptions } from '../../shared/formats/index.js';
import { provideImageData } from './image-data.js';

// JPEG XL through wasm, which sharp's prebuilt libvips lacks (no libjxl). HEIC (no HEVC
// decoder either) uses the app's own libheif codec, app/workers/codecs/heic.ts. Both run on the
// calling thread, as in the app's workers.

const require = createRequire(import.meta.url);

/** RGBA pixels, the shape jSquash and libheif use. */
export interface Rgba {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

// lib ES2022 without DOM declares no WebAssembly; Node has it.
const wasm = (globalThis as unknown as { WebAssembly: { compile(b: Uint8Array): Promise<object> } })
  .WebAssembly;
const compile = (specifier: string) => wasm.compile(readFileSync(require.resolve(specifier)));

let jxlReady: Promise<void> | undefined;

/** Instantiates libjxl once; Node cannot fetch the wasm the way the browser build does. */
function jxl(): Promise<void> {
  provideImageData();
  jxlReady ??= (async () => {
    const [dec, enc] = await Promise.all([
      compile('@jsquash/jxl/codec/dec/jxl_dec.wasm'),
      // The single-thread build: what jSquash picks without wasm threads.
      compile('@jsquash/jxl/codec/enc/jxl_enc.wasm'),
    ]);
    await initJxlDecoder(dec as never);
    await initJxlEncoder(enc as never);
  })();
  return jxlReady;
}

const exact = (b: Uint8Array): ArrayBuffer =>
  (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength
    ? b.buffer
    : b.slice().buffer) as ArrayBuffer;

/** Decodes JPEG XL to RGBA; libjxl applies the codestream orientation itself. */
export async function decodeJxlImage(bytes: Uint8Array): Promise<Rgba> {
  await jxl();
  return decodeJxl(exact(bytes));
}

/** Encodes RGBA as JPEG XL; our option names are libjxl's (cjxl -e, -q). */
export async function encodeJxlImage(image: Rgba, o: JxlOptions): Promise<Uint8Array> {
  await jxl();
  const out = await encodeJxl(image as never, {
    effort: o.effort,
    quality: o.quality,
    lossless: o.lossless,
  });
  return new Uint8Array(out);
}
