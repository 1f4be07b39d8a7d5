import { outputAs, outputFormats, type OutputSettings } from '../shared/formats/index.js';
import { outputsToTry } from '../shared/target/encode-to-target.js';
import type { ConversionSettings } from '../shared/presets/index.js';

/** '1.2 MB' — decimal units, as file managers show them. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const sign = n < 0 ? '-' : '';
  let v = Math.abs(n);
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${sign}${u === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/** '1 h 2 min', '3 min 4 s', '5 s'. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** Saved share as '−42 %' (smaller) or '+5 %' (grew). */
export function formatSaving(before: number, after: number): string {
  if (!before) return '';
  const pct = Math.round(((after - before) / before) * 100);
  return `${pct > 0 ? '+' : pct < 0 ? '−' : ''}${Math.abs(pct)} %`;
}

const visualWords = {
  lossless: 'visually lossless',
  high: 'looking high quality',
  web: 'looking fine for the web',
} as const;

/** 'a', 'a and b', 'a, b and c'. */
const andList = (words: readonly string[]) =>
  words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;

/**
 * A settings summary a person reads as a sentence, e.g. 'WebP at quality 75, fit inside
 * 2048 × 2048 px, metadata removed'.
 */
export function describeSettings(s: ConversionSettings): string {
  const target = s.target?.mode ?? 'quality';
  // Each format with how its quality is decided: its own number, or the target's words.
  const each = (output: OutputSettings) => {
    const o = output.options as { quality?: number; lossless?: boolean };
    const how = o.lossless
      ? 'lossless'
      : target === 'size'
        ? `at most ${s.target!.maxKB} kB${s.target!.shrink ? ' (smaller picture if need be)' : ''}`
        : target === 'visual'
          ? visualWords[s.target!.level]
          : o.quality !== undefined
            ? `at quality ${o.quality}`
            : '';
    return [outputFormats[output.format].label, how].filter(Boolean).join(' ');
  };
  const outputs = outputsToTry(s);
  const what = s.ladder
    ? `${andList(s.ladder.formats.map((f) => each(outputAs(s.output, f))))}, each ${andList(s.ladder.widths.map(String))} px wide`
    : outputs.length === 1
      ? each(outputs[0])
      : `the smallest of ${andList(outputs.map(each))}`;
  const { maxWidth: w, maxHeight: h, fit } = s.resize;
  const box = `${w || 'any'} × ${h || 'any'} px`;
  const size =
    !w && !h
      ? 'full size'
      : fit === 'cover'
        ? `cropped to fill ${box}`
        : fit === 'exact'
          ? `stretched to ${box}`
          : `fit inside ${box}`;
  const meta = {
    strip: 'metadata removed',
    keep: 'metadata kept',
    'keep-no-gps': 'metadata kept without location',
  }[s.metadata];
  const never =
    s.target?.keepOriginal && !s.ladder
      ? s.target.minSaving > 0
        ? `, the original kept unless ${s.target.minSaving} % smaller`
        : ', never bigger than the original'
      : '';
  return `${what}, ${size}, ${meta}${never}`;
}
