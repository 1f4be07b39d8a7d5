// Readers for header fields. Callers check `has(bytes, offset, n)` first, so a truncated file
// ends a parse early instead of reading `undefined` as a number.

/** What a header reader could learn; anything it could not read stays undefined. */
export interface HeaderInfo {
  width?: number;
  height?: number;
  /** EXIF orientation 1..8. */
  orientation?: number;
}

/** True when `n` bytes starting at `offset` are inside the buffer. */
export function has(b: Uint8Array, offset: number, n: number): boolean {
  return offset >= 0 && offset + n <= b.length;
}

export function be16(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}

// Multiplying the top byte keeps values of 2^31 and over positive (`<<` would make them negative).
export function be32(b: Uint8Array, o: number): number {
  return b[o] * 0x1000000 + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]);
}

export function le16(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}

export function le24(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);
}

export function le32(b: Uint8Array, o: number): number {
  return b[o + 3] * 0x1000000 + ((b[o + 2] << 16) | (b[o + 1] << 8) | b[o]);
}

/** The bytes as Latin-1 text, for comparing magic numbers and four-character codes. */
export function ascii(b: Uint8Array, o: number, n: number): string {
  let s = '';
  for (let i = o; i < o + n && i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

/** A positive dimension, or undefined for 0 and other values no decoder would accept. */
export function dimension(n: number): number | undefined {
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** `parts` one after another in one new array (a writer's counterpart to the readers above). */
export function concatBytes(parts: readonly (Uint8Array | readonly number[])[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
