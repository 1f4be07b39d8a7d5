import decodeJxl, { init as initDecoder } from '@jsquash/jxl/decode.js';
import encodeJxl, { init as initEncoder } from '@jsquash/jxl/encode.js';
import type { JxlOptions } from '../shared/formats/index.js';
import { exactBuffer, ownBuffer, type Pixels } from './pixels.js';

export interface JxlWasm {
  /** jxl_dec.wasm */
  decode?: WebAssembly.Module;
  /** jxl_enc.wasm, the single-thread build jSquash uses without cross-origin isolation. */
  encode?: WebAssembly.Module;
}

/**
 * Instantiates the libjxl wasm now. Browsers may skip this (decoder and encoder each load
 * their wasm on first use); Node cannot fetch it, so the server's workers and the tests pass
 * modules they compiled.
 */
export async function init(wasm: JxlWasm = {}): Promise<void> {
  if (wasm.decode) await initDecoder(wasm.decode as never);
  if (wasm.encode) await initEncoder(wasm.encode as never);
}

/** Decodes to RGBA; libjxl applies the codestream's orientation, so the result is upright. */
export async function decode(bytes: Uint8Array): Promise<Pixels> {
  return decodeJxl(exactBuffer(bytes));
}

/** Encodes RGBA as JPEG XL; our option names are libjxl's (cjxl -e, -q). */
export async function encode(image: Pixels, options: JxlOptions): Promise<Uint8Array> {
  const out = await encodeJxl(ownBuffer(image) as ImageData, {
    // libjxl effort 1..9 is cjxl -e; the names already match.
    effort: options.effort,
    quality: options.quality,
    // jSquash forces quality 100 and no lossy modular/palette when lossless is set.
    lossless: options.lossless,
  });
  return new Uint8Array(out);
}
