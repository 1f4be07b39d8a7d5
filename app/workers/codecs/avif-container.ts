import { boxes, readIpma, type Association, type Box } from '../../../shared/headers/bmff.js';
import { ascii, be16, be32, concatBytes } from '../../../shared/headers/bytes.js';

// libavif's strict mode (the default; jSquash's decoder sets nothing else) refuses three things
// (avif.h, avifStrictFlag):
// - an AV1 item without a `pixi` property (libheif's example.avif, written by libheif 1.9.1,
//   has none);
// - a `clap` (clean aperture) whose crop does not land on whole pixels;
// - an alpha item without an `ispe` of its own.
// Chromium's libavif allows the first two; libheif (the sync server's sharp) all three. Firefox
// (153 ESR, measured) refuses every file with a `clap`, valid or not, so a cropped AVIF without
// `pixi` reads in Chromium and in neither Firefox nor jSquash.
// Rewriting the container repairs all three without touching the AV1 data: `pixi` follows from
// the item's `av1C`, the alpha item borrows the primary's `ispe`, and `clap` goes, since
// neither Chromium nor libavif's decoder applies it (both give the whole coded image).

interface Item {
  id: number;
  type: string;
  data: Uint8Array;
  associations: Association[];
}

/**
 * The same AVIF with what libavif's strict parser refuses repaired (see above), or null when
 * there is nothing to repair or the structure is one this does not rewrite (external data,
 * item-offset construction, truncated boxes): the caller keeps the original decoder's error.
 *
 * @example repairAvifContainer(bytes) ?? bytes  // what to hand jSquash's decoder
 */
export function repairAvifContainer(b: Uint8Array): Uint8Array | null {
  const top = boxes(b, 0, b.length);
  const ftyp = top[0]?.type === 'ftyp' ? top[0] : undefined;
  const meta = top.find((x) => x.type === 'meta');
  if (!ftyp || !meta || !complete(b, ftyp) || !complete(b, meta)) return null;
  const children = boxes(b, meta.body + 4, meta.end);
  const child = (type: string) => children.find((x) => x.type === type);
  const iloc = child('iloc');
  const iinf = child('iinf');
  const iprp = child('iprp');
  const pitm = child('pitm');
  if (!iloc || !iinf || !iprp || !pitm || !children.every((x) => complete(b, x))) return null;
  const inner = boxes(b, iprp.body, iprp.end);
  const ipco = inner.find((x) => x.type === 'ipco');
  const ipmas = inner.filter((x) => x.type === 'ipma');
  if (!ipco || ipmas.length === 0) return null;
  const properties = boxes(b, ipco.body, ipco.end);
  if (!properties.every((p) => complete(b, p))) return null;

  const data = itemData(b, iloc, child('idat'));
  const types = itemTypes(b, iinf);
  const associated = new Map<number, Association[]>();
  for (const ipma of ipmas) {
    for (const [id, list] of readIpma(b, ipma)) associated.set(id, list);
  }
  if (!data) return null;
  const primary = b[pitm.body] === 0 ? be16(b, pitm.body + 4) : be32(b, pitm.body + 4);

  const added: Uint8Array[] = [];
  const kind = (a: Association) => properties[a.index - 1]?.type;
  const items: Item[] = [];
  let changed = false;
  for (const [id, bytes] of data) {
    const type = types.get(id) ?? '';
    const original = associated.get(id) ?? [];
    const associations = original.filter((a) => kind(a) !== 'clap');
    if (associations.length !== original.length) changed = true;
    if (type === 'av01' && !associations.some((a) => kind(a) === 'pixi')) {
      const av1C = associations.map((a) => properties[a.index - 1]).find((p) => p?.type === 'av1C');
      if (av1C && av1C.body + 3 <= av1C.end) {
        added.push(pixiFromAv1C(b[av1C.body + 2]));
        associations.push({ index: properties.length + added.length, essential: false });
        changed = true;
      }
    }
    items.push({ id, type, data: bytes, associations });
  }
  // An auxiliary image (alpha, depth) has the primary's size (MIAF 7.3.5).
  const primarySize = items
    .find((it) => it.id === primary)
    ?.associations.find((a) => kind(a) === 'ispe');
  for (const it of items) {
    const auxiliary = it.associations.some((a) => kind(a) === 'auxC');
    if (auxiliary && primarySize && !it.associations.some((a) => kind(a) === 'ispe')) {
      it.associations.unshift({ index: primarySize.index, essential: false });
      changed = true;
    }
  }
  if (!changed) return null;

  // A clap no item points at any more becomes padding: the other properties keep their index.
  const propertyBytes = [
    ...properties.map((p) => (p.type === 'clap' ? free(b, p) : b.subarray(p.start, p.end))),
    ...added,
  ];
  const newIprp = box('iprp', [box('ipco', propertyBytes), ipmaBox(items, propertyBytes.length)]);
  // iloc's size does not depend on the offsets it holds, so lay it out once to measure.
  const wideIds = items.some((it) => it.id > 0xffff);
  const ilocSize = box('iloc', [ilocBody(items, 0, wideIds)]).length;
  const kept = children.filter((x) => x.type !== 'idat');
  const metaSize =
    12 +
    kept.reduce(
      (n, x) => n + (x === iloc ? ilocSize : x === iprp ? newIprp.length : x.end - x.start),
      0,
    );
  const mdatStart = ftyp.end - ftyp.start + metaSize;
  const newMeta = fullBox(
    'meta',
    0,
    kept.map((x) =>
      x === iloc
        ? box('iloc', [ilocBody(items, mdatStart + 8, wideIds)])
        : x === iprp
          ? newIprp
          : b.subarray(x.start, x.end),
    ),
  );
  const mdat = box(
    'mdat',
    items.map((it) => it.data),
  );
  if (mdatStart + mdat.length > 0xffffffff) return null;
  return concatBytes([b.subarray(ftyp.start, ftyp.end), newMeta, mdat]);
}

