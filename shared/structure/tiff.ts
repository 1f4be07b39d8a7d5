import {
  firstDirectory,
  openTiff,
  tag,
  type TiffDirectory,
  type TiffFile,
} from '../headers/tiff.js';

// What the app's decoder (geotiff) and the server's (libvips with libtiff) both read: TIFF
// 6.0 baseline and its common extensions, as scanners and photo editors write them. Whatever
// lies outside that, or whose directories and image data are not where the file says, is
// refused here, before either decoder, so both sides give the same verdict in the same words.

// TIFF 6.0 section 3 and later registrations (libtiff's tiff.h).
const compressionNames: Record<number, string> = {
  2: 'CCITT modified Huffman (fax)',
  3: 'CCITT Group 3 (fax)',
  4: 'CCITT Group 4 (fax)',
  6: 'old-style JPEG',
  32766: 'NeXT',
  32809: 'ThunderScan',
  34661: 'JBIG',
  34676: 'SGI LogLuv',
  34677: 'SGI LogLuv',
  34712: 'JPEG 2000',
  34887: 'LERC',
  34925: 'LZMA',
  50000: 'Zstandard',
  50001: 'WebP',
  52546: 'JPEG XL',
};

const none = 1;
const jpeg = 7;
/** None, LZW, JPEG, Deflate (and its old code 32946), PackBits. */
const readCompressions = new Set([none, 5, jpeg, 8, 32946, 32773]);

const photometricNames: Record<number, string> = {
  4: 'transparency mask',
  8: 'CIELab',
  9: 'ICC Lab',
  10: 'ITU Lab',
  32803: 'colour filter array (camera RAW)',
  32844: 'LogL',
  32845: 'LogLuv',
  34892: 'linear raw',
};

const whiteIsZero = 0;
const blackIsZero = 1;
const rgb = 2;
const palette = 3;
const cmyk = 5;
const yCbCr = 6;

/** Colour samples per pixel for each photometric interpretation read, and the bit depths. */
const layouts: Record<number, { samples: number; depths: readonly number[] }> = {
  [whiteIsZero]: { samples: 1, depths: [1, 2, 4, 8, 16] },
  [blackIsZero]: { samples: 1, depths: [1, 2, 4, 8, 16] },
  [rgb]: { samples: 3, depths: [8, 16] },
  [palette]: { samples: 1, depths: [1, 2, 4, 8] },
  [cmyk]: { samples: 4, depths: [8, 16] },
  [yCbCr]: { samples: 3, depths: [8] },
};

/** Page directories walked at most: far more than any scan or export has. */
const maxPages = 10_000;

const pastEnd = (what: string, end: number, length: number) =>
  `the file is damaged or truncated (${what} at byte ${end} lies past its end at byte ${length})`;

/**
 * Why the TIFF cannot be decoded, or null when both decoders may try it. The reason reads
 * after 'Could not decode TIFF: ', e.g. 'the file is truncated (its image data runs to byte
 * 180230, past its end at byte 90111)' or 'its CCITT Group 4 (fax) compression is not
 * supported'.
 */
export function tiffProblem(b: Uint8Array): string | null {
  const file = openTiff(b);
  if (!file) return 'the file is damaged (its TIFF header is not valid)';
  const offset = file.firstDirectory();
  if (offset === undefined) return 'the file is truncated (it ends inside its header)';
  if (offset < file.headerSize) {
    return `the file is damaged (its first directory would start at byte ${offset}, inside the header)`;
  }
  const dir = firstDirectory(file);
  if (!dir) return pastEnd('its image directory', offset, b.length);
  return imageProblem(file, dir) ?? chainProblem(file, dir);
}

