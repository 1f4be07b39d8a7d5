import type { Sharp } from 'sharp';
import type { JpegOptions } from '../../shared/formats/index.js';

/** JPEG through sharp's bundled MozJPEG, set up like the browser's MozJPEG (jSquash). */
export function jpeg(pipeline: Sharp, o: JpegOptions): Sharp {
  return pipeline.jpeg({
    // libvips takes 1–100; the schema (and jSquash) allow 0, the lowest all the same.
    quality: Math.max(1, o.quality),
    progressive: o.progressive,
    chromaSubsampling: o.chromaSubsampling,
    // What sharp's `mozjpeg: true` turns on, spelt out because that shortcut also forces
    // progressive, and a preset may ask for baseline. MozJPEG's own defaults (cjpeg, and
    // Squoosh): trellis quantisation, overshoot deringing, quantisation table 3.
    trellisQuantisation: true,
    overshootDeringing: true,
    // Scan optimisation only exists for progressive files.
    optimiseScans: o.progressive,
    quantisationTable: 3,
  });
}
