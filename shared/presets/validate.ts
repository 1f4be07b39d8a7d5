import { describe, validateOptions } from '../options.js';
import { isOutputFormat, outputFormats, outputFormatIds } from '../formats/index.js';
import type { OutputFormatId, OutputSettings } from '../formats/index.js';
import {
  metadataModes,
  resizeDefaults,
  resizeSpecs,
  type ConversionSettings,
  type MetadataMode,
  type Preset,
  type PresetOverride,
  type ResizeOptions,
} from './schema.js';
import { targetDefaults, targetSpecs, type TargetOptions } from '../target/schema.js';
import { validateLadder } from '../ladder/schema.js';

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: string[] };

const hexColour = /^#[0-9a-fA-F]{6}$/;

/** Validates output settings, filling unset options with the format's defaults. */
export function validateOutput(input: unknown, path = 'output'): Validated<OutputSettings> {
  if (typeof input !== 'object' || input === null) {
    return {
      ok: false,
      errors: [`Expected an object for ${path} but received ${describe(input)}`],
    };
  }
  const { format, options } = input as { format?: unknown; options?: unknown };
  if (!isOutputFormat(format)) {
    return {
      ok: false,
      errors: [
        `Expected one of ${outputFormatIds.join(', ')} for ${path}.format but received ${describe(format)}`,
      ],
    };
  }
  const meta = outputFormats[format];
  const r = validateOptions(options, meta.specs as never, meta.defaults, `${path}.options`);
  if (r.errors.length) return { ok: false, errors: r.errors };
  return { ok: true, value: { format, options: r.value } as OutputSettings };
}

function validateTarget(v: unknown, errors: string[]): TargetOptions | undefined {
  if (v === undefined) return undefined;
  const r = validateOptions<TargetOptions>(v, targetSpecs, targetDefaults, 'target');
  errors.push(...r.errors);
  return r.errors.length ? undefined : r.value;
}

function validateAlsoTry(v: unknown, errors: string[]): OutputFormatId[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every(isOutputFormat) || new Set(v).size !== v.length) {
    errors.push(
      `Expected a list of distinct formats from ${outputFormatIds.join(', ')} for alsoTry but received ${describe(v)}`,
    );
    return undefined;
  }
  return v;
}

function validateMetadata(v: unknown, errors: string[]): MetadataMode | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string' && (metadataModes as readonly string[]).includes(v)) {
    return v as MetadataMode;
  }
  errors.push(
    `Expected one of ${metadataModes.join(', ')} for metadata but received ${describe(v)}`,
  );
  return undefined;
}

function validateBackground(v: unknown, errors: string[]): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string' && hexColour.test(v)) return v.toLowerCase();
  errors.push(`Expected a colour like #ffffff for background but received ${describe(v)}`);
  return undefined;
}

/** Validates a whole preset (e.g. a user preset read back from storage or sent to a server). */
export function validatePreset(input: unknown): Validated<Preset> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [`Expected a preset object but received ${describe(input)}`] };
  }
  const p = input as Record<string, unknown>;
  const errors: string[] = [];
  if (typeof p.id !== 'string' || p.id.length === 0) {
    errors.push(`Expected a non-empty string for id but received ${describe(p.id)}`);
  }
  if (typeof p.name !== 'string' || p.name.trim().length === 0 || p.name.length > 80) {
    errors.push(`Expected a name of 1 to 80 characters but received ${describe(p.name)}`);
  }
  const output = validateOutput(p.output);
  if (!output.ok) errors.push(...output.errors);
  const resize = validateOptions<ResizeOptions>(p.resize, resizeSpecs, resizeDefaults, 'resize');
  errors.push(...resize.errors);
  const metadata = validateMetadata(p.metadata, errors) ?? 'strip';
  const background = validateBackground(p.background, errors) ?? '#ffffff';
  const target = validateTarget(p.target, errors);
  const alsoTry = validateAlsoTry(p.alsoTry, errors);
  const ladder = validateLadder(p.ladder, errors);
  if (errors.length || !output.ok) return { ok: false, errors };
  return {
    ok: true,
    value: {
      id: p.id as string,
      name: (p.name as string).trim(),
      builtIn: p.builtIn === true,
      output: output.value,
      resize: resize.value,
      metadata,
      background,
      ...(target && { target }),
      ...(alsoTry?.length && { alsoTry }),
      ...(ladder && { ladder }),
    },
  };
}

/** Validates a per-file override; only the fields present are checked. */
export function validateOverride(input: unknown): Validated<PresetOverride> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [`Expected an override object but received ${describe(input)}`] };
  }
  const o = input as Record<string, unknown>;
  const errors: string[] = [];
  const value: PresetOverride = {};
  for (const key of Object.keys(o)) {
    if (!['output', 'resize', 'metadata', 'background', 'target', 'alsoTry'].includes(key)) {
      errors.push(`Unknown option ${key} in override`);
    }
  }
  if (o.output !== undefined) {
    const r = validateOutput(o.output);
    if (r.ok) value.output = r.value;
    else errors.push(...r.errors);
  }
  if (o.resize !== undefined) {
    const r = validateOptions<ResizeOptions>(o.resize, resizeSpecs, resizeDefaults, 'resize');
    errors.push(...r.errors);
    // Keep only what the override names, so the batch preset fills the rest. A key set to
    // undefined names nothing: keeping it would put the default (0 = no limit) in its place.
    const given = (typeof o.resize === 'object' && o.resize) || {};
    value.resize = Object.fromEntries(
      Object.entries(r.value).filter(([k]) => (given as Record<string, unknown>)[k] !== undefined),
    ) as Partial<ResizeOptions>;
  }
  const metadata = validateMetadata(o.metadata, errors);
  if (metadata) value.metadata = metadata;
  const background = validateBackground(o.background, errors);
  if (background) value.background = background;
  const target = validateTarget(o.target, errors);
  if (target) value.target = target;
  const alsoTry = validateAlsoTry(o.alsoTry, errors);
  if (alsoTry) value.alsoTry = alsoTry;
  return errors.length ? { ok: false, errors } : { ok: true, value };
}

/** The settings one file converts with: the batch preset, then its override on top. */
export function resolveSettings(preset: Preset, override?: PresetOverride): ConversionSettings {
  return {
    output: override?.output ?? preset.output,
    // Skip undefined entries: spreading { maxWidth: undefined } would erase the preset's value.
    resize: {
      ...preset.resize,
      ...Object.fromEntries(
        Object.entries(override?.resize ?? {}).filter(([, v]) => v !== undefined),
      ),
    },
    metadata: override?.metadata ?? preset.metadata,
    background: override?.background ?? preset.background,
    ...((override?.target ?? preset.target) && { target: override?.target ?? preset.target }),
    ...((override?.alsoTry ?? preset.alsoTry)?.length && {
      alsoTry: override?.alsoTry ?? preset.alsoTry,
    }),
    ...(preset.ladder && { ladder: preset.ladder }),
  };
}
