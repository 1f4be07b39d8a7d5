import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { limits } from '../shared/limits.js';

/** Everything the server reads from its environment, checked and with defaults filled in. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** The built app (vite build output) served on the same origin; missing means API only. */
  staticDir: string;
  /** Needed to create batches when set; required when `host` is not a loopback address. */
  apiKey: string | undefined;
  /**
   * More keys, each with its own daily quota (PIXPOOL_API_KEYS_FILE, a JSON array of
   * `{ name, key, filesPerDay?, bytesPerDay? }`); any of them, or `apiKey`, creates batches.
   */
  apiKeys?: ApiKeyEntry[];
  corsOrigins: string[];
  /**
   * Host names a keyless server answers besides loopback ones: without an API key, any other
   * Host header is refused, so a DNS-rebinding page cannot reach a loopback server.
   */
  allowedHosts: string[];
  maxFilesPerBatch: number;
  maxFileBytes: number;
  maxBatchBytes: number;
  maxInputPixels: number;
  /** Below this many free bytes on the data disk, new batches and uploads get 507. */
  minFreeBytes: number;
  batchTtlSeconds: number;
  uploadTtlSeconds: number;
  /** Batch creations per IP per minute; 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** Images converted at once. */
  concurrency: number;
  /**
   * Worker threads for the wasm codecs (HEIC, JPEG XL and BMP decoding, JPEG XL encoding), so
   * they never block the event loop; WASM_THREADS, by default `defaultWasmThreads`. Optional
   * so a Config written out by hand (tests) may leave it out.
   */
  wasmThreads?: number;
  itemTimeoutSeconds: number;
  cleanupIntervalSeconds: number;
  heartbeatSeconds: number;
  /**
   * PIXPOOL_REDIS_URL: jobs go to BullMQ on this Redis and `pixpool-worker` processes convert
   * them (distributed mode, docs/DEPLOY.md); unset, this process converts (embedded mode).
   */
  redisUrl?: string;
  /** PIXPOOL_WORKER_TOKEN: what workers present on the internal endpoints; required with Redis. */
  workerToken?: string;
  /**
   * PIXPOOL_WEBHOOK_HOSTS: the hosts completion webhooks may go to (comma-separated, `*` for
   * any); none by default, so a batch cannot make the server call into its own network.
   */
  webhookHosts?: string[];
  /** WEBHOOK_RETRY_MS: the first retry's delay; each next one doubles (with jitter). */
  webhookRetryMs?: number;
}

/** One API key of PIXPOOL_API_KEYS_FILE: who it is and what it may create per UTC day. */
export interface ApiKeyEntry {
  name: string;
  key: string;
  filesPerDay?: number;
  bytesPerDay?: number;
}

/** Whether creating a batch needs a key (any kind). */
export const keyRequired = (config: Pick<Config, 'apiKey' | 'apiKeys'>): boolean =>
  config.apiKey !== undefined || (config.apiKeys?.length ?? 0) > 0;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(
      `Expected integer between ${min} and ${max} for ${name} but received ${raw}`,
    );
  }
  return n;
}

/**
 * One wasm thread per image converted at once: a wasm decode (~1 s for a 12 MP HEIC here)
 * is most of such an image's time, so fewer threads would leave conversion slots waiting.
 */
export const defaultWasmThreads = (concurrency: number): number => concurrency;

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1'
  );
}

