import { effortSpec, progressiveHelp } from './common-specs.js';
import type { OutputFormatMeta } from './types.js';

export interface PngOptions {
  /**
   * 0: each row's best filter and the platform's zlib (fast, about OxiPNG level 0's size);
   * 1..6: OxiPNG's optimisation level, slower for a few % smaller files.
   */
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
  // 0: a 12 MP photo in ~1 s, where OxiPNG level 2 took ~10 s for 6 % smaller (BENCHMARKS).
  defaults: { effort: 0, interlace: false },
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
