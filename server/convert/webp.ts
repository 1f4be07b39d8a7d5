import type { Sharp } from 'sharp';
import type { WebpOptions } from '../../shared/formats/index.js';

/** WebP through sharp (libwebp, like jSquash's encoder). */
export function webp(pipeline: Sharp, o: WebpOptions): Sharp {
  return pipeline.webp({
    quality: o.quality,
    lossless: o.lossless,
    // Our `effort` is libwebp's `method` (0..6, config_enc.c); sharp calls it effort too.
    effort: o.effort,
  });
}
