import { outputFormats } from '../../../shared/formats/index.js';
import { builtInPresets, type Preset } from '../../../shared/presets/index.js';

const [web, email, , avif] = builtInPresets;

/** Presets as the app's editor can leave them: every kind of setting changed somewhere. */
export const edited: Preset[] = [
  {
    ...web,
    id: 'u1',
    name: 'Quality 60',
    builtIn: false,
    output: { format: 'webp', options: { ...outputFormats.webp.defaults, quality: 60, effort: 6 } },
  },
  {
    ...email,
    id: 'u2',
    name: 'Cover',
    builtIn: false,
    resize: { ...email.resize, fit: 'cover', maxHeight: 900, enlarge: true, method: 'catrom' },
    metadata: 'keep-no-gps',
    background: '#1a2b3c',
  },
  {
    ...web,
    id: 'u3',
    name: 'JXL lossless',
    builtIn: false,
    output: { format: 'jxl', options: { ...outputFormats.jxl.defaults, lossless: true } },
  },
  {
    ...avif,
    id: 'u4',
    name: 'Size target',
    builtIn: false,
    target: {
      mode: 'size',
      maxKB: 150,
      shrink: true,
      level: 'high',
      metric: 'butteraugli',
      keepOriginal: true,
      minSaving: 10,
    },
    alsoTry: ['webp', 'jpeg'],
  },
  {
    ...web,
    id: 'u5',
    name: "Ladder's",
    builtIn: false,
    ladder: {
      widths: [320, 640],
      formats: ['avif', 'jpeg'],
      template: '{name} w{width}',
      snippet: false,
    },
  },
  {
    ...email,
    id: 'u6',
    name: 'PNG',
    builtIn: false,
    output: { format: 'png', options: { effort: 2, interlace: true } },
    target: {
      mode: 'visual',
      maxKB: 200,
      shrink: false,
      level: 'web',
      metric: 'ssimulacra',
      keepOriginal: false,
      minSaving: 0,
    },
  },
];
