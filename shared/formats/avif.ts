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
    { kind: 'int', key: 'quality', label: 'Quality', min: 0, max: 100 },
    { kind: 'boolean', key: 'lossless', label: 'Lossless' },
    { kind: 'int', key: 'effort', label: 'Effort', min: 0, max: 9 },
    {
      kind: 'choice',
      key: 'chromaSubsampling',
      label: 'Chroma subsampling',
      choices: ['4:2:0', '4:4:4'],
    },
  ],
};
