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
  // Inside entropy-coded data 0xFF is always followed by 0x00 or RSTn, so FF D9 after the first
  // scan is the end-of-image marker (or lies in data appended after it, like a motion photo).
  for (let i = b.length - 2; i >= scan; i--) {
    if (b[i] === 0xff && b[i + 1] === 0xd9) return null;
  }
  return 'the file is truncated (its end-of-image marker is missing)';
}
