// Hand-built TIFF files for the layouts sharp does not write (palette, associated alpha,
// WhiteIsZero, unusual tags) and for damage at exact places: uncompressed strips, then the
// out-of-line values, then the directory, as libtiff lays files out.

export const SHORT = 3;
export const LONG = 4;

export interface TiffEntrySpec {
  tag: number;
  type: typeof SHORT | typeof LONG;
  values: number[];
}

export interface TiffSpec {
  width: number;
  height: number;
  /** Samples per pixel (default 1). */
  samples?: number;
  /** Bits per sample (default 8). */
  bits?: number;
  photometric: number;
  /** The packed rows, uncompressed, each row padded to a whole byte. */
  pixels: Uint8Array;
  /** Rows per strip (default all). */
  rowsPerStrip?: number;
  /** Big-endian ('MM') instead of little-endian ('II'). */
  bigEndian?: boolean;
  /** More tags, or replacements for the ones written by default. */
  tags?: TiffEntrySpec[];
  /** Leaves out the default tags named. */
  omit?: number[];
}

export interface BuiltTiff {
  bytes: Uint8Array;
  /** Where the directory starts. */
  ifd: number;
  /** Where the first strip starts. */
  data: number;
}

/** A classic (32-bit offset) TIFF of one page, uncompressed. */
export function buildTiff(spec: TiffSpec): BuiltTiff {
  const samples = spec.samples ?? 1;
  const bits = spec.bits ?? 8;
  const rowBytes = Math.ceil((spec.width * samples * bits) / 8);
  const rowsPerStrip = spec.rowsPerStrip ?? spec.height;
  const strips = Math.ceil(spec.height / rowsPerStrip);
  const offsets: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < strips; i++) {
    const rows = Math.min(rowsPerStrip, spec.height - i * rowsPerStrip);
    offsets.push(8 + i * rowsPerStrip * rowBytes);
    counts.push(rows * rowBytes);
  }
  const defaults: TiffEntrySpec[] = [
    { tag: 256, type: LONG, values: [spec.width] },
    { tag: 257, type: LONG, values: [spec.height] },
    { tag: 258, type: SHORT, values: Array(samples).fill(bits) },
    { tag: 259, type: SHORT, values: [1] },
    { tag: 262, type: SHORT, values: [spec.photometric] },
    { tag: 273, type: LONG, values: offsets },
    { tag: 277, type: SHORT, values: [samples] },
    { tag: 278, type: LONG, values: [rowsPerStrip] },
    { tag: 279, type: LONG, values: counts },
  ];
  const byTag = new Map<number, TiffEntrySpec>();
  for (const e of [...defaults, ...(spec.tags ?? [])]) byTag.set(e.tag, e);
  for (const t of spec.omit ?? []) byTag.delete(t);
  const entries = [...byTag.values()].sort((a, b) => a.tag - b.tag);

  const little = !spec.bigEndian;
  const out: number[] = [];
  const u16 = (v: number) => (little ? [v & 0xff, v >> 8] : [v >> 8, v & 0xff]);
  const u32 = (v: number) => {
    const b = [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];
    return little ? b : b.reverse();
  };
  const value = (type: number, v: number) => (type === SHORT ? u16(v) : u32(v));

  out.push(...(little ? [0x49, 0x49, 42, 0] : [0x4d, 0x4d, 0, 42]), 0, 0, 0, 0);
  out.push(...spec.pixels);
  // Out-of-line values, each word-aligned.
  const outOfLine = new Map<TiffEntrySpec, number>();
  for (const e of entries) {
    const size = e.values.length * (e.type === SHORT ? 2 : 4);
    if (size <= 4) continue;
    if (out.length % 2) out.push(0);
    outOfLine.set(e, out.length);
    for (const v of e.values) out.push(...value(e.type, v));
  }
  if (out.length % 2) out.push(0);
  const ifd = out.length;
  out.splice(4, 4, ...u32(ifd));
  out.push(...u16(entries.length));
  for (const e of entries) {
    out.push(...u16(e.tag), ...u16(e.type), ...u32(e.values.length));
    const at = outOfLine.get(e);
    if (at !== undefined) out.push(...u32(at));
    else {
      const inline = e.values.flatMap((v) => value(e.type, v));
      out.push(...inline, ...Array(4 - inline.length).fill(0));
    }
  }
  out.push(0, 0, 0, 0);
  return { bytes: new Uint8Array(out), ifd, data: 8 };
}

