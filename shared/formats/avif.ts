import { qualitySpec, losslessSpec, effortSpec, chromaSpec } from './common-specs.js';
import type { OutputFormatMeta } from './types.js';

export interface AvifOptions {
  quality: number;
  lossless: boolean;
  /** 0 (fastest) .. 9 (smallest), as sharp's `effort`; libavif's speed is 10 - effort. */
  effort: number;
  chromaSubsampling: '4:2:0' | '4:4:4';
}

export const avif: OutputFormatMeta<AvifOptions> = {
  id: 'avif',
  label: 'AVIF',
  mimeType: 'image/avif',
  extension: 'avif',
  extensions: ['avif'],
  alpha: true,
  // Effort 2 (speed 8): speed 6 costs ~8 s per 2 MP image on one core, too slow for batches.
  defaults: { quality: 50, lossless: false, effort: 2, chromaSubsampling: '4:2:0' },
  specs: [
    qualitySpec(),
    losslessSpec(),
    effortSpec(0, 9, 'Slower, smaller files; above 4 a batch takes much longer'),
    chromaSpec(),
  ],
};
