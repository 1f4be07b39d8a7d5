import { describe } from '../options.js';
import { isOutputFormat, outputFormatIds, type OutputFormatId } from '../formats/index.js';
import type { TargetReport } from '../target/encode-to-target.js';

/**
 * A size ladder: every input becomes each width × each format, for `srcset`. The preset's own
 * resize makes the largest picture; the widths step it down (never up: a width past the
 * picture's gives the picture's own, once).
 */
export interface LadderOptions {
  /** Widths in pixels, e.g. [480, 960, 1920]. */
  widths: number[];
  /** Every file is made in each; the preset's output options serve its own format. */
  formats: OutputFormatId[];
  /** The file name without extension; see `placeholders`. */
  template: string;
  /** Also write a ready `<picture>` element per input (`<name>.html`). */
  snippet: boolean;
}

/** What a template may name; `{name}` is the input's name without its extension. */
export const placeholders = ['name', 'width', 'height', 'format', 'preset', 'hash8'] as const;
export type Placeholder = (typeof placeholders)[number];

export const ladderDefaults: LadderOptions = {
  widths: [480, 960, 1920],
  formats: ['avif', 'webp'],
  template: '{name}-{width}',
  snippet: true,
};

export const ladderLimits = { maxWidths: 8, maxFormats: 4, minWidth: 16, maxWidth: 16384 };

/** One file of a ladder as made, with where it goes. */
export interface LadderOutput {
  format: OutputFormatId;
  width: number;
  height: number;
  /** Bytes. */
  size: number;
  /** The first 8 hex digits of the file's SHA-256, for `{hash8}`. */
  hash8: string;
  /** Its path in the ZIP (shared/ladder/names.ts), set once the input's place is planned. */
  path: string;
  target?: TargetReport;
}

const placeholder = /\{([^{}]*)\}/g;

/** Checks a ladder, or says what is wrong in words that name the field. */
export function validateLadder(v: unknown, errors: string[]): LadderOptions | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    errors.push(`Expected an object for ladder but received ${describe(v)}`);
    return undefined;
  }
  const o = v as Record<string, unknown>;
  const before = errors.length;
  for (const key of Object.keys(o)) {
    if (!(key in ladderDefaults)) errors.push(`Unknown option ladder.${key}`);
  }
  const { minWidth, maxWidth, maxWidths, maxFormats } = ladderLimits;
  const widths = o.widths ?? ladderDefaults.widths;
  if (
    !Array.isArray(widths) ||
    widths.length < 1 ||
    widths.length > maxWidths ||
    !widths.every((w) => Number.isInteger(w) && w >= minWidth && w <= maxWidth) ||
    new Set(widths).size !== widths.length
  ) {
    errors.push(
      `Expected 1 to ${maxWidths} different widths from ${minWidth} to ${maxWidth} px for ladder.widths but received ${describe(widths)}`,
    );
  }
  const formats = o.formats ?? ladderDefaults.formats;
  if (
    !Array.isArray(formats) ||
    formats.length < 1 ||
    formats.length > maxFormats ||
    !formats.every(isOutputFormat) ||
    new Set(formats).size !== formats.length
  ) {
    errors.push(
      `Expected 1 to ${maxFormats} different formats from ${outputFormatIds.join(', ')} for ladder.formats but received ${describe(formats)}`,
    );
  }
  const template = o.template ?? ladderDefaults.template;
  if (typeof template !== 'string') {
    errors.push(`Expected text for ladder.template but received ${describe(template)}`);
  } else {
    errors.push(...templateProblems(template, Array.isArray(widths) ? widths.length : 1));
  }
  const snippet = o.snippet ?? ladderDefaults.snippet;
  if (typeof snippet !== 'boolean') {
    errors.push(`Expected true or false for ladder.snippet but received ${describe(snippet)}`);
  }
  if (errors.length > before) return undefined;
  return {
    widths: [...(widths as number[])].sort((a, b) => a - b),
    formats: formats as OutputFormatId[],
    template: template as string,
    snippet: snippet as boolean,
  };
}

/**
 * What is wrong with a file-name template: unknown placeholders, a folder separator, or
 * names that could be the same for two files (without `{name}` for two inputs, without
 * `{width}` for two widths; formats differ by their extension).
 */
export function templateProblems(template: string, widthCount: number): string[] {
  const problems: string[] = [];
  const used = new Set([...template.matchAll(placeholder)].map((m) => m[1]));
  const unknown = [...used].filter((p) => !(placeholders as readonly string[]).includes(p));
  if (template.trim() === '' || template.length > 200) {
    problems.push('The ladder.template must have 1 to 200 characters');
  }
  if (unknown.length) {
    problems.push(
      `The ladder.template names ${unknown.map((p) => `{${p}}`).join(', ')}; it may use ${placeholders.map((p) => `{${p}}`).join(', ')}`,
    );
  }
  if (/[/\\]/.test(template)) problems.push('The ladder.template makes a file name: no / or \\');
  if (!used.has('name')) {
    problems.push('The ladder.template needs {name}, or files of different inputs would clash');
  }
  if (widthCount > 1 && !used.has('width')) {
    problems.push('The ladder.template needs {width}, or the sizes of one input would clash');
  }
  return problems;
}