/** Where the entry for `tagId` starts in a classic little-endian TIFF's directory at `ifd`. */
export function entryAt(b: Uint8Array, ifd: number, tagId: number): number {
  const count = b[ifd] | (b[ifd + 1] << 8);
  for (let i = 0; i < count; i++) {
    const at = ifd + 2 + i * 12;
    if ((b[at] | (b[at + 1] << 8)) === tagId) return at;
  }
  throw new Error(`no tag ${tagId}`);
}

export function setLe32(b: Uint8Array, at: number, v: number): void {
  new DataView(b.buffer, b.byteOffset).setUint32(at, v, true);
}

/** `bytes` with `count` bytes XOR-ed from `at` (a fraction of the length) on, 97 apart. */
export function damage(bytes: Uint8Array, at: number, count: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < count; i++) {
    const o = Math.floor(out.length * at) + i * 97;
    if (o < out.length) out[o] ^= 0x55;
  }
  return out;
}

/** The first `fraction` of the bytes. */
export const cut = (bytes: Uint8Array, fraction: number) =>
  bytes.slice(0, Math.floor(bytes.length * fraction));

export interface CorpusFile {
  bytes: Uint8Array;
  /** What both sides must make of it. */
  verdict: 'done' | 'failed';
}

/**
 * TIFF files as scanners and editors write them, and as they break, made with sharp's TIFF
 * writer (libtiff) from one of the shared photos at test time: 8- and 16-bit RGB, grey, RGBA,
 * none / LZW / Deflate / PackBits / JPEG, tiles, two pages, a turned photo; then cut short,
 * overwritten, and with directory and strip offsets pointing past the end.
 */
