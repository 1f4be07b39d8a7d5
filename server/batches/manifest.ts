import { describe } from '../../shared/options.js';
import {
  validateOverride,
  validatePreset,
  type Preset,
  type PresetOverride,
} from '../../shared/presets/index.js';
import type { Config } from '../config.js';

/** What `POST /api/batches` asks for, checked. */
export interface Manifest {
  name: string;
  preset: Preset;
  files: { path: string; size: number; override?: PresetOverride }[];
}

/** Why a manifest was refused: 400 with messages, or 413 naming the limit. */
export type ManifestProblem =
  | { kind: 'invalid'; messages: string[] }
  | {
      kind: 'limit';
      limit: string;
      max: number;
      received: number;
      message: string;
      index?: number;
    };

const maxPathLength = 4096;

/**
 * Checks a manifest against the preset schema (shared) and the server's limits; limits are
 * checked first so an oversized batch learns which limit it hit.
 */
export function validateManifest(
  body: unknown,
  config: Pick<Config, 'maxFilesPerBatch' | 'maxFileBytes' | 'maxBatchBytes'>,
): { ok: true; value: Manifest } | { ok: false; problem: ManifestProblem } {
  const invalid = (messages: string[]) => ({
    ok: false as const,
    problem: { kind: 'invalid' as const, messages },
  });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return invalid([`Expected a JSON object but received ${describe(body)}`]);
  }
  const b = body as Record<string, unknown>;
  if (!Array.isArray(b.files) || b.files.length === 0) {
    return invalid([`Expected a non-empty array for files but received ${describe(b.files)}`]);
  }
  const files = b.files as unknown[];
  if (files.length > config.maxFilesPerBatch) {
    const message = `A batch holds at most ${config.maxFilesPerBatch} files; this one has ${files.length}`;
    const problem = {
      kind: 'limit' as const,
      limit: 'maxFilesPerBatch',
      max: config.maxFilesPerBatch,
      received: files.length,
      message,
    };
    return { ok: false, problem };
  }

  const messages: string[] = [];
  const out: Manifest['files'] = [];
  let total = 0;
  for (const [index, f] of files.entries()) {
    const at = `files[${index}]`;
    if (typeof f !== 'object' || f === null) {
      messages.push(`Expected an object for ${at} but received ${describe(f)}`);
      continue;
    }
    const { path, size, override } = f as Record<string, unknown>;
    if (typeof path !== 'string' || path.length === 0 || path.length > maxPathLength) {
      messages.push(
        `Expected a path of 1 to ${maxPathLength} characters for ${at}.path but received ${describe(path)}`,
      );
    }
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      messages.push(
        `Expected a whole number of bytes for ${at}.size but received ${describe(size)}`,
      );
      continue;
    }
    if (size > config.maxFileBytes) {
      const message = `${at} is ${size} bytes; a file may have at most ${config.maxFileBytes}`;
      return {
        ok: false,
        problem: {
          kind: 'limit',
          limit: 'maxFileBytes',
          max: config.maxFileBytes,
          received: size,
          message,
          index,
        },
      };
    }
    total += size;
    let checked: PresetOverride | undefined;
    if (override !== undefined) {
      const r = validateOverride(override);
      if (r.ok) checked = r.value;
      else messages.push(...r.errors.map((e) => `${at}.override: ${e}`));
    }
    out.push({ path: path as string, size, ...(checked && { override: checked }) });
  }
  if (total > config.maxBatchBytes) {
    const message = `The files add up to ${total} bytes; a batch may have at most ${config.maxBatchBytes}`;
    return {
      ok: false,
      problem: {
        kind: 'limit',
        limit: 'maxBatchBytes',
        max: config.maxBatchBytes,
        received: total,
        message,
      },
    };
  }

  const preset = validatePreset(b.preset);
  if (!preset.ok) messages.push(...preset.errors.map((e) => `preset: ${e}`));
  if (b.name !== undefined && (typeof b.name !== 'string' || b.name.length > 200)) {
    messages.push(`Expected a name of at most 200 characters but received ${describe(b.name)}`);
  }
  if (messages.length || !preset.ok) return invalid(messages);
  const name = typeof b.name === 'string' && b.name.trim() ? b.name.trim() : preset.value.name;
  return { ok: true, value: { name, preset: preset.value, files: out } };
}
