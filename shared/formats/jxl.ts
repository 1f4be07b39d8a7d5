import { qualitySpec, losslessSpec, effortSpec } from './common-specs.js';
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
  specs: [qualitySpec(), losslessSpec(), effortSpec(1, 9, 'Slower, smaller files')],
};
