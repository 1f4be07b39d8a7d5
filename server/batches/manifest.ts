import { describe } from '../../shared/options.js';
import {
  fileCountHeader,
  type Manifest,
  type ManifestFile,
  type WebhookRequest,
} from '../../shared/api.js';
import {
  validateOverride,
  validatePreset,
  type PresetOverride,
} from '../../shared/presets/index.js';
import type { Config } from '../config.js';
import { ApiError, limitExceeded } from '../http/errors.js';

/** A manifest that passed the checks, with its name filled in. */
export interface CheckedManifest extends Manifest {
  name: string;
}

type Limits = Pick<Config, 'maxFilesPerBatch' | 'maxFileBytes' | 'maxBatchBytes'> &
  Partial<Pick<Config, 'webhookHosts'>>;

/** `webhook`'s problems, in the manifest's words; none when it is absent. */
function checkWebhook(webhook: unknown, hosts: readonly string[]): string[] {
  if (webhook === undefined) return [];
  if (typeof webhook !== 'object' || webhook === null) {
    return [`Expected an object for webhook but received ${describe(webhook)}`];
  }
  const { url, secret, includeNames } = webhook as Record<string, unknown>;
  const messages: string[] = [];
  let parsed: URL | undefined;
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol)) {
    messages.push(`Expected an http(s) URL for webhook.url but received ${describe(url)}`);
  } else if (!hosts.includes('*') && !hosts.includes(parsed.hostname.toLowerCase())) {
    messages.push(
      `This server sends no webhooks to ${parsed.hostname}: its PIXPOOL_WEBHOOK_HOSTS ` +
        (hosts.length ? `allows ${hosts.join(', ')}` : 'is empty'),
    );
  }
  if (typeof secret !== 'string' || secret.length < 16 || secret.length > 256) {
    messages.push('Expected a webhook.secret of 16 to 256 characters');
  }
  if (includeNames !== undefined && typeof includeNames !== 'boolean') {
    messages.push(
      `Expected true or false for webhook.includeNames but received ${describe(includeNames)}`,
    );
  }
  return messages;
}

/** Body bytes allowed whatever the count: the preset, the name and JSON's punctuation. */
const baseManifestBytes = 64 * 1024;
/** Room per declared file: a path at its longest (4,096 characters of UTF-8) and an override. */
const bytesPerFile = 16 * 1024;
/** No manifest is read past this, whatever it declares. */
export const maxManifestBytes = 32 * 1024 * 1024;

/**
 * The largest body `POST /api/batches` reads for a manifest declaring `declared` files (the
 * X-Pixpool-Files header; undefined without it). Bounding by the count keeps a one-file
 * manifest from being padded to megabytes; the hard maximum bounds the count itself.
 */
export function manifestByteCap(declared: number | undefined): number {
  return Math.min(maxManifestBytes, baseManifestBytes + (declared ?? 0) * bytesPerFile);
}

/** The X-Pixpool-Files header as a count; 400 when it is not one, 413 past the file limit. */
export function declaredFileCount(
  header: string | undefined,
  config: Pick<Config, 'maxFilesPerBatch'>,
): number | undefined {
  if (header === undefined) return undefined;
  const n = Number(header.trim());
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new ApiError(
      400,
      'invalid_manifest',
      `Expected a whole number of files of at least 1 for ${fileCountHeader} but received ${header}`,
    );
  }
  if (n > config.maxFilesPerBatch) {
    throw limitExceeded(
      'maxFilesPerBatch',
      config.maxFilesPerBatch,
      n,
      `A batch holds at most ${config.maxFilesPerBatch} files; this one declares ${n}`,
    );
  }
  return n;
}

const maxPathLength = 4096;

/**
 * Checks a manifest against the preset schema (shared) and the server's limits; limits are
 * checked first so an oversized batch learns which limit it hit. Throws ApiError: 413 naming
 * the limit, or 400 with `messages` listing every problem.
 */
export function validateManifest(
  body: unknown,
  config: Limits,
  declared?: number,
): CheckedManifest {
  const invalid = (messages: string[]) =>
    new ApiError(400, 'invalid_manifest', messages[0], { messages });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid([`Expected a JSON object but received ${describe(body)}`]);
  }
  const b = body as Record<string, unknown>;
  if (!Array.isArray(b.files) || b.files.length === 0) {
    throw invalid([`Expected a non-empty array for files but received ${describe(b.files)}`]);
  }
  const files = b.files as unknown[];
  if (files.length > config.maxFilesPerBatch) {
    throw limitExceeded(
      'maxFilesPerBatch',
      config.maxFilesPerBatch,
      files.length,
      `A batch holds at most ${config.maxFilesPerBatch} files; this one has ${files.length}`,
    );
  }
  if (declared !== undefined && files.length !== declared) {
    throw invalid([
      `${fileCountHeader} declares ${declared} files but the manifest lists ${files.length}`,
    ]);
  }

  const messages: string[] = [];
  const out: ManifestFile[] = [];
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
      throw limitExceeded(
        'maxFileBytes',
        config.maxFileBytes,
        size,
        `${at} is ${size} bytes; a file may have at most ${config.maxFileBytes}`,
        { index },
      );
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
    throw limitExceeded(
      'maxBatchBytes',
      config.maxBatchBytes,
      total,
      `The files add up to ${total} bytes; a batch may have at most ${config.maxBatchBytes}`,
    );
  }

  const preset = validatePreset(b.preset);
  if (!preset.ok) messages.push(...preset.errors.map((e) => `preset: ${e}`));
  if (b.name !== undefined && (typeof b.name !== 'string' || b.name.length > 200)) {
    messages.push(`Expected a name of at most 200 characters but received ${describe(b.name)}`);
  }
  messages.push(...checkWebhook(b.webhook, config.webhookHosts ?? []));
  if (messages.length || !preset.ok) throw invalid(messages);
  const name = typeof b.name === 'string' && b.name.trim() ? b.name.trim() : preset.value.name;
  const webhook = b.webhook as WebhookRequest | undefined;
  return {
    name,
    preset: preset.value,
    files: out,
    ...(webhook && {
      webhook: {
        url: webhook.url,
        secret: webhook.secret,
        ...(webhook.includeNames && { includeNames: true }),
      },
    }),
  };
}
