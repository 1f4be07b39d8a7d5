import type { FormatId } from '../formats/index.js';
import { jpegProblem } from './jpeg.js';
import { pngProblem } from './png.js';

/**
 * Why the file's structure is broken (a PNG chunk checksum, a JPEG without its end marker),
 * or null. The app and the server run it before any decoder, so both refuse the same files
 * with the same words, whichever decoder would have read them.
 */
export function structureProblem(format: FormatId, bytes: Uint8Array): string | null {
  if (format === 'png') return pngProblem(bytes);
  if (format === 'jpeg') return jpegProblem(bytes);
  return null;
}
