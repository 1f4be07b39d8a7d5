import { ascii, be16, dimension, has, type HeaderInfo } from './bytes.js';
import { exifOrientation } from './exif.js';

// SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

// Markers without a length field (ITU T.81 B.1.1.3): TEM, RSTn, SOI.
function isStandalone(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8);
}

/**
 * Walks the marker segments up to the first scan: the frame size comes from SOFn, the
 * orientation from the first Exif APP1. Every other segment is skipped by its length.
 */
export function readJpeg(b: Uint8Array): HeaderInfo {
  const info: HeaderInfo = {};
  let o = 2;
  while (has(b, o, 2)) {
    if (b[o] !== 0xff) break; // lost sync: a damaged file, stop rather than guess
    const marker = b[o + 1];
    if (marker === 0xff) {
      o += 1; // fill byte before the real marker
      continue;
    }
    o += 2;
    if (isStandalone(marker)) continue;
    if (marker === 0xda || marker === 0xd9) break; // SOS: entropy-coded data follows
    if (!has(b, o, 2)) break;
    const length = be16(b, o);
    if (length < 2) break;
    const body = o + 2;
    if (isStartOfFrame(marker) && info.width === undefined && has(b, body, 5)) {
      // Height 0 means "given later by a DNL marker"; leave it unknown.
      info.height = dimension(be16(b, body + 1));
      info.width = dimension(be16(b, body + 3));
    } else if (
      marker === 0xe1 &&
      info.orientation === undefined &&
      ascii(b, body, 6) === 'Exif\0\0'
    ) {
      info.orientation = exifOrientation(b.subarray(body + 6, Math.min(o + length, b.length)));
    }
    o += length;
  }
  return info;
}
