import { formats, type FormatId } from '../formats/index.js';
import { limits } from '../limits.js';
import { checkDimensions, describeNonImage, readImageInfo, type ImageInfo } from '../sniff.js';
import { jpegProblem } from './jpeg.js';
import { pngProblem } from './png.js';
import { tiffProblem } from './tiff.js';

/**
 * Why the file's structure is broken (a PNG chunk checksum, a JPEG without its end marker),
 * or null. The app and the server run it before any decoder, so both refuse the same files
 * with the same words, whichever decoder would have read them.
 */
export function structureProblem(format: FormatId, bytes: Uint8Array): string | null {
  if (format === 'png') return pngProblem(bytes);
  if (format === 'jpeg') return jpegProblem(bytes);
  if (format === 'tiff') return tiffProblem(bytes);
  return null;
}

/**
 * Sniffs the bytes and refuses what must not be decoded — not an image, over the limits by
 * its header, broken in structure — in the words the app and the server both use. Returns
 * what the header told.
 */
export function admitImage(bytes: Uint8Array, maxInputPixels: number): ImageInfo {
  const info = readImageInfo(bytes);
  if (!info) throw new Error(describeNonImage(bytes));
  const tooBig = checkDimensions(info, maxInputPixels, limits.maxDimension);
  if (tooBig) throw new Error(`${tooBig}; it was not decoded`);
  const problem = structureProblem(info.format, bytes);
  if (problem) throw new Error(`Could not decode ${formats[info.format].label}: ${problem}`);
  return info;
}
