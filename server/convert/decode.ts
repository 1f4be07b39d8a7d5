import sharp, { type Metadata, type Sharp, type SharpOptions } from 'sharp';
import type { FormatId } from '../../shared/formats/index.js';
import { decodeFailure } from '../../shared/codec-errors.js';
import { decodeBmp } from './bmp.js';
// The same libheif adapter as the app's workers (codecs/ is neutral ground for both sides).
import { decode as decodeHeicImage } from '../../codecs/heic.js';
import { decodeJxlImage, type Rgba } from './wasm.js';

/** An upright image ready for resizing and encoding, with its upright size. */
export interface Source {
  pipeline: Sharp;
  width: number;
  height: number;
}

// Decoders for what the prebuilt libvips cannot read (no HEVC, no libjxl, BMP only through
// ImageMagick, which is not shipped). Each hands back upright pixels: libheif applies
// irot/imir, libjxl the codestream orientation, and BMP has none.
const jsDecoders: Partial<Record<FormatId, (bytes: Uint8Array) => Promise<Rgba> | Rgba>> = {
  heic: decodeHeicImage,
  jxl: decodeJxlImage,
  bmp: decodeBmp,
};

/** Untrusted input: refuse over-large images and real decode errors (not warnings). */
function inputOptions(maxInputPixels: number): SharpOptions {
  return {
    limitInputPixels: maxInputPixels,
    failOn: 'error',
    // The first frame of an animated GIF or WebP, as the app converts.
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
  maxInputPixels: number,
): Promise<Source> {
  const options = inputOptions(maxInputPixels);
  const js = jsDecoders[format];
  if (js) {
    let image: Rgba;
    try {
      image = await js(bytes);
    } catch (e) {
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
