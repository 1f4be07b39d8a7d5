import type { Sharp } from 'sharp';
import type { PngOptions } from '../../shared/formats/index.js';

/**
 * PNG through sharp (libpng). The browser writes effort 0 with each row's best filter and zlib
 * 6, and runs OxiPNG at 1..6; libpng has no such search, so effort maps onto zlib's level
 * with libpng's per-row filter choice (the same heuristic as the browser's effort 0): 0 is
 * zlib 6, each step up one more, 3 and up zlib 9.
 */
export function png(pipeline: Sharp, o: PngOptions): Sharp {
  return pipeline.png({
    compressionLevel: o.effort === 0 ? 6 : Math.min(9, 6 + o.effort),
    adaptiveFiltering: true,
    // Adam7, as OxiPNG's --interlace 1.
    progressive: o.interlace,
    // Never quantise to a palette: PNG here is the lossless choice.
    palette: false,
  });
}
