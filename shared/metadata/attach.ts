import { concatBytes } from '../headers/bytes.js';
import { pngChunk } from '../structure/png.js';
import type { OutputFormatId } from '../formats/index.js';
import { isWebp, riffChunks, webpFile, type Chunk } from './riff.js';

// Writes a prepared EXIF block (TIFF structure, see exif.ts) into freshly encoded output. The
// encoders write no metadata of their own, so there is never an old block to replace.

function fourcc(b: Uint8Array, o: number): string {
  return String.fromCharCode(b[o], b[o + 1], b[o + 2], b[o + 3]);
}

function ascii(s: string): number[] {
  return Array.from(s, (c) => c.charCodeAt(0));
}

const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const le24 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff];

function jpegWithExif(out: Uint8Array, exif: Uint8Array): Uint8Array {
  // APP1's length field is 16 bits and counts itself and 'Exif\0\0'.
  const length = 2 + 6 + exif.length;
  if (length > 0xffff || out[0] !== 0xff || out[1] !== 0xd8) return out;
  // JFIF wants its APP0 straight after SOI, so APP1 goes after any leading APP0 segments.
  let at = 2;
  while (at + 4 <= out.length && out[at] === 0xff && out[at + 1] === 0xe0) {
    at += 2 + ((out[at + 2] << 8) | out[at + 3]);
  }
  if (at > out.length) return out;
  const segment = [0xff, 0xe1, length >> 8, length & 0xff, ...ascii('Exif\0\0')];
  return concatBytes([out.subarray(0, at), segment, exif, out.subarray(at)]);
}

function pngWithExif(out: Uint8Array, exif: Uint8Array): Uint8Array {
  // eXIf must come before IDAT (PNG 3rd edition, 11.3.6); find the first IDAT.
  let o = 8;
  while (o + 12 <= out.length && fourcc(out, o + 4) !== 'IDAT') {
    o += 12 + (out[o] * 0x1000000 + ((out[o + 1] << 16) | (out[o + 2] << 8) | out[o + 3]));
  }
  if (o + 12 > out.length) return out;
  return concatBytes([out.subarray(0, o), pngChunk('eXIf', exif), out.subarray(o)]);
}

/** A VP8X header for a simple (VP8 or VP8L) file, read from its bitstream header. */
function vp8xFor(b: Uint8Array, first: Chunk): number[] | null {
  const d = first.start + 8;
  let width: number;
  let height: number;
  let alpha = false;
  if (first.type === 'VP8 ') {
    // RFC 6386 9.1: frame tag, start code 9d 01 2a, then 14-bit width and height.
    if (d + 10 > b.length || b[d + 3] !== 0x9d || b[d + 4] !== 0x01 || b[d + 5] !== 0x2a) {
      return null;
    }
    width = (b[d + 6] | (b[d + 7] << 8)) & 0x3fff;
    height = (b[d + 8] | (b[d + 9] << 8)) & 0x3fff;
  } else {
    // VP8L: signature 0x2f, width-1 and height-1 in 14 bits each, then alpha_is_used.
    if (d + 5 > b.length || b[d] !== 0x2f) return null;
    const bits = b[d + 1] | (b[d + 2] << 8) | (b[d + 3] << 16) | (b[d + 4] * 0x1000000);
    width = (bits & 0x3fff) + 1;
    height = ((bits >>> 14) & 0x3fff) + 1;
    alpha = ((bits >>> 28) & 1) === 1;
  }
  if (width < 1 || height < 1) return null;
  // Flags: reserved(2) ICC alpha EXIF XMP animation reserved(1).
  const flags = (alpha ? 0x10 : 0) | 0x08;
  return [...ascii('VP8X'), ...le32(10), flags, 0, 0, 0, ...le24(width - 1), ...le24(height - 1)];
}

function webpWithExif(out: Uint8Array, exif: Uint8Array): Uint8Array {
  if (!isWebp(out)) return out;
  const chunks = riffChunks(out);
  if (!chunks) return out;
  const first = chunks[0];
  let header: Uint8Array;
  let body: Chunk[];
  if (first.type === 'VP8X') {
    header = out.slice(first.start, first.end);
    header[8] |= 0x08;
    body = chunks.slice(1);
  } else if (first.type === 'VP8 ' || first.type === 'VP8L') {
    const vp8x = vp8xFor(out, first);
    if (!vp8x) return out;
    header = Uint8Array.from(vp8x);
    body = chunks;
  } else {
    return out;
  }
  // Container spec order: …image data, EXIF, XMP, unknown chunks.
  body = body.filter((c) => c.type !== 'EXIF');
  const xmp = body.findIndex((c) => c.type === 'XMP ');
  const split = xmp < 0 ? body.length : xmp;
  const pad = exif.length & 1 ? [0] : [];
  const exifChunk = concatBytes([ascii('EXIF'), le32(exif.length), exif, pad]);
  const pieces = (cs: Chunk[]) => cs.map((c) => out.subarray(c.start, c.end));
  return webpFile([
    header,
    ...pieces(body.slice(0, split)),
    exifChunk,
    ...pieces(body.slice(split)),
  ]);
}

/**
 * Returns `output` with `exif` (a TIFF block from prepareExif) embedded: JPEG gets an APP1
 * after SOI/JFIF, PNG an eXIf chunk before IDAT, WebP an EXIF chunk (a simple VP8/VP8L file
 * becomes extended VP8X). Output that cannot be parsed comes back unchanged.
 *
 * AVIF and JPEG XL come back unchanged too: their EXIF lives in an ISO-BMFF item (AVIF, which
 * means rewriting the meta/iloc boxes) or a container box (JPEG XL), which the encoders here
 * cannot be asked to write, so 'keep' writes no metadata for those formats.
 */
export function attachExif(
  output: Uint8Array,
  format: OutputFormatId,
  exif: Uint8Array,
): Uint8Array {
  if (format === 'jpeg') return jpegWithExif(output, exif);
  if (format === 'png') return pngWithExif(output, exif);
  if (format === 'webp') return webpWithExif(output, exif);
  return output;
}
