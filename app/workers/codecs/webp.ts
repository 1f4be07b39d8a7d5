import decodeWebp, { init as initDecoder } from '@jsquash/webp/decode.js';
import encodeWebp, { init as initEncoder } from '@jsquash/webp/encode.js';
import type { WebpOptions } from '../../../shared/formats/index.js';
import { exactBuffer, ownBuffer, type Pixels } from '../../../codecs/pixels.js';

export interface WebpWasm {
  /** webp_dec.wasm */
  decode?: WebAssembly.Module;
  /** webp_enc_simd.wasm: jSquash picks the SIMD build wherever wasm SIMD exists (Node 20 too). */
  encode?: WebAssembly.Module;
}

/** Instantiates the libwebp wasm now; browsers may skip this (it loads on first use). */
export async function init(wasm: WebpWasm = {}): Promise<void> {
  if (wasm.decode) await initDecoder(wasm.decode as never);
  if (wasm.encode) await initEncoder(wasm.encode as never);
}

export async function decode(bytes: Uint8Array): Promise<Pixels> {
  return decodeWebp(exactBuffer(bytes));
}

export async function encode(image: Pixels, options: WebpOptions): Promise<Uint8Array> {
  const out = await encodeWebp(ownBuffer(image) as ImageData, {
    quality: options.quality,
    // libwebp's config_enc.c: method 0..6 trades speed for size; sharp calls it effort.
    method: options.effort,
    // WebPConfig.lossless is an int flag.
    lossless: options.lossless ? 1 : 0,
  });
  return new Uint8Array(out);
}
