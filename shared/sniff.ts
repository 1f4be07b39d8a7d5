import type { FormatId } from './formats/index.js';
import { readHeif, ftypBrands } from './headers/bmff.js';
import { ascii, be32, dimension, has, le16, le32, type HeaderInfo } from './headers/bytes.js';
import { readJpeg } from './headers/jpeg.js';
import { readJxl } from './headers/jxl.js';
import { isCameraRaw, openTiff, readTiff } from './headers/tiff.js';
import { readWebp } from './headers/webp.js';

export { describeNonImage } from './headers/non-image.js';

/** What the header says about an image, read before decoding it. */
export interface ImageInfo {
  format: FormatId;
  /** Stored width, before orientation; undefined when the header could not be read. */
  width?: number;
  height?: number;
  /** EXIF orientation 1..8 (or the HEIF irot/imir equivalent); 1 when absent. */
  orientation: number;
}

const avifBrands = ['avif', 'avis'];
const heicBrands = ['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1'];
/** The 8 bytes every PNG starts with. */
export const pngSignature: readonly number[] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const jxlContainer = [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20, 0x0d, 0x0a, 0x87, 0x0a];
// BITMAPCOREHEADER, OS/2 2.x (16 and 64), BITMAPINFOHEADER and its V2..V5 successors.
const bmpHeaderSizes = [12, 16, 40, 52, 56, 64, 108, 124];

function startsWith(b: Uint8Array, magic: readonly number[]): boolean {
  return has(b, 0, magic.length) && magic.every((x, i) => b[i] === x);
}

/**
 * The format the bytes hold, from magic numbers only: a renamed file converts, and a file
 * named .jpg that is really a PDF does not. Null when it is not a format we read.
 */
export function sniffFormat(bytes: Uint8Array): FormatId | null {
  const b = bytes;
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(b, pngSignature) || isDamagedPngSignature(b)) return 'png';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  const gif = ascii(b, 0, 6);
  if (gif === 'GIF87a' || gif === 'GIF89a') return 'gif';
  if (startsWith(b, [0xff, 0x0a]) || startsWith(b, jxlContainer)) return 'jxl';
  const brands = ftypBrands(b);
  if (brands?.some((x) => avifBrands.includes(x))) return 'avif';
  if (brands?.some((x) => heicBrands.includes(x))) return 'heic';
  // 'II*\0' or 'MM\0*', or BigTIFF's 'II+\0' / 'MM\0+'; camera RAW files share the header.
  if (openTiff(b)) return isCameraRaw(b) ? null : 'tiff';
  if (ascii(b, 0, 2) === 'BM' && has(b, 14, 4)) {
    const headerSize = le32(b, 14);
    // The pixel data cannot start inside the headers; this rules out text starting with "BM".
    if (bmpHeaderSizes.includes(headerSize) && le32(b, 10) >= 14 + headerSize) return 'bmp';
  }
  return null;
}

/**
 * A PNG whose 8-byte signature was mangled, typically by a text-mode transfer rewriting line
 * endings: still an image the user meant to convert, so it fails with a reason rather than
 * being skipped as 'not an image'.
 */
function isDamagedPngSignature(b: Uint8Array): boolean {
  if (!has(b, 0, 16)) return false;
  const matches = [0, 1, 2, 3].filter((i) => b[i] === pngSignature[i]).length;
  const ihdrAt = [11, 12, 13].some((o) => ascii(b, o, 4) === 'IHDR');
  return matches >= 2 && ihdrAt;
}

/** True when the first 8 bytes are exactly the PNG signature. */
export function hasPngSignature(b: Uint8Array): boolean {
  return startsWith(b, pngSignature);
}

function readPng(b: Uint8Array): HeaderInfo {
  // IHDR must come first, except after Apple's non-standard CgBI chunk.
  let o = 8;
  for (let i = 0; i < 2 && has(b, o, 8); i++) {
    const length = be32(b, o);
    if (ascii(b, o + 4, 4) === 'IHDR') {
      if (!has(b, o + 8, 8)) return {};
      return { width: dimension(be32(b, o + 8)), height: dimension(be32(b, o + 12)) };
    }
    o += 12 + length;
  }
  return {};
}

function readGif(b: Uint8Array): HeaderInfo {
  // The logical screen: every frame is drawn inside it.
  if (!has(b, 6, 4)) return {};
  return { width: dimension(le16(b, 6)), height: dimension(le16(b, 8)) };
}

function readBmp(b: Uint8Array): HeaderInfo {
  if (!has(b, 14, 4)) return {};
  if (le32(b, 14) === 12) {
    if (!has(b, 18, 4)) return {};
    return { width: dimension(le16(b, 18)), height: dimension(le16(b, 20)) };
  }
  if (!has(b, 18, 8)) return {};
  // Signed: a negative height means rows are stored top-down.
  const width = le32(b, 18) | 0;
  const height = le32(b, 22) | 0;
  return { width: dimension(width), height: dimension(Math.abs(height)) };
}

const readers: Record<FormatId, (b: Uint8Array) => HeaderInfo> = {
  jpeg: readJpeg,
  png: readPng,
  webp: readWebp,
  avif: readHeif,
  heic: readHeif,
  jxl: readJxl,
  gif: readGif,
  bmp: readBmp,
  tiff: readTiff,
};

/**
 * Format, stored size and orientation from the header alone, so limits and resize plans are
 * known before any decoding. Never throws: a truncated header gives what it could read.
 */
export function readImageInfo(bytes: Uint8Array): ImageInfo | null {
  const format = sniffFormat(bytes);
  if (!format) return null;
  let header: HeaderInfo = {};
  try {
    header = readers[format](bytes);
  } catch {
    // Readers bound every read; this only guards against a reader bug on hostile input.
  }
  const info: ImageInfo = { format, orientation: header.orientation ?? 1 };
  if (header.width !== undefined && header.height !== undefined) {
    info.width = header.width;
    info.height = header.height;
  }
  return info;
}

/** The displayed size: orientations 5–8 turn the image a quarter, swapping the sides. */
export function orientedSize(
  width: number,
  height: number,
  orientation: number,
): { width: number; height: number } {
  return orientation >= 5 && orientation <= 8
    ? { width: height, height: width }
    : { width, height };
}

function megapixels(pixels: number, digits: number): string {
  return (pixels / 1e6).toFixed(digits);
}

/**
 * Why an image is too big to decode safely, or null when it fits (or its size is unknown).
 * Example: 'Image is 65536 × 65536 px (4295 MP), over the 268 MP limit'.
 */
export function checkDimensions(
  info: Pick<ImageInfo, 'width' | 'height'>,
  maxInputPixels: number,
  maxDimension: number,
): string | null {
  const { width, height } = info;
  if (width === undefined || height === undefined) return null;
  const size = `${width} × ${height} px`;
  if (width < 1 || height < 1) return `Image is ${size}: it has no pixels`;
  const pixels = width * height;
  if (pixels > maxInputPixels) {
    // Whole megapixels, unless rounding would make the image look no larger than the limit.
    let digits = 0;
    while (digits < 3 && megapixels(pixels, digits) === megapixels(maxInputPixels, digits)) {
      digits++;
    }
    return `Image is ${size} (${megapixels(pixels, digits)} MP), over the ${megapixels(maxInputPixels, digits)} MP limit`;
  }
  if (width > maxDimension || height > maxDimension) {
    return `Image is ${size}, over the ${maxDimension} px limit per side`;
  }
  return null;
}
