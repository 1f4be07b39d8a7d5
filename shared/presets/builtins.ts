import { outputFormats } from '../formats/index.js';
import { resizeDefaults, type Preset } from './schema.js';

const longEdge = (px: number) => ({ ...resizeDefaults, maxWidth: px, maxHeight: px });

/** Presets every user has; they cannot be edited or deleted, only copied. */
export const builtInPresets: readonly Preset[] = [
  {
    id: 'web-webp-2048',
    name: 'Web — WebP, 2048 px',
    builtIn: true,
    output: { format: 'webp', options: { ...outputFormats.webp.defaults, quality: 75 } },
    resize: longEdge(2048),
    metadata: 'strip',
    background: '#ffffff',
  },
  {
    id: 'email-jpeg-1600',
    name: 'Email — JPEG, 1600 px',
    builtIn: true,
    output: {
      format: 'jpeg',
      // Baseline: a mail client shows an attachment once it has all of it, so progressive
      // scans buy nothing here, while MozJPEG's search for them (which Squoosh's build cannot
      // turn off) doubles the wasm encode for ~1.7 % fewer bytes (docs/BENCHMARKS.md).
      options: { ...outputFormats.jpeg.defaults, quality: 72, progressive: false },
    },
    resize: longEdge(1600),
    metadata: 'strip',
    background: '#ffffff',
  },
  {
    id: 'thumbnails-webp-400',
    name: 'Thumbnails — WebP, 400 px',
    builtIn: true,
    output: { format: 'webp', options: { ...outputFormats.webp.defaults, quality: 70 } },
    resize: longEdge(400),
    metadata: 'strip',
    background: '#ffffff',
  },
  {
    id: 'modern-avif',
    name: 'Modern — AVIF, 2048 px',
    builtIn: true,
    output: { format: 'avif', options: { ...outputFormats.avif.defaults } },
    resize: longEdge(2048),
    metadata: 'strip',
    background: '#ffffff',
  },
  {
    id: 'lossless-png',
    name: 'Lossless — PNG',
    builtIn: true,
    output: { format: 'png', options: { ...outputFormats.png.defaults } },
    resize: { ...resizeDefaults },
    metadata: 'strip',
    background: '#ffffff',
  },
];

export const defaultPresetId = builtInPresets[0].id;
