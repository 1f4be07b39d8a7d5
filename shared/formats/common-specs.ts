import type { OptionSpec } from '../options.js';

// Options several formats share, worded once: the label, the range and the one-line hint a
// person reads in the options panel.

/** Quality 0..100, as every lossy encoder here takes it. */
export const qualitySpec = <T extends { quality: number }>(): OptionSpec<T> => ({
  kind: 'int',
  key: 'quality',
  label: 'Quality',
  min: 0,
  max: 100,
  help: 'Higher keeps more detail and makes bigger files',
});

export const losslessSpec = <T extends { lossless: boolean }>(): OptionSpec<T> => ({
  kind: 'boolean',
  key: 'lossless',
  label: 'Lossless',
  help: 'Keeps every pixel exactly; files are much bigger',
});

/** The encoder's speed/size trade-off over its own range. */
export const effortSpec = <T extends { effort: number }>(
  min: number,
  max: number,
  help: string,
): OptionSpec<T> => ({ kind: 'int', key: 'effort', label: 'Effort', min, max, help });

export const chromaSpec = <T extends { chromaSubsampling: string }>(): OptionSpec<T> => ({
  kind: 'choice',
  key: 'chromaSubsampling',
  label: 'Colour detail',
  choices: ['4:2:0', '4:4:4'],
  choiceLabels: { '4:2:0': 'Half (4:2:0), smaller files', '4:4:4': 'Full (4:4:4)' },
  help: 'Full keeps sharp colour edges (text, graphics); photos rarely need it',
});

/** Draws a rough picture first while loading (progressive JPEG, interlaced PNG). */
export const progressiveHelp = 'Shows a rough picture early while loading';
