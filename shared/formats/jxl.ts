import type { OutputFormatMeta } from './types.js';

export interface JxlOptions {
  quality: number;
  lossless: boolean;
  /** libjxl effort 1..9 (cjxl -e). */
  effort: number;
}

export const jxl: OutputFormatMeta<JxlOptions> = {
  id: 'jxl',
  label: 'JPEG XL',
  mimeType: 'image/jxl',
  extension: 'jxl',
  extensions: ['jxl'],
  alpha: true,
  defaults: { quality: 75, lossless: false, effort: 7 },
  specs: [
    { kind: 'int', key: 'quality', label: 'Quality', min: 0, max: 100 },
    { kind: 'boolean', key: 'lossless', label: 'Lossless' },
    { kind: 'int', key: 'effort', label: 'Effort', min: 1, max: 9 },
  ],
};
