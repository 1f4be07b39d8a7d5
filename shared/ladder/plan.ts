import { outputAs, type OutputFormatId } from '../formats/index.js';
import type { ConversionSettings } from '../presets/index.js';
import { planResize } from '../resize-plan.js';
import type { LadderOptions } from './schema.js';

export interface RungSize {
  width: number;
  height: number;
}

/**
 * The sizes a ladder makes of a picture of `width` × `height` (after the preset's resize),
 * largest first: each width fits the picture to it, never enlarging, and widths that come to
 * the same size make it once.
 *
 * @example
 * ladderSizes(1200, 800, [480, 960, 1920]); // → 1200 × 800, 960 × 640, 480 × 320
 */
export function ladderSizes(width: number, height: number, widths: readonly number[]): RungSize[] {
  const sizes = new Map<string, RungSize>();
  for (const w of [...widths].sort((a, b) => b - a)) {
    const plan = planResize(width, height, {
      maxWidth: w,
      maxHeight: 0,
      fit: 'contain',
      enlarge: false,
      method: 'auto',
    });
    sizes.set(`${plan.width}x${plan.height}`, { width: plan.width, height: plan.height });
  }
  return [...sizes.values()];
}

/**
 * The settings one file of a ladder encodes with: one format, nothing else to try, and never
 * the original kept (a ladder's files are all new sizes).
 */
export function rungSettings(
  settings: ConversionSettings,
  format: OutputFormatId,
): ConversionSettings {
  const { ladder: _ladder, alsoTry: _alsoTry, ...rest } = settings;
  return {
    ...rest,
    output: outputAs(settings.output, format),
    ...(settings.target && { target: { ...settings.target, keepOriginal: false } }),
  };
}

/** Every file a ladder makes of one picture, in the order they are made: largest first. */
export function ladderRungs(
  ladder: LadderOptions,
  width: number,
  height: number,
): (RungSize & { format: OutputFormatId })[] {
  return ladderSizes(width, height, ladder.widths).flatMap((size) =>
    ladder.formats.map((format) => ({ ...size, format })),
  );
}

/**
 * What a preview of a ladder converts: its largest file in its first format (the file the
 * queue's compare view shows), not every file.
 */
export function largestRungSettings(settings: ConversionSettings): ConversionSettings {
  if (!settings.ladder) return settings;
  const widest = Math.max(...settings.ladder.widths);
  const { maxWidth } = settings.resize;
  return {
    ...rungSettings(settings, settings.ladder.formats[0]),
    resize: { ...settings.resize, maxWidth: maxWidth ? Math.min(maxWidth, widest) : widest },
  };
}

/** How many files one input may become: a ladder's widths × formats, else one. */
export function filesPerInput(settings: ConversionSettings): number {
  return settings.ladder ? settings.ladder.widths.length * settings.ladder.formats.length : 1;
}
