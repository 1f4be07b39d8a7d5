import { qualitySpec, chromaSpec, progressiveHelp } from './common-specs.js';
import type { OutputFormatMeta } from './types.js';

export interface JpegOptions {
  quality: number;
  progressive: boolean;
  /** '4:2:0' halves chroma both ways (smaller); '4:4:4' keeps it (sharper red/blue edges). */
  chromaSubsampling: '4:2:0' | '4:4:4';
}

export const jpeg: OutputFormatMeta<JpegOptions> = {
  id: 'jpeg',
  label: 'JPEG',
  mimeType: 'image/jpeg',
  extension: 'jpg',
  extensions: ['jpg', 'jpeg', 'jpe', 'jfif'],
  alpha: false,
  defaults: { quality: 75, progressive: true, chromaSubsampling: '4:2:0' },
  specs: [
    qualitySpec(),
    {
      kind: 'boolean',
      key: 'progressive',
      label: 'Progressive',
      help: `${progressiveHelp}; usually a little smaller`,
    },
    chromaSpec(),
  ],
};
