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
  defaults: { quality: 75, lossless: false, effort: 4 },
  specs: [
    { kind: 'int', key: 'quality', label: 'Quality', min: 0, max: 100 },
    { kind: 'boolean', key: 'lossless', label: 'Lossless' },
    { kind: 'int', key: 'effort', label: 'Effort', min: 0, max: 6 },
  ],
};
