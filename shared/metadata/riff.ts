import { ascii, le32 } from '../headers/bytes.js';

/** One chunk of a RIFF file: its four-character code and where it starts and ends. */
export interface Chunk {
  type: string;
  start: number;
  /** After the data and its padding byte. */
  end: number;
}

/** Whether the bytes start like a WebP file (RIFF…WEBP). */
export function isWebp(b: Uint8Array): boolean {
  return b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP';
}

/** The chunks after 'WEBP', or null when one runs past the end. */
export function riffChunks(b: Uint8Array): Chunk[] | null {
  const chunks: Chunk[] = [];
  let o = 12;
  while (o + 8 <= b.length) {
    const size = le32(b, o + 4);
    const end = o + 8 + size + (size & 1);
    if (end > b.length + 1) return null; // a missing final pad byte is tolerated
    chunks.push({ type: ascii(b, o, 4), start: o, end: Math.min(end, b.length) });
    o = end;
  }
  return chunks.length ? chunks : null;
}

/** A RIFF/WEBP file made of these pieces (whole chunks), with its size field filled in. */
export function webpFile(pieces: readonly Uint8Array[]): Uint8Array {
  const length = 12 + pieces.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(length);
  out.set([0x52, 0x49, 0x46, 0x46], 0); // RIFF
  const size = length - 8;
  out.set([size & 0xff, (size >>> 8) & 0xff, (size >>> 16) & 0xff, (size >>> 24) & 0xff], 4);
  out.set([0x57, 0x45, 0x42, 0x50], 8); // WEBP
  let o = 12;
  for (const p of pieces) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
