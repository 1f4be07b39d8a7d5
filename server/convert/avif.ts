import type { Sharp } from 'sharp';
import type { AvifOptions } from '../../shared/formats/index.js';

/** AVIF through sharp (libheif + aom). Our option names are already sharp's. */
export function avif(pipeline: Sharp, o: AvifOptions): Sharp {
  return pipeline.avif({
    // libvips takes 1–100; the schema (and jSquash) allow 0, the lowest all the same.
    quality: Math.max(1, o.quality),
    lossless: o.lossless,
    // 0 (fastest) .. 9 (slowest): the scale the preset schema took from sharp.
    effort: o.effort,
    // Passed even for the default: sharp's own default is 4:4:4, ours 4:2:0.
    chromaSubsampling: o.chromaSubsampling,
    bitdepth: 8,
  });
}
