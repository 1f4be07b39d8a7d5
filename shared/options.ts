/**
 * Declarative option specs: the UI renders controls from them and `validateOptions` checks
 * values against them, so a range is written once.
 */
export type OptionSpec<T> =
  | {
      kind: 'int';
      key: keyof T & string;
      label: string;
      min: number;
      max: number;
      help?: string;
    }
  | { kind: 'boolean'; key: keyof T & string; label: string; help?: string }
  | {
      kind: 'choice';
      key: keyof T & string;
      label: string;
      choices: readonly string[];
      /** What each choice means, in words; the value itself where missing. */
      choiceLabels?: Readonly<Record<string, string>>;
      help?: string;
    };

/** Checks `value` against `specs`, filling gaps from `defaults`; messages name the option. */
export function validateOptions<T extends object>(
  value: unknown,
  specs: readonly OptionSpec<T>[],
  defaults: T,
  path: string,
): { value: T; errors: string[] } {
  const errors: string[] = [];
  if (
    value !== undefined &&
    (typeof value !== 'object' || value === null || Array.isArray(value))
  ) {
    return {
      value: { ...defaults },
      errors: [`Expected an object for ${path} but received ${describe(value)}`],
    };
  }
  const input = (value ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  const known = new Set(specs.map((s) => s.key as string));
  for (const key of Object.keys(input)) {
    if (!known.has(key)) errors.push(`Unknown option ${path}.${key}`);
  }
  for (const spec of specs) {
    const v = input[spec.key];
    if (v === undefined) continue;
    const name = `${path}.${spec.key}`;
    if (spec.kind === 'int') {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < spec.min || v > spec.max) {
        errors.push(
          `Expected integer between ${spec.min} and ${spec.max} for ${name} but received ${describe(v)}`,
        );
        continue;
      }
    } else if (spec.kind === 'boolean') {
      if (typeof v !== 'boolean') {
        errors.push(`Expected true or false for ${name} but received ${describe(v)}`);
        continue;
      }
    } else if (typeof v !== 'string' || !spec.choices.includes(v)) {
      errors.push(
        `Expected one of ${spec.choices.join(', ')} for ${name} but received ${describe(v)}`,
      );
      continue;
    }
    out[spec.key] = v;
  }
  return { value: out as T, errors };
}

/** A short printable form of a received value for error messages. */
export function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return String(v);
}
