import { ascii, dimension, has, le16, le24, le32, type HeaderInfo } from './bytes.js';
import { exifOrientation } from './exif.js';

/**
 * Walks the RIFF chunks after 'WEBP': the size from VP8X (the canvas) or else from the VP8 or
 * VP8L bitstream header, the orientation from an EXIF chunk. Layout per Google's
 * "WebP Container Specification" and RFC 6386 section 9.1.
 */
export function readWebp(b: Uint8Array): HeaderInfo {
  const info: HeaderInfo = {};
  let canvas = false;
  let o = 12;
  while (has(b, o, 8)) {
    const type = ascii(b, o, 4);
    const size = le32(b, o + 4);
    const d = o + 8;
    if (type === 'VP8X' && has(b, d, 10)) {
      canvas = true;
      info.width = le24(b, d + 4) + 1;
      info.height = le24(b, d + 7) + 1;
    } else if (type === 'VP8 ' && !canvas && has(b, d, 10)) {
      // 3-byte frame tag, then the start code 9d 01 2a, then 14-bit sizes (2 bits of scale).
      if (b[d + 3] === 0x9d && b[d + 4] === 0x01 && b[d + 5] === 0x2a) {
        info.width = dimension(le16(b, d + 6) & 0x3fff);
        info.height = dimension(le16(b, d + 8) & 0x3fff);
      }
    } else if (type === 'VP8L' && !canvas && has(b, d, 5)) {
      // Signature 0x2f, then width-1 and height-1 as 14-bit fields, least significant first.
      if (b[d] === 0x2f) {
        const bits = le32(b, d + 1);
        info.width = (bits & 0x3fff) + 1;
        info.height = ((bits >>> 14) & 0x3fff) + 1;
      }
    } else if (type === 'EXIF' && info.orientation === undefined) {
      const end = Math.min(d + size, b.length);
      // Some writers keep JPEG's 'Exif\0\0' prefix inside the chunk.
      const start = ascii(b, d, 6) === 'Exif\0\0' ? d + 6 : d;
      info.orientation = exifOrientation(b.subarray(start, end));
    }
    o = d + size + (size & 1); // chunks are padded to an even length
  }
  return info;
}
