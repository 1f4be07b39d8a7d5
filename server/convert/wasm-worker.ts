import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as heic from '../../codecs/heic.js';
import * as jxl from '../../codecs/jxl.js';
import { scorerFor, type Scorer } from '../../codecs/metrics/scorer.js';
import { ownBuffer, type Pixels } from '../../codecs/pixels.js';
import { decodeBmp } from './bmp.js';
import { provideImageData } from './image-data.js';
import { serveTasks } from './wasm-protocol.js';
import type { DecodeTask, EncodeJxlTask, PoolDecoded, ScoreTask } from './wasm-tasks.js';

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
 * up to some 100 bytes a pixel (Butteraugli), so it is let go after a while unused.
 */
let scorer: { key: string; score: Scorer } | undefined;
let forget: ReturnType<typeof setTimeout> | undefined;

provideImageData();
serveTasks({
  decode: async ({ format, bytes }: DecodeTask) => {
    const image = ownBuffer(await decoders[format](bytes));
    const { width, height } = image;
    return { value: image, transfer: [image.data.buffer as ArrayBuffer], pixels: width * height };
  },
  score: async ({ metric, key, reference, distorted }: ScoreTask) => {
    if (scorer?.key !== `${metric} ${key}`) {
      scorer = undefined;
      scorer = { key: `${metric} ${key}`, score: scorerFor(metric, reference) };
    }
    clearTimeout(forget);
    forget = setTimeout(() => (scorer = undefined), 10_000);
    forget.unref();
    return { value: scorer.score(distorted), pixels: reference.width * reference.height };
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
