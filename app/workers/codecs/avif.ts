import decodeAvif, { init as initDecoder } from '@jsquash/avif/decode.js';
import encodeAvif, { init as initEncoder } from '@jsquash/avif/encode.js';
import { repairAvifContainer } from './avif-container.js';
import type { AvifOptions } from '../../../shared/formats/index.js';
import { exactBuffer, ownBuffer, type Pixels } from '../../../codecs/pixels.js';

export interface AvifWasm {
  /** avif_dec.wasm */
  decode?: WebAssembly.Module;
  /**
   * avif_enc.wasm, the single-thread build: jSquash uses it in Node and wherever wasm threads
   * are unavailable (pages that are not cross-origin isolated, like ours).
   */
  encode?: WebAssembly.Module;
}

/** Instantiates the libavif wasm now; browsers may skip this (it loads on first use). */
export async function init(wasm: AvifWasm = {}): Promise<void> {
  if (wasm.decode) await initDecoder(wasm.decode as never);
  if (wasm.encode) await initEncoder(wasm.encode as never);
}

/**
 * Decodes to 8-bit RGBA. libavif does not apply the irot/imir boxes, so a rotated AVIF comes
 * out as stored; the browser fast path (createImageBitmap) does apply them.
 */
export async function decode(bytes: Uint8Array): Promise<Pixels> {
  const image = await decodeAvif(exactBuffer(bytes));
  if (!image) throw new Error('libavif returned no image');
  return image;
}

/**
 * Decodes after repairing the container (avif-container.ts): what libavif's strict parser
 * refused and Chromium reads. Throws when there is nothing to repair.
 */
export async function decodeRepaired(bytes: Uint8Array): Promise<Pixels> {
  const repaired = repairAvifContainer(bytes);
  if (!repaired) throw new Error('nothing in the AVIF container to repair');
  return decode(repaired);
}

/** Effort 0..9 (sharp's scale) to libavif speed 10..0. */
export function avifSpeed(effort: number): number {
  return Math.min(10, Math.max(0, 10 - Math.round(effort)));
}

export async function encode(image: Pixels, options: AvifOptions): Promise<Uint8Array> {
  const out = await encodeAvif(ownBuffer(image) as ImageData, {
    quality: options.quality,
    // libavif: speed 0 (slowest, smallest) .. 10 (fastest).
    speed: avifSpeed(options.effort),
    // jSquash's avif_enc.cpp: subsample 0 = 4:0:0, 1 = 4:2:0, 2 = 4:2:2, 3 = 4:4:4.
    subsample: options.chromaSubsampling === '4:4:4' ? 3 : 1,
    // jSquash turns lossless into quality 100 + 4:4:4 + identity matrix by itself.
    lossless: options.lossless,
  });
  return new Uint8Array(out);
}
