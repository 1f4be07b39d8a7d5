import type { OptionSpec } from '../options.js';

/**
 * What decides an output's quality. 'quality': the encoder's quality option as set (today's
 * behaviour, the default). 'size': the highest quality whose file fits in `maxKB`. 'visual':
 * the lowest quality whose perceptual distance from the resized source stays within `level`.
 */
export type TargetMode = 'quality' | 'size' | 'visual';

/** Named visual levels, strictest first; their metric values live in levels.ts. */
export type VisualLevel = 'lossless' | 'high' | 'web';

/**
 * The perceptual metric a visual target is judged by: Butteraugli (libjxl 0.7's
 * butteraugli_main, the max-norm distance) or SSIMULACRA (libjxl 0.7's ssimulacra_main, the
 * original Cloudinary metric), both ported in codecs/metrics/ and checked against the binaries.
 */
export type VisualMetric = 'butteraugli' | 'ssimulacra';

/**
 * One flat record, so the option specs (and the controls drawn from them) validate and show it
 * like any other option; the fields that do not apply to `mode` are kept but unused.
 */
export interface TargetOptions {
  mode: TargetMode;
  /** At most this many kilobytes (1,000 bytes) per output file. */
  maxKB: number;
  /** When even the lowest quality is over `maxKB`, step the dimensions down instead of failing. */
  shrink: boolean;
  level: VisualLevel;
  metric: VisualMetric;
  /** Never bigger: keep the original file when the output is not at least `minSaving` % smaller. */
  keepOriginal: boolean;
  minSaving: number;
}

export const targetDefaults: TargetOptions = {
  mode: 'quality',
  maxKB: 200,
  shrink: false,
  level: 'high',
  metric: 'butteraugli',
  keepOriginal: false,
  minSaving: 0,
};

export const targetSpecs: readonly OptionSpec<TargetOptions>[] = [
  {
    kind: 'choice',
    key: 'mode',
    label: 'Aim for',
    choices: ['quality', 'size', 'visual'],
    choiceLabels: {
      quality: 'Quality — the number set for the format',
      size: 'File size — at most so many kB per image',
      visual: 'Visual quality — the smallest file that still looks right',
    },
  },
  {
    kind: 'int',
    key: 'maxKB',
    label: 'Largest file',
    min: 1,
    max: 100_000,
    help: 'Kilobytes per image (1 kB = 1,000 bytes)',
  },
  {
    kind: 'boolean',
    key: 'shrink',
    label: 'Make the picture smaller when it cannot fit',
    help: 'Otherwise a file that does not fit at the lowest quality fails',
  },
  {
    kind: 'choice',
    key: 'level',
    label: 'Looks',
    choices: ['lossless', 'high', 'web'],
    choiceLabels: {
      lossless: 'Visually lossless — no difference to see, even zoomed in',
      high: 'High — differences only when looking for them',
      web: 'Web — small files, fine at screen size',
    },
  },
  {
    kind: 'choice',
    key: 'metric',
    label: 'Judged by',
    choices: ['butteraugli', 'ssimulacra'],
    choiceLabels: {
      butteraugli: 'Butteraugli — the strictest look at the worst spot; ~2 s a try at 2048 px',
      ssimulacra: 'SSIMULACRA — structure over the whole picture; ~0.4 s a try',
    },
  },
  {
    kind: 'boolean',
    key: 'keepOriginal',
    label: 'Never bigger: keep the original when converting does not save enough',
    help: 'The original file goes into the results as it was, same name and format',
  },
  {
    kind: 'int',
    key: 'minSaving',
    label: 'Keep the original unless the result is smaller by at least',
    min: 0,
    max: 90,
    help: 'Percent; 0 = only when the result is not smaller at all',
  },
];

/** The fields the options in use need, for the controls to show. */
export function targetKeys(t: TargetOptions): (keyof TargetOptions)[] {
  const mode: (keyof TargetOptions)[] =
    t.mode === 'size'
      ? ['mode', 'maxKB', 'shrink']
      : t.mode === 'visual'
        ? ['mode', 'level', 'metric']
        : ['mode'];
  return [...mode, 'keepOriginal', ...(t.keepOriginal ? (['minSaving'] as const) : [])];
}