/** True when the box's declared size fits in the buffer (boxes() clips it otherwise). */
function complete(b: Uint8Array, x: Box): boolean {
  const size = be32(b, x.start);
  return size === 1 || size === 0 || x.start + size === x.end;
}

/**
 * `pixi` (ISO/IEC 23008-12 6.5.6) for an AV1 item, from the third byte of its `av1C`
 * (AV1-ISOBMFF 2.3.3: tier, high_bitdepth, twelve_bit, monochrome, then chroma fields).
 */
function pixiFromAv1C(flags: number): Uint8Array {
  const depth = flags & 0x40 ? (flags & 0x20 ? 12 : 10) : 8;
  const channels = flags & 0x10 ? 1 : 3;
  return fullBox('pixi', 0, [Uint8Array.of(channels, ...Array<number>(channels).fill(depth))]);
}

/** Every item's bytes, its extents joined; null for data this cannot copy. */
function itemData(b: Uint8Array, iloc: Box, idat: Box | undefined): Map<number, Uint8Array> | null {
  const version = b[iloc.body];
  let o = iloc.body + 4;
  // Field sizes in iloc are 0, 4 or 8 bytes (16-bit counts and ids: 2).
  const read = (n: number): number => {
    const v =
      n === 0
        ? 0
        : n === 2
          ? be16(b, o)
          : n === 4
            ? be32(b, o)
            : n === 8
              ? be32(b, o) * 2 ** 32 + be32(b, o + 4)
              : NaN;
    o += n;
    return v;
  };
  if (o + 2 > iloc.end) return null;
  const offsetSize = b[o] >> 4;
  const lengthSize = b[o] & 15;
  const baseSize = b[o + 1] >> 4;
  const indexSize = version > 0 ? b[o + 1] & 15 : 0;
  o += 2;
  const count = read(version < 2 ? 2 : 4);
  const out = new Map<number, Uint8Array>();
  for (let i = 0; i < count; i++) {
    const id = read(version < 2 ? 2 : 4);
    const method = version > 0 ? read(2) & 15 : 0;
    const reference = read(2);
    const base = read(baseSize);
    const extents = read(2);
    // 0: offsets into this file; 1: into idat. 2 (item offsets) and external files: not here.
    const source =
      method === 0
        ? { from: 0, to: b.length }
        : method === 1 && idat
          ? { from: idat.body, to: idat.end }
          : undefined;
    if (!source || reference !== 0 || o > iloc.end) return null;
    const parts: Uint8Array[] = [];
    for (let e = 0; e < extents; e++) {
      read(indexSize);
      const offset = read(offsetSize);
      const length = read(lengthSize);
      if (o > iloc.end || Number.isNaN(offset + length)) return null;
      const start = source.from + base + offset;
      // A length of 0 means "to the end of the source" (ISO/IEC 14496-12 8.11.3.3).
      const end = length === 0 ? source.to : start + length;
      if (end > source.to) return null;
      parts.push(b.subarray(start, end));
    }
    out.set(id, concatBytes(parts));
  }
  return out;
}

