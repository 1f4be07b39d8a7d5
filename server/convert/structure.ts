import type { FormatId } from '../../shared/formats/index.js';
// The app's structure checks are pure functions over the bytes; the server runs the same ones
// so both sides refuse the same damaged files with the same words. (They would sit better in
// shared/; they are imported from where the app keeps them.)
import { jpegProblem } from '../../app/workers/codecs/jpeg-check.js';
import { pngProblem } from '../../app/workers/codecs/png-check.js';

/** Why the file's structure is broken (a PNG chunk checksum, a JPEG end marker), or null. */
export function structureProblem(format: FormatId, bytes: Uint8Array): string | null {
  if (format === 'png') return pngProblem(bytes);
  if (format === 'jpeg') return jpegProblem(bytes);
  return null;
}
