import { ascii, be32, has, type HeaderInfo } from './bytes.js';

/** Reads bits least-significant first, as the JPEG XL codestream packs them. */
class BitReader {
  #pos: number;
  /** Set when a read ran past the end; the values read are then meaningless. */
  overrun = false;

  constructor(
    private readonly b: Uint8Array,
    byteOffset: number,
  ) {
    this.#pos = byteOffset * 8;
  }

  bits(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++, this.#pos++) {
      const byte = this.b[this.#pos >> 3];
      if (byte === undefined) {
        this.overrun = true;
        return 0;
      }
      v += ((byte >> (this.#pos & 7)) & 1) * 2 ** i;
    }
    return v;
  }

  /** The spec's U32(): a 2-bit selector picks one of four distributions. */
  u32(dist: readonly (readonly [number, number])[]): number {
    const [offset, n] = dist[this.bits(2)];
    return offset + this.bits(n);
  }
}

// ISO/IEC 18181-1 SizeHeader: sizes are 1 + Bits(9 | 13 | 18 | 30).
const sizeDist = [
  [1, 9],
  [1, 13],
  [1, 18],
  [1, 30],
] as const;
// Aspect ratios 1..7 let the header omit the width.
const ratios = [null, [1, 1], [12, 10], [4, 3], [3, 2], [16, 9], [5, 4], [2, 1]] as const;

function readCodestream(b: Uint8Array, start: number): HeaderInfo {
  if (!has(b, start, 2) || b[start] !== 0xff || b[start + 1] !== 0x0a) return {};
  const r = new BitReader(b, start + 2);
  const small = r.bits(1) === 1;
  const height = small ? (r.bits(5) + 1) * 8 : r.u32(sizeDist);
  const ratio = ratios[r.bits(3)];
  let width: number;
  if (ratio) width = Math.floor((height * ratio[0]) / ratio[1]);
  else width = small ? (r.bits(5) + 1) * 8 : r.u32(sizeDist);
  // ImageMetadata: all_default, then extra_fields, whose first member is the orientation.
  let orientation = 1;
  if (r.bits(1) === 0 && r.bits(1) === 1) orientation = r.bits(3) + 1;
  if (r.overrun) return {};
  return { width, height, orientation };
}

/**
 * Reads the image size and orientation from a bare JPEG XL codestream or, in the ISO-BMFF
 * container, from the first jxlc or jxlp box.
 */
export function readJxl(b: Uint8Array): HeaderInfo {
  if (b[0] === 0xff) return readCodestream(b, 0);
  let o = 0;
  while (has(b, o, 8)) {
    const size = be32(b, o);
    const type = ascii(b, o + 4, 4);
    const header = size === 1 ? 16 : 8; // size 1: a 64-bit size follows the type
    // jxlp starts with a 4-byte part index; jxlc is the codestream itself.
    if (type === 'jxlc') return readCodestream(b, o + header);
    if (type === 'jxlp') return readCodestream(b, o + header + 4);
    // Only a codestream box is big enough to need size 0 (to the end) or a 64-bit size.
    if (size < 8) break;
    o += size;
  }
  return {};
}