/** Item id → item type (infe versions 2 and 3; older ones carry no type). */
function itemTypes(b: Uint8Array, iinf: Box): Map<number, string> {
  const out = new Map<number, string>();
  const first = iinf.body + (b[iinf.body] === 0 ? 6 : 8);
  for (const infe of boxes(b, first, iinf.end)) {
    if (infe.type !== 'infe') continue;
    const version = b[infe.body];
    if (version === 2 && infe.body + 12 <= infe.end) {
      out.set(be16(b, infe.body + 4), ascii(b, infe.body + 8, 4));
    } else if (version === 3 && infe.body + 14 <= infe.end) {
      out.set(be32(b, infe.body + 4), ascii(b, infe.body + 10, 4));
    }
  }
  return out;
}

function ipmaBox(items: Item[], propertyCount: number): Uint8Array {
  const wideIds = items.some((it) => it.id > 0xffff);
  const wide = propertyCount > 0x7f;
  const withProperties = items.filter((it) => it.associations.length > 0);
  const parts: number[] = [...u32(withProperties.length)];
  for (const it of withProperties) {
    parts.push(...(wideIds ? u32(it.id) : u16(it.id)), it.associations.length);
    for (const a of it.associations) {
      if (wide) parts.push(...u16(a.index | (a.essential ? 0x8000 : 0)));
      else parts.push(a.index | (a.essential ? 0x80 : 0));
    }
  }
  return fullBox('ipma', ((wideIds ? 1 : 0) << 24) | (wide ? 1 : 0), [Uint8Array.from(parts)]);
}

/** iloc version 0 (2 for 32-bit ids): one extent per item, 32-bit offsets into the mdat. */
function ilocBody(items: Item[], dataStart: number, wideIds: boolean): Uint8Array {
  const parts: number[] = [wideIds ? 2 : 0, 0, 0, 0, 0x44, 0x00];
  parts.push(...(wideIds ? u32(items.length) : u16(items.length)));
  let offset = dataStart;
  for (const it of items) {
    parts.push(...(wideIds ? u32(it.id) : u16(it.id)));
    if (wideIds) parts.push(0, 0); // construction method 0
    parts.push(0, 0, 0, 1, ...u32(offset), ...u32(it.data.length));
    offset += it.data.length;
  }
  return Uint8Array.from(parts);
}

/** The box's bytes as a 'free' box of the same size. */
function free(b: Uint8Array, p: Box): Uint8Array {
  const out = b.slice(p.start, p.end);
  out.set([0x66, 0x72, 0x65, 0x65], p.body - p.start - 4);
  return out;
}

function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}

function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

function box(type: string, parts: Uint8Array[]): Uint8Array {
  const size = 8 + parts.reduce((n, p) => n + p.length, 0);
  const header = Uint8Array.from([...u32(size), ...Array.from(type, (c) => c.charCodeAt(0))]);
  return concatBytes([header, ...parts]);
}

/** A full box: `versionAndFlags` is version << 24 | flags. */
function fullBox(type: string, versionAndFlags: number, parts: Uint8Array[]): Uint8Array {
  return box(type, [Uint8Array.from(u32(versionAndFlags)), ...parts]);
}
