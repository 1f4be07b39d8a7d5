import type { Sharp } from 'sharp';
import type { PngOptions } from '../../shared/formats/index.js';

/**
 * PNG through sharp (libpng). The browser runs OxiPNG at `effort` 0..6; libpng has no such
 * search, so effort maps onto zlib's level and libpng's per-row filter choice: 0 is the plain
 * encoder (zlib 6, like the app's no-OxiPNG path), 1 and 2 raise the level, 2 and up also
 * try every filter per row (what OxiPNG's filter search does), 3 and up use zlib 9.
 */
export function png(pipeline: Sharp, o: PngOptions): Sharp {
  return pipeline.png({
    compressionLevel: o.effort === 0 ? 6 : Math.min(9, 6 + o.effort),
    adaptiveFiltering: o.effort >= 2,
    // Adam7, as OxiPNG's --interlace 1.
    progressive: o.interlace,
    // Never quantise to a palette: PNG here is the lossless choice.
    palette: false,
  });
}