/** Checks the first image: what it is stored as, and that its data lies inside the file. */
function imageProblem(file: TiffFile, dir: TiffDirectory): string | null {
  const get = (t: number) => file.value(dir, t);
  const width = get(tag.imageWidth);
  const height = get(tag.imageLength);
  if (!width || !height) {
    return `the file is damaged (its first image gives a size of ${width ?? '?'} × ${height ?? '?'})`;
  }

  const compression = get(tag.compression) ?? none;
  if (!readCompressions.has(compression)) {
    const name = compressionNames[compression] ?? `number ${compression}`;
    return `its ${name} compression is not supported`;
  }
  const photometric = get(tag.photometric);
  if (photometric === undefined) {
    return 'the file is damaged (it does not say how its colours are stored)';
  }
  const layout = layouts[photometric];
  if (!layout) {
    const name = photometricNames[photometric] ?? `number ${photometric}`;
    return `its ${name} colour model is not supported`;
  }
  if (photometric === yCbCr && compression !== jpeg) {
    return 'its YCbCr colour without JPEG compression is not supported';
  }
  if (compression === jpeg && ![whiteIsZero, blackIsZero, rgb, yCbCr].includes(photometric)) {
    return 'JPEG compression of palette or CMYK images is not supported';
  }
  if (photometric === cmyk && (get(tag.inkSet) ?? 1) !== 1) {
    return 'its inks other than CMYK are not supported';
  }

  const samples = get(tag.samplesPerPixel) ?? 1;
  if (samples < layout.samples) {
    return `the file is damaged (${samples} samples per pixel are too few for its colour model)`;
  }
  if (samples > layout.samples + 1) {
    return `its ${samples - layout.samples} extra channels are not supported (one, for transparency, is)`;
  }
  const format = get(tag.sampleFormat) ?? 1;
  if (format === 2) return 'its signed-integer samples are not supported';
  if (format === 3) return 'its floating-point samples are not supported';
  if (format !== 1 && format !== 4) return `the file is damaged (sample format ${format})`;
  const depths = file.values(dir.entries.get(tag.bitsPerSample)) ?? [1];
  const bits = depths[0];
  if (depths.some((d) => d !== bits))
    return 'its samples of different bit depths are not supported';
  if (!layout.depths.includes(bits)) return `its ${bits}-bit samples are not supported`;
  const predictor = get(tag.predictor) ?? 1;
  if (predictor !== 1 && !(predictor === 2 && bits >= 8)) {
    return `its predictor ${predictor} with ${bits}-bit samples is not supported`;
  }
  if (photometric === palette) {
    const map = file.values(dir.entries.get(tag.colorMap));
    if (!map || map.length < 3 * 2 ** bits)
      return 'the file is damaged (its colour palette is missing)';
  }
  const planar = get(tag.planarConfiguration) ?? 1;
  if (planar !== 1 && planar !== 2) {
    return `the file is damaged (planar configuration ${planar})`;
  }

  // The image data: strips of whole rows, or tiles; with planar configuration 2, one set per
  // sample (TIFF 6.0 sections 3 and 15).
  const tiled = dir.entries.has(tag.tileWidth);
  const blockWidth = tiled ? get(tag.tileWidth) : width;
  const blockHeight = tiled
    ? get(tag.tileLength)
    : Math.min(get(tag.rowsPerStrip) ?? height, height);
  if (!blockWidth || !blockHeight) {
    return `the file is damaged (its ${tiled ? 'tiles' : 'strips'} have no size)`;
  }
  const planes = planar === 2 ? samples : 1;
  const across = Math.ceil(width / blockWidth);
  const down = Math.ceil(height / blockHeight);
  const needed = across * down * planes;
  const what = tiled ? 'tiles' : 'strips';
  const offsetsEntry = dir.entries.get(tiled ? tag.tileOffsets : tag.stripOffsets);
  const countsEntry = dir.entries.get(tiled ? tag.tileByteCounts : tag.stripByteCounts);
  if (!offsetsEntry || !countsEntry) return `the file is damaged (its ${what} are not listed)`;
  const offsets = file.values(offsetsEntry);
  const counts = file.values(countsEntry);
  if (!offsets || !counts) {
    return `the file is damaged or truncated (the list of its ${what} lies outside the file)`;
  }
  if (offsets.length < needed || counts.length < needed) {
    return `the file is damaged (it lists ${Math.min(offsets.length, counts.length)} ${what}, ${needed} are needed)`;
  }
  const rowBytes = Math.ceil((blockWidth * (samples / planes) * bits) / 8);
  for (let i = 0; i < needed; i++) {
    const end = offsets[i] + counts[i];
    if (end > file.bytes.length) {
      return `the file is truncated (its image data runs to byte ${end}, past its end at byte ${file.bytes.length})`;
    }
    if (compression === none) {
      // The last strip holds only the rows left; a tile is always whole.
      const top = Math.floor((i % (across * down)) / across) * blockHeight;
      const rows = tiled ? blockHeight : Math.min(blockHeight, height - top);
      if (counts[i] < rows * rowBytes) {
        return `the file is truncated (an uncompressed ${what.slice(0, -1)} holds ${counts[i]} bytes, its rows need ${rows * rowBytes})`;
      }
    }
  }
  return null;
}

/**
 * Walks the page directories after the first. Only the first page is converted, yet libtiff
 * counts the pages when it opens a file and refuses one whose chain breaks, so the chain must
 * hold for both sides to agree.
 */
function chainProblem(file: TiffFile, first: TiffDirectory): string | null {
  const seen = new Set([first.at]);
  let next = first.next;
  for (let page = 2; next !== 0; page++) {
    if (page > maxPages) return `the file has more than ${maxPages} pages`;
    if (seen.has(next)) return `the file is damaged (the directory of page ${page} loops back)`;
    if (next < file.headerSize) {
      return `the file is damaged (the directory of page ${page} would start inside the header)`;
    }
    seen.add(next);
    const dir = file.directory(next);
    if (!dir) return pastEnd(`the directory of page ${page}`, next, file.bytes.length);
    next = dir.next;
  }
  return null;
}