/**
 * Reads the configuration from `env` (process.env by default). Throws ConfigError with a
 * message naming the variable when a value is out of range, or when the server would listen
 * beyond this machine without an API key.
 */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const host = env.HOST?.trim() || '127.0.0.1';
  const apiKey = env.PIXPOOL_API_KEY?.trim() || undefined;
  const keysFile = env.PIXPOOL_API_KEYS_FILE?.trim();
  const apiKeys = keysFile ? readKeys(path.resolve(cwd, keysFile)) : [];
  if (!isLoopback(host) && !apiKey && apiKeys.length === 0) {
    throw new ConfigError(
      `HOST=${host} makes the server reachable from other machines, so PIXPOOL_API_KEY must ` +
        'be set (anyone who can reach it could otherwise make it convert images). Set ' +
        'PIXPOOL_API_KEY to a long random string, or bind to 127.0.0.1.',
    );
  }
  if (apiKey !== undefined && apiKey.length < 16) {
    throw new ConfigError('Expected PIXPOOL_API_KEY of at least 16 characters');
  }
  const redisUrl = env.PIXPOOL_REDIS_URL?.trim() || undefined;
  const workerToken = env.PIXPOOL_WORKER_TOKEN?.trim() || undefined;
  if (redisUrl && (!workerToken || workerToken.length < 16)) {
    throw new ConfigError(
      'PIXPOOL_REDIS_URL sends conversions to workers, which fetch inputs from this server: ' +
        'set PIXPOOL_WORKER_TOKEN to a random string of at least 16 characters, the same for ' +
        'the server and its workers.',
    );
  }
  const gib = 1024 ** 3;
  const concurrency = int(env, 'CONCURRENCY', availableParallelism(), 1, 256);
  return {
    port: int(env, 'PORT', 5173, 0, 65_535),
    host,
    dataDir: path.resolve(cwd, env.DATA_DIR?.trim() || 'data'),
    staticDir: path.resolve(cwd, env.STATIC_DIR?.trim() || 'dist'),
    apiKey,
    ...(apiKeys.length > 0 && { apiKeys }),
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim().replace(/\/+$/, ''))
      .filter(Boolean),
    allowedHosts: (env.ALLOWED_HOSTS ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
    maxFilesPerBatch: int(env, 'MAX_FILES_PER_BATCH', 10_000, 1, 1_000_000),
    maxFileBytes: int(env, 'MAX_FILE_BYTES', limits.maxFileBytes, 1, 64 * gib),
    maxBatchBytes: int(env, 'MAX_BATCH_BYTES', 20 * gib, 1, 2 ** 50),
    maxInputPixels: int(env, 'MAX_INPUT_PIXELS', limits.maxInputPixels, 1, limits.maxInputPixels),
    minFreeBytes: int(env, 'MIN_FREE_BYTES', 512 * 1024 ** 2, 0, 2 ** 50),
    batchTtlSeconds: int(env, 'BATCH_TTL_SECONDS', 3600, 1, 10 * 365 * 86_400),
    uploadTtlSeconds: int(env, 'UPLOAD_TTL_SECONDS', 3600, 1, 10 * 365 * 86_400),
    rateLimitPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', 30, 0, 1_000_000),
    concurrency,
    wasmThreads: int(env, 'WASM_THREADS', defaultWasmThreads(concurrency), 1, 256),
    itemTimeoutSeconds: int(env, 'ITEM_TIMEOUT_SECONDS', 300, 1, 86_400),
    cleanupIntervalSeconds: int(env, 'CLEANUP_INTERVAL_SECONDS', 60, 1, 86_400),
    heartbeatSeconds: int(env, 'HEARTBEAT_SECONDS', 15, 1, 3600),
    ...(redisUrl && { redisUrl, workerToken }),
    webhookHosts: (env.PIXPOOL_WEBHOOK_HOSTS ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
    webhookRetryMs: int(env, 'WEBHOOK_RETRY_MS', 1000, 1, 3_600_000),
  };
}

/** PIXPOOL_API_KEYS_FILE's entries, checked: names and keys unique, keys of 16+ characters. */
function readKeys(file: string): ApiKeyEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`Could not read PIXPOOL_API_KEYS_FILE ${file}: ${(e as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new ConfigError(`Expected a JSON array in ${file}`);
  const names = new Set<string>();
  const keys = new Set<string>();
  return parsed.map((entry: Record<string, unknown>, i) => {
    const at = `${file}[${i}]`;
    const { name, key, filesPerDay, bytesPerDay } = entry ?? {};
    if (typeof name !== 'string' || !name || names.has(name)) {
      throw new ConfigError(`Expected a unique name at ${at}`);
    }
    if (typeof key !== 'string' || key.length < 16 || keys.has(key)) {
      throw new ConfigError(`Expected a unique key of at least 16 characters at ${at}`);
    }
    for (const [field, v] of Object.entries({ filesPerDay, bytesPerDay })) {
      if (v !== undefined && !(Number.isSafeInteger(v) && (v as number) >= 0)) {
        throw new ConfigError(`Expected a whole number for ${at}.${field}`);
      }
    }
    names.add(name);
    keys.add(key);
    return {
      name,
      key,
      ...(filesPerDay !== undefined && { filesPerDay: filesPerDay as number }),
      ...(bytesPerDay !== undefined && { bytesPerDay: bytesPerDay as number }),
    };
  });
}
