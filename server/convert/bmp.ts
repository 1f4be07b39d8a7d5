import type { Pixels } from '../../codecs/pixels.js';

// sharp's prebuilt libvips reads BMP only through ImageMagick, which it does not ship, and no
// small, maintained npm decoder exists (bmp-js is unmaintained since 2018), so BMP is decoded
// here: uncompressed 1/4/8-bit palette, 16-bit (5-5-5 or bit fields), 24-bit and 32-bit
// (with or without bit fields), bottom-up or top-down; the BMP, OS/2 and V4/V5 headers.
// RLE-compressed, JPEG- and PNG-in-BMP files fail with a reason. Every read is bounds-checked.

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

const u16 = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const u32 = (b: Uint8Array, o: number) =>
  b[o + 3] * 0x1000000 + ((b[o + 2] << 16) | (b[o + 1] << 8) | b[o]);
const i32 = (b: Uint8Array, o: number) => u32(b, o) | 0;

/** Reads the value under `mask` scaled to 0..255. */
function channel(v: number, mask: number): number {
  if (mask === 0) return 0;
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  const max = mask >>> shift;
  return Math.round((((v & mask) >>> shift) * 255) / max);
}

const compressionNames: Record<number, string> = {
  1: 'RLE8',
  2: 'RLE4',
  4: 'JPEG',
  5: 'PNG',
};

/** Decodes a BMP to RGBA; throws an Error saying why for what it does not read. */
export function decodeBmp(b: Uint8Array): Pixels {
  if (b.length < 26 || b[0] !== 0x42 || b[1] !== 0x4d) throw new Error('not a BMP file');
  const dataOffset = u32(b, 10);
  const headerSize = u32(b, 14);
  const core = headerSize === 12;
  if (b.length < 14 + headerSize) throw new Error('the file is truncated (inside its header)');
  const width = core ? u16(b, 18) : i32(b, 18);
  const rawHeight = core ? u16(b, 20) : i32(b, 22);
  const bpp = core ? u16(b, 24) : u16(b, 28);
  const compression = core ? BI_RGB : u32(b, 30);
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (width < 1 || height < 1) throw new Error(`its header gives a size of ${width} × ${height}`);
  if (compressionNames[compression]) {
    throw new Error(`${compressionNames[compression]}-compressed BMP is not supported`);
  }
  if (![BI_RGB, BI_BITFIELDS, BI_ALPHABITFIELDS].includes(compression)) {
    throw new Error(`unknown BMP compression ${compression}`);
  }

  // Bit fields follow a 40-byte header (BI_BITFIELDS) or sit inside the V2..V5 headers.
  let masks: [number, number, number, number] | null = null;
  if (compression !== BI_RGB) {
    const at = 14 + 40;
    const n = compression === BI_ALPHABITFIELDS || headerSize >= 56 ? 4 : 3;
    if (b.length < at + n * 4) throw new Error('the file is truncated (inside its bit fields)');
    masks = [u32(b, at), u32(b, at + 4), u32(b, at + 8), n === 4 ? u32(b, at + 12) : 0];
  } else if (bpp === 16) {
    masks = [0x7c00, 0x03e0, 0x001f, 0];
  }

  let palette: Uint8Array | null = null;
  if (bpp <= 8) {
    if (![1, 4, 8].includes(bpp)) throw new Error(`${bpp}-bit BMP is not supported`);
    const entry = core ? 3 : 4;
    const used = core ? 1 << bpp : u32(b, 46) || 1 << bpp;
    const at = 14 + headerSize;
    const count = Math.min(used, 256, Math.floor((b.length - at) / entry));
    palette = new Uint8Array(256 * 4);
    for (let i = 0; i < count; i++) {
      palette.set([b[at + i * entry + 2], b[at + i * entry + 1], b[at + i * entry], 255], i * 4);
    }
  } else if (![16, 24, 32].includes(bpp)) {
    throw new Error(`${bpp}-bit BMP is not supported`);
  }

  const stride = Math.ceil((width * bpp) / 32) * 4;
  if (dataOffset + stride * (height - 1) + Math.ceil((width * bpp) / 8) > b.length) {
    throw new Error('the file is truncated (its pixel data is incomplete)');
  }
  const out = new Uint8ClampedArray(width * height * 4);
  let anyAlpha = false;
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * stride;
    let o = y * width * 4;
    for (let x = 0; x < width; x++, o += 4) {
      if (palette) {
        const bit = x * bpp;
        const byte = b[row + (bit >> 3)];
        const index = (byte >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        out.set(palette.subarray(index * 4, index * 4 + 4), o);
      } else if (bpp === 24 || (bpp === 32 && !masks)) {
        const p = row + x * (bpp / 8);
        out[o] = b[p + 2];
        out[o + 1] = b[p + 1];
        out[o + 2] = b[p];
        // BI_RGB 32-bit: the fourth byte is unused padding, not alpha.
        out[o + 3] = 255;
      } else {
        const v = bpp === 16 ? u16(b, row + x * 2) : u32(b, row + x * 4);
        const [r, g, bl, a] = masks!;
        out[o] = channel(v, r);
        out[o + 1] = channel(v, g);
        out[o + 2] = channel(v, bl);
        out[o + 3] = a ? channel(v, a) : 255;
        if (a && out[o + 3] !== 0) anyAlpha = true;
      }
    }
  }
  // An alpha mask whose values are all 0 is a writer that filled it with nothing: browsers
  // show such files opaque, and so do we.
  if (masks?.[3] && !anyAlpha) for (let i = 3; i < out.length; i += 4) out[i] = 255;
  return { data: out, width, height };
}
