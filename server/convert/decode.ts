import sharp, { type Metadata, type Sharp, type SharpOptions } from 'sharp';
import type { Pixels } from '../../codecs/pixels.js';
import type { FormatId } from '../../shared/formats/index.js';
import { decodeFailure } from '../../shared/codec-errors.js';
import { WorkerLost, type WasmPool } from './wasm-pool.js';
import { decodeOnPool, isPoolDecoded } from './wasm-tasks.js';

/** An upright image ready for resizing and encoding, with its upright size. */
export interface Source {
  pipeline: Sharp;
  width: number;
  height: number;
}

export interface OpenOptions {
  maxInputPixels: number;
  /** Decodes HEIC, JPEG XL and BMP (see wasm-tasks.ts); by default the running pool. */
  wasm?: WasmPool;
  signal?: AbortSignal;
}

/** Untrusted input: refuse over-large images and real decode errors (not warnings). */
function inputOptions(maxInputPixels: number): SharpOptions {
  return {
    limitInputPixels: maxInputPixels,
    failOn: 'error',
    // The first frame of an animated GIF or WebP, the first page of a TIFF, as the app converts.
    pages: 1,
  };
}

/**
 * Opens the image for a sharp pipeline, turned upright by its EXIF orientation. libvips reads
 * only the header here; its pixels are decoded when the pipeline runs, so decode errors of
 * the sharp-read formats surface there (see convert.ts).
 */
export async function openSource(
  bytes: Uint8Array,
  format: FormatId,
  label: string,
  { maxInputPixels, wasm, signal }: OpenOptions,
): Promise<Source> {
  const options = inputOptions(maxInputPixels);
  if (isPoolDecoded(format)) {
    let image: Pixels;
    try {
      image = await decodeOnPool(wasm, format, bytes, signal);
    } catch (e) {
      if (signal?.aborted) throw e;
      // A lost worker is not the file's fault (unless it ran out of memory on it).
      if (e instanceof WorkerLost && e.code !== 'out_of_memory') {
        throw new Error(`Could not decode ${label}: ${e.message}`, { cause: e });
      }
      throw decodeFailure(label, e);
    }
    const { width, height } = image;
    if (!(width > 0 && height > 0) || image.data.length < width * height * 4) {
      throw decodeFailure(label, new Error('the decoder returned no pixels'));
    }
    const raw = Buffer.from(image.data.buffer, image.data.byteOffset, width * height * 4);
    const pipeline = sharp(raw, {
      limitInputPixels: maxInputPixels,
      raw: { width, height, channels: 4 },
    });
    return { pipeline, width, height };
  }
  let meta: Metadata;
  try {
    meta = await sharp(bytes, options).metadata();
  } catch (e) {
    throw decodeFailure(label, e);
  }
  const { width, height } = meta.autoOrient ?? meta;
  if (!width || !height) throw decodeFailure(label, new Error('the header gives no size'));
  // autoOrient() turns the pixels by EXIF Orientation and drops the tag.
  return { pipeline: sharp(bytes, options).autoOrient(), width, height };
}
