import type { ApiKeyEntry } from '../config.js';
import type { Store } from '../store/index.js';
import type { Usage } from '../store/quotas.js';
import { ApiError } from './errors.js';

const dayMs = 86_400_000;
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * Counts a new batch's files and bytes against its key's quota for the UTC day, or refuses
 * it with 429: which limit, what is used, and when it resets (`Retry-After`). Returns what
 * to give back should the batch not be created.
 */
export function takeQuota(
  store: Store,
  key: ApiKeyEntry | undefined,
  add: Usage,
  now: number,
): (() => void) | undefined {
  if (!key || (key.filesPerDay === undefined && key.bytesPerDay === undefined)) return undefined;
  const day = new Date(now).toISOString().slice(0, 10);
  const max = { files: key.filesPerDay, bytes: key.bytesPerDay };
  const { ok, used } = store.quotas.take(key.name, day, add, max);
  if (ok) return () => store.quotas.giveBack(key.name, day, add);
  const resetsAt = (Math.floor(now / dayMs) + 1) * dayMs;
  const retryAfter = Math.ceil((resetsAt - now) / 1000);
  const byFiles = max.files !== undefined && used.files + add.files > max.files;
  const [limit, cap, have, asked, unit] = byFiles
    ? ['filesPerDay', max.files!, used.files, add.files, 'file']
    : ['bytesPerDay', max.bytes!, used.bytes, add.bytes, 'byte'];
  throw new ApiError(
    429,
    'quota_exceeded',
    `The API key "${key.name}" may create ${plural(cap, unit)} a day; ${have} are used today ` +
      `and this batch has ${asked}. The quota resets at ${new Date(resetsAt).toISOString()} ` +
      `(in ${Math.ceil(retryAfter / 60)} min).`,
    {
      limit,
      max: cap,
      used: have,
      requested: asked,
      resetsAt: new Date(resetsAt).toISOString(),
      retryAfter,
    },
  );
}
