import {
  isOutputFormat,
  outputFormatIds,
  outputFormats,
  type OutputFormatId,
} from '../formats/index.js';
import { describe } from '../options.js';
import { ladderDefaults } from '../ladder/schema.js';
import { targetDefaults } from '../target/schema.js';
import { builtInPresets } from './builtins.js';
import { resizeDefaults, type ConversionSettings, type Preset } from './schema.js';
import { validatePreset, type Validated } from './validate.js';

// The `pixpool convert` line for a preset, and the preset back from such a line: the app's
// "Copy as command" writes it, the CLI reads it. A setting is a path into the preset file
// (`resize.fit`), the same path the validation messages name; the common ones have a flag of
// their own, every other one is `--set path=value`.

/** Settings with a flag of their own, by the path they set. */
export const namedFlags = [
  { flag: '--quality', short: '-q', path: 'output.options.quality', help: 'quality, 0–100' },
  { flag: '--max-width', path: 'resize.maxWidth', help: 'fit within this width (px, 0: any)' },
  { flag: '--max-height', path: 'resize.maxHeight', help: 'fit within this height (px, 0: any)' },
  { flag: '--fit', path: 'resize.fit', help: 'contain, cover or exact' },
  { flag: '--metadata', path: 'metadata', help: 'strip, keep or keep-no-gps' },
  { flag: '--background', path: 'background', help: 'colour under transparency, #rrggbb' },
  { flag: '--also-try', path: 'alsoTry', help: 'formats to try too, comma-separated' },
] as const;

/** A setting as the command line gives it: a path and its text. */
export type CommandSetting = readonly [path: string, text: string];

/** The preset fields a command may set (the rest is the preset's identity). */
const settable = ['output', 'resize', 'metadata', 'background', 'target', 'alsoTry', 'ladder'];

/** A value of each setting's type at each path, for reading text as that type. */
function example(format: OutputFormatId, path: readonly string[]): unknown {
  let at: unknown = {
    output: { format, options: outputFormats[format].defaults },
    resize: resizeDefaults,
    metadata: 'strip',
    background: '#ffffff',
    target: targetDefaults,
    alsoTry: ['webp'],
    ladder: ladderDefaults,
  };
  for (const key of path) at = (at as Record<string, unknown> | undefined)?.[key];
  return at;
}

/** `text` as the type of `like`; text that is not one is kept, for validation to name it. */
function parse(text: string, like: unknown): unknown {
  if (Array.isArray(like)) return text === '' ? [] : text.split(',').map((t) => parse(t, like[0]));
  if (typeof like === 'number') return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  if (typeof like === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
  return text;
}

/** Splits `--set`'s `path=value`; undefined when there is no `=`. */
export function splitSetting(arg: string): CommandSetting | undefined {
  const at = arg.indexOf('=');
  return at > 0 ? [arg.slice(0, at), arg.slice(at + 1)] : undefined;
}

/**
 * The preset a command line means: `base` (a built-in or a preset file), then `format` (with
 * that format's default options, as the app's picker does), then each setting in order.
 * Checked by the same validation as everything else, so the messages are the app's.
 */
export function presetFromCommand(
  base: Preset,
  format: string | undefined,
  settings: readonly CommandSetting[],
): Validated<Preset> {
  const raw = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
  const errors: string[] = [];
  const switchTo = (f: string) => {
    if (!isOutputFormat(f)) {
      const ids = outputFormatIds.join(', ');
      errors.push(`Expected one of ${ids} for output.format but received ${describe(f)}`);
    } else if (f !== (raw.output as { format: string }).format) {
      raw.output = { format: f, options: { ...outputFormats[f].defaults } };
    }
  };
  if (format !== undefined) switchTo(format);
  for (const [path, text] of settings) {
    const keys = path.split('.');
    if (!settable.includes(keys[0]) || keys.some((k) => k === '' || k === '__proto__')) {
      errors.push(`Unknown option ${path}`);
      continue;
    }
    if (path === 'output.format') {
      switchTo(text);
      continue;
    }
    const current = (raw.output as { format: OutputFormatId }).format;
    let at = raw;
    for (const key of keys.slice(0, -1)) {
      if (typeof at[key] !== 'object' || at[key] === null) at[key] = {};
      at = at[key] as Record<string, unknown>;
    }
    at[keys[keys.length - 1]] = parse(text, example(current, keys));
  }
  const changed = format !== undefined || settings.length > 0;
  const checked = validatePreset({
    ...raw,
    builtIn: false,
    name: changed ? `${base.name.slice(0, 71)}, changed` : base.name,
  });
  if (errors.length === 0) return checked;
  return { ok: false, errors: [...errors, ...(checked.ok ? [] : checked.errors)] };
}

/** Every setting as a leaf path and its value (a list is one value). */
function leaves(value: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (value !== undefined) out.set(prefix, value);
  return out;
}

const settingsOf = ({ id: _id, name: _name, builtIn: _b, ...settings }: Preset) => settings;

/** The settings that make `preset` from the built-in `base`; undefined if they cannot. */
function settingsFrom(base: Preset, preset: Preset): CommandLine | undefined {
  const to = preset.output.format;
  const start: ConversionSettings = settingsOf(base);
  const format = to === base.output.format ? undefined : to;
  if (format) start.output = { format: to, options: outputFormats[to].defaults } as never;
  const had = leaves(start, '', new Map());
  const has = leaves(settingsOf(preset), '', new Map());
  // A command adds and changes settings; it has no way to take one of the base's away.
  if ([...had.keys()].some((path) => !has.has(path))) return undefined;
  const settings: CommandSetting[] = [];
  for (const [path, value] of has) {
    if (JSON.stringify(had.get(path)) === JSON.stringify(value)) continue;
    settings.push([path, Array.isArray(value) ? value.join(',') : String(value)]);
  }
  return { base, format, settings };
}

/** What a command line says: a built-in to start from, a format, then settings. */
export interface CommandLine {
  base: Preset;
  format?: OutputFormatId;
  settings: CommandSetting[];
}

/** The shortest way to say `preset` on the command line: from the built-in nearest to it. */
export function commandFor(preset: Preset): CommandLine {
  // Every built-in has only the settings every preset has, so each of them can start it.
  const ways = builtInPresets.flatMap((b) => settingsFrom(b, preset) ?? []);
  const size = (c: CommandLine) => c.settings.length + (c.format ? 1 : 0);
  return ways.reduce((a, b) => (size(b) < size(a) ? b : a));
}

/** A word as POSIX sh reads it: left bare when safe, in single quotes otherwise. */
export const shellWord = (w: string) =>
  /^[\w./:=@%+,-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`;

/**
 * The `pixpool convert` line that converts `inputs` into `out` with `preset`'s settings: the
 * built-in it is closest to, then what differs from it, with the named flags where they exist.
 */
export function presetCommand(preset: Preset, inputs = 'photos', out = 'converted'): string {
  const { base, format, settings } = commandFor(preset);
  const args = ['pixpool', 'convert', inputs, '-o', out, '-p', base.id];
  if (format) args.push('-f', format);
  for (const [path, text] of settings) {
    const named = namedFlags.find((f) => f.path === path);
    if (named) args.push('short' in named ? named.short : named.flag, text);
    else args.push('--set', `${path}=${text}`);
  }
  return args.map(shellWord).join(' ');
}
