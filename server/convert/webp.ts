import type { Sharp } from 'sharp';
import type { WebpOptions } from '../../shared/formats/index.js';

/** WebP through sharp (libwebp, like jSquash's encoder). */
export function webp(pipeline: Sharp, o: WebpOptions): Sharp {
  return pipeline.webp({
    // libvips takes 1–100; the schema (and jSquash) allow 0, the lowest all the same.
    quality: Math.max(1, o.quality),
    lossless: o.lossless,
    // Our `effort` is libwebp's `method` (0..6, config_enc.c); sharp calls it effort too.
    effort: o.effort,
  });
}
