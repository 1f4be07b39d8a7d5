import { effortSpec, progressiveHelp } from './common-specs.js';
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
    effortSpec(0, 6, 'Slower, smaller files; the picture stays the same'),
    {
      kind: 'boolean',
      key: 'interlace',
      label: 'Interlace',
      help: `${progressiveHelp}; files are bigger`,
    },
  ],
};
