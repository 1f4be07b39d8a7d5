import { addDecoder, BaseDecoder, fromArrayBuffer, type ImageFileDirectory } from 'geotiff';
import { firstDirectory, openTiff, tag } from '../../../shared/headers/tiff.js';
import { exactBuffer, type Pixels } from '../../../codecs/pixels.js';

// Browsers other than Safari do not decode TIFF, so the worker does it with geotiff (MIT,
// plain JavaScript: strips and tiles, planar configurations, BigTIFF, none / LZW / Deflate /
// PackBits / JPEG). geotiff hands back the samples as stored; this turns them into 8-bit
// RGBA as libvips does on the server. The structure check (shared/structure/tiff.ts) has
// already refused what neither side reads, so only those layouts arrive here.

/**
 * JPEG-compressed strips and tiles go to MozJPEG (libjpeg-turbo, the app's JPEG decoder)
 * instead of geotiff's own decoder: libvips decodes them with libjpeg too, which conceals
 * damaged entropy-coded data where geotiff's decoder gives up, so this keeps both sides'
 * verdicts (and pixels) the same. libjpeg also turns YCbCr into RGB, as libtiff asks of it.
 */
class LibjpegDecoder extends BaseDecoder {
  override async decodeBlock(buffer: ArrayBufferLike): Promise<ArrayBufferLike> {
    const { tables, samples } = this.parameters as JpegParameters;
    const { decode } = await import('./jpeg.js');
    // MozJPEG's fatal errors arrive as emscripten's ExitStatus, not an Error; the module
    // stays usable after one.
    const rgba = await decode(withTables(new Uint8Array(buffer), tables)).catch((e: unknown) => {
      throw new Error('libjpeg stopped on damaged JPEG data', { cause: e });
    });
    const pixels = rgba.width * rgba.height;
    const out = new Uint8Array(pixels * samples);
    for (let p = 0; p < pixels; p++) {
      for (let c = 0; c < samples; c++) out[p * samples + c] = rgba.data[p * 4 + c];
    }
    return out.buffer;
  }
}

type JpegParameters = ConstructorParameters<typeof BaseDecoder>[0] & {
  tables?: Uint8Array;
  /** Samples in each block: all of them, or one per plane with planar configuration 2. */
  samples: number;
};

/** A strip's abbreviated JPEG stream with the file's shared tables (JPEGTables) put in front. */
function withTables(strip: Uint8Array, tables?: Uint8Array): Uint8Array {
  const soi = (b: Uint8Array) => b[0] === 0xff && b[1] === 0xd8;
  if (!tables || tables.length < 4 || !soi(tables) || !soi(strip)) return strip;
  // The tables run SOI … EOI: drop their EOI and the strip's SOI.
  const head = tables[tables.length - 2] === 0xff ? tables.subarray(0, -2) : tables;
  const out = new Uint8Array(head.length + strip.length - 2);
  out.set(head);
  out.set(strip.subarray(2), head.length);
  return out;
}

async function jpegParameters(fd: ImageFileDirectory): Promise<JpegParameters> {
  const tiled = !fd.hasTag('StripOffsets');
  const planar = (await fd.loadValue('PlanarConfiguration')) ?? 1;
  const tables = await fd.loadValue('JPEGTables');
  const width = (await fd.loadValue(tiled ? 'TileWidth' : 'ImageWidth')) ?? 0;
  const height = tiled
    ? await fd.loadValue('TileLength')
    : (await fd.loadValue('RowsPerStrip')) || (await fd.loadValue('ImageLength'));
  return {
    tileWidth: width,
    tileHeight: height ?? 0,
    planarConfiguration: planar,
    bitsPerSample: (await fd.loadValue('BitsPerSample')) ?? 8,
    predictor: 1,
    tables: tables ? new Uint8Array(tables) : undefined,
    samples: planar === 2 ? 1 : ((await fd.loadValue('SamplesPerPixel')) ?? 1),
  };
}

addDecoder(7, async () => LibjpegDecoder, jpegParameters, false);

const whiteIsZero = 0;
const palette = 3;
const cmyk = 5;
/** ExtraSamples value for premultiplied ("associated") alpha. */
const associatedAlpha = 1;

