import { qualitySpec, losslessSpec, effortSpec } from './common-specs.js';
import type { OutputFormatMeta } from './types.js';

export interface WebpOptions {
  quality: number;
  lossless: boolean;
  /** libwebp's `method` (config_enc.c: 0..6); sharp calls it `effort`. */
  effort: number;
}

export const webp: OutputFormatMeta<WebpOptions> = {
  id: 'webp',
  label: 'WebP',
  mimeType: 'image/webp',
  extension: 'webp',
  extensions: ['webp'],
  alpha: true,
  // Effort 3, not libwebp's 4: on photos at quality 75 it gives the same size (−0.3 %) and
  // PSNR (−0.01 dB), and it is the method of Chromium's canvas encoder, native code that takes
  // ~0.7× jSquash's time (app/workers/codecs/webp-canvas.ts, docs/BENCHMARKS.md).
  defaults: { quality: 75, lossless: false, effort: 3 },
  specs: [qualitySpec(), losslessSpec(), effortSpec(0, 6, 'Slower, slightly smaller files')],
};
