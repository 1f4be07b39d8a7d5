import { ascii, be16, be32, dimension, has, type HeaderInfo } from './bytes.js';

/** One ISO BMFF box (ISO/IEC 14496-12) as found in a buffer. */
export interface Box {
  type: string;
  /** Where the box starts (its size field). */
  start: number;
  /** Where the payload starts (after size, type and any 64-bit size). */
  body: number;
  /** One past the last byte, clipped to the buffer. */
  end: number;
}

/** The boxes between `start` and `end`; stops at the first malformed size. */
export function boxes(b: Uint8Array, start: number, end: number): Box[] {
  const out: Box[] = [];
  let o = start;
  while (o + 8 <= end) {
    let size = be32(b, o);
    let header = 8;
    if (size === 1) {
      if (o + 16 > end) break;
      size = be32(b, o + 8) * 2 ** 32 + be32(b, o + 12);
      header = 16;
    } else if (size === 0) {
      size = end - o; // "extends to the end of the file"
    }
    if (size < header) break;
    out.push({
      type: ascii(b, o + 4, 4),
      start: o,
      body: o + header,
      end: Math.min(o + size, end),
    });
    o += size;
  }
  return out;
}

/** The ftyp major and compatible brands, or null when the file does not start with ftyp. */
export function ftypBrands(b: Uint8Array): string[] | null {
  if (!has(b, 0, 12) || ascii(b, 4, 4) !== 'ftyp') return null;
  const end = Math.min(be32(b, 0), b.length);
  const brands = [ascii(b, 8, 4)];
  for (let o = 16; o + 4 <= end; o += 4) brands.push(ascii(b, o, 4));
  return brands;
}

// EXIF orientations as signed permutation matrices [a, b, c, d] mapping stored (x, y) to
// displayed (a·x + b·y, c·x + d·y), y pointing down. Index = orientation - 1.
const matrices = [
  [1, 0, 0, 1],
  [-1, 0, 0, 1],
  [-1, 0, 0, -1],
  [1, 0, 0, -1],
  [0, 1, 1, 0],
  [0, -1, 1, 0],
  [0, -1, -1, 0],
  [0, 1, -1, 0],
];

function compose(orientation: number, next: number): number {
  const [a, b, c, d] = matrices[orientation - 1];
  const [e, f, g, h] = matrices[next - 1];
  const m = [e * a + f * c, e * b + f * d, g * a + h * c, g * b + h * d].join();
  return matrices.findIndex((x) => x.join() === m) + 1;
}

// HEIF (ISO/IEC 23008-12) irot turns anticlockwise in quarter turns. imir axis 0 exchanges top
// and bottom (EXIF 4), 1 left and right (EXIF 2): the 2022 edition's wording, which libheif
// and libavif follow. Decoders apply both, so they act as EXIF orientation does elsewhere.
const irotOrientation = [1, 8, 3, 6];
const imirOrientation = [4, 2];

/**
 * Reads the primary item's `ispe` (stored size) and its irot/imir transforms from
 * meta/iprp (AVIF and HEIC). Falls back to the largest `ispe` when the associations are
 * missing, since a grid image's tiles carry their own, smaller `ispe`.
 */
export function readHeif(b: Uint8Array): HeaderInfo {
  const meta = boxes(b, 0, b.length).find((x) => x.type === 'meta');
  if (!meta) return {};
  const children = boxes(b, meta.body + 4, meta.end); // meta is a full box: skip version/flags
  const pitm = children.find((x) => x.type === 'pitm');
  let primary: number | undefined;
  // pitm version 0 holds a 16-bit item id, later versions a 32-bit one.
  if (pitm && b[pitm.body] === 0 && has(b, pitm.body, 6)) primary = be16(b, pitm.body + 4);
  else if (pitm && has(b, pitm.body, 8)) primary = be32(b, pitm.body + 4);
  const iprp = children.find((x) => x.type === 'iprp');
  if (!iprp) return {};
  const inner = boxes(b, iprp.body, iprp.end);
  const ipco = inner.find((x) => x.type === 'ipco');
  if (!ipco) return {};
  const properties = boxes(b, ipco.body, ipco.end);
  const ipma = inner.find((x) => x.type === 'ipma');
  const indices =
    ipma && primary !== undefined ? (readIpma(b, ipma).get(primary) ?? []).map((a) => a.index) : [];

  const info: HeaderInfo = {};
  let orientation = 1;
  for (const index of indices) {
    const p = properties[index - 1];
    if (!p) continue;
    if (p.type === 'ispe' && info.width === undefined) Object.assign(info, ispe(b, p));
    else if (p.type === 'irot' && has(b, p.body, 1)) {
      orientation = compose(orientation, irotOrientation[b[p.body] & 3]);
    } else if (p.type === 'imir' && has(b, p.body, 1)) {
      orientation = compose(orientation, imirOrientation[b[p.body] & 1]);
    }
  }
  if (info.width === undefined) {
    let best = 0;
    for (const p of properties) {
      const size = p.type === 'ispe' ? ispe(b, p) : {};
      if (size.width && size.height && size.width * size.height > best) {
        best = size.width * size.height;
        Object.assign(info, size);
      }
    }
  }
  info.orientation = orientation;
  return info;
}

function ispe(b: Uint8Array, p: Box): HeaderInfo {
  // Full box: version/flags, then 32-bit width and height.
  if (p.body + 12 > p.end) return {};
  return { width: dimension(be32(b, p.body + 4)), height: dimension(be32(b, p.body + 8)) };
}

/** One property of an item: its 1-based ipco index, and whether a reader must understand it. */
export interface Association {
  index: number;
  essential: boolean;
}

/** Every entry of an ipma box (ISO/IEC 23008-12 9.3): item id → its properties, in order. */
export function readIpma(b: Uint8Array, ipma: Box): Map<number, Association[]> {
  const out = new Map<number, Association[]>();
  if (!has(b, ipma.body, 8)) return out;
  const version = b[ipma.body];
  const wide = (b[ipma.body + 3] & 1) === 1;
  const entries = be32(b, ipma.body + 4);
  let o = ipma.body + 8;
  for (let i = 0; i < entries; i++) {
    const idSize = version < 1 ? 2 : 4;
    if (o + idSize + 1 > ipma.end) break;
    const id = idSize === 2 ? be16(b, o) : be32(b, o);
    const count = b[o + idSize];
    o += idSize + 1;
    if (o + count * (wide ? 2 : 1) > ipma.end) break;
    const list: Association[] = [];
    for (let j = 0; j < count; j++) {
      // The top bit flags the property as essential; the rest is the index.
      const v = wide ? be16(b, o + j * 2) : b[o + j];
      const top = wide ? 0x8000 : 0x80;
      list.push({ index: v & (top - 1), essential: (v & top) !== 0 });
    }
    o += count * (wide ? 2 : 1);
    out.set(id, list);
  }
  return out;
}
