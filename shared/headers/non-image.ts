import { ascii, be32, has } from './bytes.js';
import { ftypBrands } from './bmff.js';
import { isCameraRaw } from './tiff.js';

// How much of the file the guesses look at: enough for any magic number or an SVG prologue.
const inspectLength = 4096;

/** Whether the bytes decode as UTF-8; a sequence cut off at `end` counts as valid. */
function isUtf8(b: Uint8Array, end: number): boolean {
  for (let i = 0; i < end;) {
    const x = b[i];
    const extra =
      x < 0x80
        ? 0
        : x >= 0xc2 && x <= 0xdf
          ? 1
          : x >= 0xe0 && x <= 0xef
            ? 2
            : x >= 0xf0 && x <= 0xf4
              ? 3
              : -1;
    if (extra < 0) return false;
    for (let k = 1; k <= extra; k++) {
      if (i + k >= end) return true;
      if ((b[i + k] & 0xc0) !== 0x80) return false;
    }
    i += extra + 1;
  }
  return true;
}

/** Text: a BOM, or UTF-8 without control characters other than tab, line breaks and form feed. */
function looksLikeText(b: Uint8Array): boolean {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return true;
  if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff)) return true;
  const end = Math.min(b.length, inspectLength);
  for (let i = 0; i < end; i++) {
    const x = b[i];
    if ((x < 0x20 && x !== 0x09 && x !== 0x0a && x !== 0x0c && x !== 0x0d) || x === 0x7f) {
      return false;
    }
  }
  return isUtf8(b, end);
}

function isVideo(b: Uint8Array): boolean {
  // Any other ISO-BMFF brand (isom, mp42, qt, 3gp…) is a movie or audio; Matroska/WebM; AVI.
  if (ftypBrands(b)) return true;
  if (has(b, 0, 4) && be32(b, 0) === 0x1a45dfa3) return true;
  return ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'AVI ';
}

/**
 * A short reason a file is not an image we read, for the skipped-file list. Call it when
 * `sniffFormat` returned null.
 */
export function describeNonImage(bytes: Uint8Array): string {
  const b = bytes;
  if (b.length === 0) return 'Empty file (0 bytes)';
  const head = ascii(b, 0, 8);
  if (isCameraRaw(b)) return 'Camera RAW files (CR2, NEF, ARW, DNG…) are not supported';
  if (head.startsWith('%PDF-')) return 'Not an image: looks like a PDF document';
  if (head.startsWith('PK\x03\x04') || head.startsWith('PK\x05\x06')) {
    return 'Not an image: looks like a ZIP archive';
  }
  if (head.startsWith('8BPS')) return 'Photoshop documents are not supported';
  if (isVideo(b)) return 'Not an image: looks like a video';
  if (looksLikeText(b)) {
    if (/<svg[\s>]/i.test(ascii(b, 0, inspectLength))) {
      return 'Not an image: looks like an SVG (vector images are not supported)';
    }
    return 'Not an image: looks like text';
  }
  return 'Not a supported image (unrecognised content)';
}
