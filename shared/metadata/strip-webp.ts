import { isWebp, riffChunks, webpFile } from './riff.js';

// VP8X flag bits (WebP container spec): ICC 0x20, alpha 0x10, EXIF 0x08, XMP 0x04, animation 0x02.
const keptFlags = 0x10 | 0x02;
const dropped = new Set(['ICCP', 'EXIF', 'XMP ']);

/**
 * The WebP without its colour profile and metadata chunks (ICCP, EXIF, XMP), laid out as
 * libwebp's own encoder lays it out: a simple file (RIFF + one VP8 or VP8L chunk) when nothing
 * else is left, else VP8X with only the alpha and animation flags. Chromium's canvas encoder
 * tags every file with an sRGB profile; this turns its output into the bytes jSquash writes.
 * Null when the bytes are not a WebP whose chunks can be walked.
 */
export function stripWebp(bytes: Uint8Array): Uint8Array | null {
  if (!isWebp(bytes)) return null;
  const chunks = riffChunks(bytes);
  if (!chunks) return null;
  const kept = chunks.filter((c) => !dropped.has(c.type));
  const body = kept.filter((c) => c.type !== 'VP8X');
  const piece = (c: { start: number; end: number }) => bytes.subarray(c.start, c.end);
  if (body.length === 1 && (body[0].type === 'VP8 ' || body[0].type === 'VP8L')) {
    return webpFile([piece(body[0])]);
  }
  const vp8x = kept.find((c) => c.type === 'VP8X');
  if (!vp8x) return webpFile(body.map(piece));
  const header = bytes.slice(vp8x.start, vp8x.end);
  header[8] &= keptFlags;
  return webpFile([header, ...body.map(piece)]);
}
