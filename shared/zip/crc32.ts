// Slice-by-16 (Intel's "slicing-by-8" extended, as fflate and zlib-ng do): ZIP checksums every
// byte it stores, and at one table lookup per byte the CRC, not the disk, sets the pace.
const tables = new Int32Array(16 * 256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  tables[n] = c;
}
for (let n = 0; n < 256; n++) {
  let c = tables[n];
  for (let t = 1; t < 16; t++) {
    c = tables[c & 0xff] ^ (c >>> 8);
    tables[t * 256 + n] = c;
  }
}

/**
 * Continues the CRC-32 that ZIP uses (ISO 3309) over `bytes`: `crc32Update(whole)` equals
 * `crc32Update(tail, crc32Update(head))`, so a stream is checksummed chunk by chunk. Same
 * arguments as Node's zlib.crc32, which the server passes in its place (native, faster).
 */
export function crc32Update(bytes: Uint8Array, crc = 0): number {
  const t = tables;
  let c = ~crc;
  let i = 0;
  const end16 = bytes.length - 15;
  for (; i < end16; i += 16) {
    c ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    c =
      t[3840 + (c & 0xff)] ^
      t[3584 + ((c >>> 8) & 0xff)] ^
      t[3328 + ((c >>> 16) & 0xff)] ^
      t[3072 + (c >>> 24)] ^
      t[2816 + bytes[i + 4]] ^
      t[2560 + bytes[i + 5]] ^
      t[2304 + bytes[i + 6]] ^
      t[2048 + bytes[i + 7]] ^
      t[1792 + bytes[i + 8]] ^
      t[1536 + bytes[i + 9]] ^
      t[1280 + bytes[i + 10]] ^
      t[1024 + bytes[i + 11]] ^
      t[768 + bytes[i + 12]] ^
      t[512 + bytes[i + 13]] ^
      t[256 + bytes[i + 14]] ^
      t[bytes[i + 15]];
  }
  for (; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
