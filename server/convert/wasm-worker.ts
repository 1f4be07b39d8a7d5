import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as heic from '../../codecs/heic.js';
import * as jxl from '../../codecs/jxl.js';
import { ButteraugliComparator } from '../../codecs/metrics/butteraugli.js';
import { ownBuffer, type Pixels } from '../../codecs/pixels.js';
import { decodeBmp } from './bmp.js';
import { provideImageData } from './image-data.js';
import { serveTasks } from './wasm-protocol.js';
import type { ButteraugliTask, DecodeTask, EncodeJxlTask, PoolDecoded } from './wasm-tasks.js';

// A WasmPool worker thread. Each wasm module is compiled on the first job that needs it, so a
// worker that only reads HEIC never compiles libjxl.

const require = createRequire(import.meta.url);
// lib ES2022 without DOM declares no WebAssembly value; Node has it.
const { WebAssembly: wasm } = globalThis as unknown as {
  WebAssembly: { compile(bytes: Uint8Array): Promise<WebAssembly.Module> };
};
const compile = (specifier: string) => wasm.compile(readFileSync(require.resolve(specifier)));

let jxlDecoder: Promise<void> | undefined;
let jxlEncoder: Promise<void> | undefined;

const decoders: Record<PoolDecoded, (bytes: Uint8Array) => Promise<Pixels>> = {
  heic: (bytes) => heic.decode(bytes),
  jxl: async (bytes) => {
    jxlDecoder ??= compile('@jsquash/jxl/codec/dec/jxl_dec.wasm').then((m) =>
      jxl.init({ decode: m }),
    );
    await jxlDecoder;
    return jxl.decode(bytes);
  },
  bmp: async (bytes) => decodeBmp(bytes),
};

/**
 * The last reference scored against: a quality search scores one image several times. It holds
 * some 100 bytes a pixel, so it is let go after a while unused.
 */
let comparator: { key: string; value: ButteraugliComparator } | undefined;
let forget: ReturnType<typeof setTimeout> | undefined;

provideImageData();
serveTasks({
  decode: async ({ format, bytes }: DecodeTask) => {
    const image = ownBuffer(await decoders[format](bytes));
    const { width, height } = image;
    return { value: image, transfer: [image.data.buffer as ArrayBuffer], pixels: width * height };
  },
  butteraugli: async ({ key, reference, distorted }: ButteraugliTask) => {
    if (comparator?.key !== key) {
      comparator = undefined;
      comparator = { key, value: new ButteraugliComparator(reference) };
    }
    clearTimeout(forget);
    forget = setTimeout(() => (comparator = undefined), 10_000);
    forget.unref();
    return {
      value: comparator.value.compare(distorted),
      pixels: reference.width * reference.height,
    };
  },
  'encode-jxl': async ({ image, options }: EncodeJxlTask) => {
    // The single-thread build: what jSquash picks without wasm threads.
    jxlEncoder ??= compile('@jsquash/jxl/codec/enc/jxl_enc.wasm').then((m) =>
      jxl.init({ encode: m }),
    );
    await jxlEncoder;
    const out = await jxl.encode(image, options);
    const bytes = out.byteLength === out.buffer.byteLength ? out : out.slice();
    return {
      value: bytes,
      transfer: [bytes.buffer as ArrayBuffer],
      pixels: image.width * image.height,
    };
  },
});
