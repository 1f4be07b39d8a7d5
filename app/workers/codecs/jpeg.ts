import decodeJpeg, { init as initDecoder } from '@jsquash/jpeg/decode.js';
import encodeJpeg, { init as initEncoder } from '@jsquash/jpeg/encode.js';
import type { JpegOptions } from '../../../shared/formats/index.js';
import { exactBuffer, ownBuffer, type Pixels } from '../../../codecs/pixels.js';

export interface JpegWasm {
  /** mozjpeg_dec.wasm */
  decode?: WebAssembly.Module;
  /** mozjpeg_enc.wasm */
  encode?: WebAssembly.Module;
}

/**
 * Instantiates the MozJPEG wasm now. Browsers may skip this: each side loads itself on first
 * use. Node has no fetch for the wasm URL, so tests pass modules compiled from node_modules.
 */
export async function init(wasm: JpegWasm = {}): Promise<void> {
  if (wasm.decode) await initDecoder(wasm.decode as never);
  if (wasm.encode) await initEncoder(wasm.encode as never);
}

/**
 * Decodes the pixels as stored. jSquash rotates by EXIF only when asked
 * (`preserveOrientation: true`); we leave that off because the pipeline's orient step turns
 * every format upright the same way.
 */
export async function decode(bytes: Uint8Array): Promise<Pixels> {
  return decodeJpeg(exactBuffer(bytes), { preserveOrientation: false });
}

/** Encodes with MozJPEG; alpha must already be flattened (JPEG has none). */
export async function encode(image: Pixels, options: JpegOptions): Promise<Uint8Array> {
  const out = await encodeJpeg(ownBuffer(image) as ImageData, {
    quality: options.quality,
    progressive: options.progressive,
    // Squoosh's mozjpeg_enc.cpp only reads chroma_subsample when auto_subsample is off; it
    // becomes the luma sampling factor, so 2 halves chroma both ways (4:2:0), 1 keeps it (4:4:4).
    auto_subsample: false,
    chroma_subsample: options.chromaSubsampling === '4:4:4' ? 1 : 2,
  });
  return new Uint8Array(out);
}