export async function tiffCorpus(photo: Uint8Array): Promise<Record<string, CorpusFile>> {
  const { default: sharp } = await import('sharp');
  const small = sharp(photo).resize(240);
  const tiff = async (s: import('sharp').Sharp, options: import('sharp').TiffOptions = {}) =>
    new Uint8Array(await s.tiff(options).toBuffer());
  const rgb = await tiff(small.clone(), { compression: 'none' });
  const lzw = await tiff(small.clone(), { compression: 'lzw' });
  const deflate = await tiff(small.clone(), { compression: 'deflate' });
  const jpeg = await tiff(small.clone(), { compression: 'jpeg', quality: 85 });
  const packbits = await tiff(small.clone(), { compression: 'packbits' });
  const red = sharp({ create: { width: 60, height: 40, channels: 3, background: '#d22' } });
  const blue = sharp({ create: { width: 60, height: 40, channels: 3, background: '#22d' } });
  const pages = await tiff(
    sharp([await red.png().toBuffer(), await blue.png().toBuffer()], { join: { animated: true } }),
    { compression: 'lzw' },
  );

  // The first directory's offset sits in bytes 4..7 of a little-endian file; sharp writes the
  // directories after the image data, so a cut file loses them.
  const withIfdOffset = (b: Uint8Array, offset: number) => {
    const out = new Uint8Array(b);
    setLe32(out, 4, offset);
    return out;
  };
  const ifd0 = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getUint32(4, true);
  const withStripPastEnd = (b: Uint8Array) => {
    const out = new Uint8Array(b);
    const at = entryAt(out, ifd0(out), 273);
    // One strip: its offset is inline in the entry.
    setLe32(out, at + 8, out.length - 10);
    return out;
  };
  /** An unknown marker halfway through the one strip's JPEG data: fatal to libjpeg. */
  const withJpegMarker = (b: Uint8Array) => {
    const out = new Uint8Array(b);
    const view = new DataView(out.buffer, out.byteOffset);
    const ifd = ifd0(out);
    const offset = view.getUint32(entryAt(out, ifd, 273) + 8, true);
    const count = view.getUint32(entryAt(out, ifd, 279) + 8, true);
    out.set([0xff, 0x55], offset + Math.floor(count / 2));
    return out;
  };
  const withNextPage = (b: Uint8Array, next: number) => {
    const out = new Uint8Array(b);
    const first = ifd0(out);
    const count = out[first] | (out[first + 1] << 8);
    setLe32(out, first + 2 + count * 12, next);
    return out;
  };

  return {
    'rgb8-none.tif': { bytes: rgb, verdict: 'done' },
    'rgb8-lzw.tif': { bytes: lzw, verdict: 'done' },
    'rgb8-deflate.tif': { bytes: deflate, verdict: 'done' },
    'rgb8-packbits.tif': { bytes: packbits, verdict: 'done' },
    'rgb8-jpeg.tif': { bytes: jpeg, verdict: 'done' },
    'rgb16-lzw.tif': {
      bytes: await tiff(small.clone().toColourspace('rgb16'), { compression: 'lzw' }),
      verdict: 'done',
    },
    'grey8-deflate.tif': {
      bytes: await tiff(small.clone().greyscale(), { compression: 'deflate' }),
      verdict: 'done',
    },
    'grey16.tif': {
      bytes: await tiff(small.clone().toColourspace('grey16'), { compression: 'none' }),
      verdict: 'done',
    },
    'rgba8-lzw.tif': {
      bytes: await tiff(small.clone().ensureAlpha(0.5), { compression: 'lzw' }),
      verdict: 'done',
    },
    'rgb8-tiled.tif': {
      bytes: await tiff(small.clone(), { tile: true, tileWidth: 64, tileHeight: 64 }),
      verdict: 'done',
    },
    'two-pages.tif': { bytes: pages, verdict: 'done' },
    'turned-6.tif': {
      bytes: await tiff(small.clone().withMetadata({ orientation: 6 }), { compression: 'lzw' }),
      verdict: 'done',
    },
    'cut-50.tif': { bytes: cut(lzw, 0.5), verdict: 'failed' },
    'cut-99.tif': { bytes: cut(rgb, 0.99), verdict: 'failed' },
    'ifd-past-end.tif': { bytes: withIfdOffset(lzw, lzw.length + 1000), verdict: 'failed' },
    'ifd-in-header.tif': { bytes: withIfdOffset(lzw, 2), verdict: 'failed' },
    'strip-past-end.tif': { bytes: withStripPastEnd(rgb), verdict: 'failed' },
    'page-2-past-end.tif': {
      bytes: withNextPage(pages, pages.length + 64),
      verdict: 'failed',
    },
    'pages-loop.tif': { bytes: withNextPage(pages, ifd0(pages)), verdict: 'failed' },
    'lzw-bad-bytes.tif': { bytes: damage(lzw, 0.3, 50), verdict: 'failed' },
    'deflate-bad-bytes.tif': { bytes: damage(deflate, 0.3, 50), verdict: 'failed' },
    // libjpeg conceals damaged entropy-coded data on both sides, as browsers do for JPEG…
    'jpeg-bad-bytes.tif': { bytes: damage(jpeg, 0.3, 50), verdict: 'done' },
    // …and stops at a marker it does not know.
    'jpeg-bad-marker.tif': { bytes: withJpegMarker(jpeg), verdict: 'failed' },
    // Uncompressed samples carry no check: overwritten bytes are just other colours.
    'none-bad-bytes.tif': { bytes: damage(rgb, 0.3, 50), verdict: 'done' },
  };
}