/** Scales a sample of `bits` bits to 0..255: 16-bit keeps the high byte, as libvips does. */
function scaler(bits: number): (v: number) => number {
  if (bits === 16) return (v) => v >> 8;
  if (bits === 8) return (v) => v;
  const max = 2 ** bits - 1;
  const table = Array.from({ length: max + 1 }, (_, v) => Math.round((v * 255) / max));
  return (v) => table[v];
}

/** The palette's 16-bit entries as 8-bit; some writers store 8-bit values, which libtiff's tools (and libvips) detect the same way. */
function paletteColours(map: number[], entries: number): Uint8Array {
  const eightBit = map.every((v) => v < 256);
  const out = new Uint8Array(entries * 3);
  for (let i = 0; i < entries; i++) {
    for (let c = 0; c < 3; c++) {
      const v = map[c * entries + i];
      out[i * 3 + c] = eightBit ? v : v >> 8;
    }
  }
  return out;
}

/**
 * Decodes the first page to 8-bit RGBA: grey (either polarity), RGB, palette, CMYK and
 * JPEG's YCbCr, 1 to 16 bits, with one extra channel kept as alpha. The pixels are as stored:
 * the caller applies the Orientation tag, as for the other formats.
 */
export async function decode(bytes: Uint8Array): Promise<Pixels> {
  const file = openTiff(bytes);
  const dir = file && firstDirectory(file);
  if (!file || !dir) throw new Error('no TIFF image directory');
  const get = (t: number) => file.value(dir, t);
  const photometric = get(tag.photometric);
  const bits = get(tag.bitsPerSample) ?? 1;
  const extra = file.values(dir.entries.get(tag.extraSamples)) ?? [];

  const tiff = await fromArrayBuffer(exactBuffer(bytes));
  const image = await tiff.getImage(0);
  const raster = await image.readRasters({ interleave: true });
  const { width, height } = raster;
  const samples = image.getSamplesPerPixel();
  if (!(width > 0 && height > 0) || raster.length < width * height * samples) {
    throw new Error('geotiff returned fewer samples than the image has');
  }

  const scale = scaler(bits);
  // YCbCr arrives as RGB: only JPEG stores it here, and libjpeg converted it.
  const colours = photometric === cmyk ? 4 : samples >= 3 ? 3 : 1;
  const alpha = samples > colours;
  const premultiplied = alpha && extra[0] === associatedAlpha;
  const map =
    photometric === palette
      ? paletteColours(file.values(dir.entries.get(tag.colorMap)) ?? [], 2 ** bits)
      : null;
  const out = new Uint8ClampedArray(width * height * 4);
  for (let p = 0, s = 0, o = 0; p < width * height; p++, s += samples, o += 4) {
    let r: number;
    let g: number;
    let b: number;
    if (map) {
      const i = raster[s] * 3;
      r = map[i];
      g = map[i + 1];
      b = map[i + 2];
    } else if (colours === 1) {
      r = g = b = photometric === whiteIsZero ? 255 - scale(raster[s]) : scale(raster[s]);
    } else if (photometric === cmyk) {
      // Without a colour profile: each ink takes its share of the light away.
      const k = 255 - scale(raster[s + 3]);
      r = ((255 - scale(raster[s])) * k) / 255;
      g = ((255 - scale(raster[s + 1])) * k) / 255;
      b = ((255 - scale(raster[s + 2])) * k) / 255;
    } else {
      r = scale(raster[s]);
      g = scale(raster[s + 1]);
      b = scale(raster[s + 2]);
    }
    const a = alpha ? scale(raster[s + colours]) : 255;
    if (premultiplied && a < 255) {
      // libvips' unpremultiply: truncated, and nothing under no cover at all.
      r = a && Math.floor((r * 255) / a);
      g = a && Math.floor((g * 255) / a);
      b = a && Math.floor((b * 255) / a);
    }
    // Uint8ClampedArray rounds and clamps.
    out[o] = r;
    out[o + 1] = g;
    out[o + 2] = b;
    out[o + 3] = a;
  }
  return { data: out, width, height };
}
