// libjpeg treats a file that stops mid-scan as a warning and fills the rest with grey, and
// browsers show such files half-drawn. For a batch converter a silently half-grey output is
// worse than a clear failure, so a JPEG without its end-of-image marker is refused.

/**
 * Why the JPEG is structurally unusable, or null when the decoder may try it. The reason
 * reads after 'Could not decode JPEG: ', e.g. 'the file is truncated (…)'.
 */
export function jpegProblem(b: Uint8Array): string | null {
  // Walk the marker segments to the first scan (SOS).
  let o = 2;
  let scan = -1;
  while (o + 4 <= b.length) {
    if (b[o] !== 0xff) {
      // Stray bytes between segments: libjpeg skips them with a warning, and so do we.
      o++;
      continue;
    }
    const marker = b[o + 1];
    if (marker === 0xff) {
      o += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      o += 2; // no length field
      continue;
    }
    if (marker === 0xd9) break;
    const length = (b[o + 2] << 8) | b[o + 3];
    if (length < 2) return `the file is damaged (a segment at byte ${o} has length ${length})`;
    if (marker === 0xda) {
      scan = o + 2 + length;
      break;
    }
    o += 2 + length;
  }
  if (scan < 0 || scan > b.length) return 'the file is truncated (it ends before the image data)';
  return scanProblem(b, scan);
}

/**
 * Walks the entropy-coded data from the first scan to the end-of-image marker. There 0xFF is
 * followed by 0x00 (a stuffed byte), a fill byte, RSTn, or a marker that opens the next
 * segment (0xC0 and up: tables and scan headers of a progressive file, skipped by their
 * length). Any other byte after 0xFF is no marker at all: libjpeg stops with 'Unsupported
 * marker type', so Chromium and the app's wasm decoder refuse the file, while libvips, which
 * stops reading once it has its rows, would convert it. Refused here, both sides say the same.
 * The first end-of-image marker ends the image; whatever follows (a motion photo's video)
 * is not looked at.
 */
function scanProblem(b: Uint8Array, scan: number): string | null {
  let o = scan;
  for (;;) {
    o = b.indexOf(0xff, o);
    if (o < 0 || o + 1 >= b.length) {
      return 'the file is truncated (its end-of-image marker is missing)';
    }
    const marker = b[o + 1];
    if (marker === 0xd9) return null;
    if (marker === 0x00 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      o += 2;
    } else if (marker === 0xff) {
      o += 1;
    } else if (marker >= 0xc0) {
      if (o + 4 > b.length) return 'the file is truncated (inside a segment header)';
      o += 2 + ((b[o + 2] << 8) | b[o + 3]);
    } else {
      const hex = marker.toString(16).padStart(2, '0').toUpperCase();
      return `the file is damaged (an unknown marker 0x${hex} at byte ${o} inside its image data)`;
    }
  }
}
