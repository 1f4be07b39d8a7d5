import { crc32 } from '../crc32.js';
import { be32 } from '../headers/bytes.js';
import { hasPngSignature } from '../sniff.js';

// Squoosh's PNG decoder skips chunk CRCs and reports every failure as "`unwrap_throw`
// failed". This walk catches what libpng would refuse (PngSuite's x*.png cases) and says why.

// PNG 3rd edition, table 11.1: bit depths allowed per colour type.
const allowedDepths: Record<number, readonly number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

/** One chunk as the walk below reads it: length, type, data, and the CRC of type and data. */
export function pngChunk(type: string, data: Uint8Array | readonly number[] = []): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

const isLetter = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/**
 * Why the PNG's structure is broken, or null when the decoder may try it. The reason reads
 * after 'Could not decode PNG: ', e.g. 'the file is damaged (IDAT chunk checksum mismatch)'.
 */
export function pngProblem(b: Uint8Array): string | null {
  if (!hasPngSignature(b)) {
    return 'the file is damaged (its PNG signature was altered, as a text-mode transfer does to line endings)';
  }
  let o = 8;
  let first = true;
  let colourType = -1;
  let palette = false;
  let data = false;
  while (o + 8 <= b.length) {
    const length = be32(b, o);
    const typeBytes = b.subarray(o + 4, o + 8);
    if (!typeBytes.every(isLetter))
      return `the file is damaged (invalid chunk type at byte ${o + 4})`;
    const type = String.fromCharCode(...typeBytes);
    if (length > 0x7fffffff || o + 12 + length > b.length)
      return `the file is truncated (it ends inside the ${type} chunk)`;
    const body = o + 8;
    // Critical chunks (upper-case first letter) must be intact; libpng only warns on others.
    if (typeBytes[0] < 0x61 && crc32(b, o + 4, body + length) !== be32(b, body + length)) {
      return `the file is damaged (${type} chunk checksum mismatch)`;
    }
    if (first) {
      if (type === 'CgBI') return "Apple's iOS-optimised PNG variant (CgBI) is not supported";
      if (type !== 'IHDR' || length !== 13)
        return 'the file is damaged (it does not start with an IHDR header)';
      const width = be32(b, body);
      const height = be32(b, body + 4);
      const depth = b[body + 8];
      colourType = b[body + 9];
      if (width === 0 || height === 0) {
        return `the file is damaged (IHDR gives a size of ${width} × ${height})`;
      }
      const depths = allowedDepths[colourType];
      if (!depths) {
        return `the file is damaged (IHDR gives colour type ${colourType}, which does not exist)`;
      }
      if (!depths.includes(depth)) {
        return `the file is damaged (IHDR gives bit depth ${depth}, which colour type ${colourType} does not allow)`;
      }
      if (b[body + 10] !== 0 || b[body + 11] !== 0 || b[body + 12] > 1) {
        return 'the file is damaged (IHDR names an unknown compression, filter or interlace method)';
      }
      first = false;
    } else if (type === 'PLTE') {
      palette = true;
    } else if (type === 'IDAT') {
      if (colourType === 3 && !palette)
        return 'the file is damaged (its palette, PLTE, is missing)';
      data = true;
    } else if (type === 'IEND') {
      break;
    }
    o = body + length + 4;
  }
  if (first) return 'the file is truncated (it has no IHDR header)';
  if (!data) return 'the file has no image data (no IDAT chunk)';
  return null;
}
