import type { OutputFormatMeta } from './types.js';

export interface PngOptions {
  /** OxiPNG optimisation level 0..6; 0 writes the plain encoder's output. */
  effort: number;
  interlace: boolean;
}

export const png: OutputFormatMeta<PngOptions> = {
  id: 'png',
  label: 'PNG',
  mimeType: 'image/png',
  extension: 'png',
  extensions: ['png', 'apng'],
  alpha: true,
  defaults: { effort: 2, interlace: false },
  specs: [
    { kind: 'int', key: 'effort', label: 'Effort', min: 0, max: 6 },
    { kind: 'boolean', key: 'interlace', label: 'Interlace' },
  ],
};
