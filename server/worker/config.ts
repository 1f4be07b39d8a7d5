import { availableParallelism } from 'node:os';
import { ConfigError, defaultWasmThreads } from '../config.js';

/** What `pixpool-worker` reads from its environment. */
export interface WorkerConfig {
  /** PIXPOOL_REDIS_URL: the Redis the server queues jobs on. */
  redisUrl: string;
  /** PIXPOOL_SERVER_URL: the server's base URL, as this machine reaches it. */
  serverUrl: string;
  /** PIXPOOL_WORKER_TOKEN: the server's worker token. */
  token: string;
  /** CONCURRENCY: jobs at once, one per core by default. */
  concurrency: number;
  wasmThreads: number;
  /**
   * LOCK_SECONDS: how long a job's lock lasts unrenewed; a worker that dies loses its jobs
   * to the others after about this long (BullMQ's stalled-job check runs as often).
   */
  lockMs: number;
  /**
   * SERVER_RETRY_SECONDS: how long one request to the server is tried again before the job
   * fails this attempt and BullMQ retries it later (exponential backoff with jitter).
   */
  serverRetryMs: number;
  /** GRACE_SECONDS: on SIGTERM, how long running jobs may take to finish. */
  graceMs: number;
  /**
   * HEALTH_PORT (and HEALTH_HOST, 127.0.0.1 by default): where `GET /health` answers; off
   * when unset.
   */
  health?: { port: number; host: string };
}

type Env = Record<string, string | undefined>;

function required(env: Env, name: string, what: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`Set ${name} to ${what}`);
  return value;
}

function seconds(env: Env, name: string, fallback: number, max: number): number {
  const raw = env[name]?.trim();
  const n = raw ? Number(raw) : fallback;
  if (!Number.isFinite(n) || n <= 0 || n > max) {
    throw new ConfigError(`Expected ${name} between 0 and ${max} seconds but received ${raw}`);
  }
  return Math.round(n * 1000);
}

export function loadWorkerConfig(env: Env = process.env): WorkerConfig {
  const serverUrl = required(env, 'PIXPOOL_SERVER_URL', "the server's URL (http://host:port)");
  if (!/^https?:\/\//.test(serverUrl)) {
    throw new ConfigError(`Expected PIXPOOL_SERVER_URL to start with http:// or https://`);
  }
  const concurrency = Number(env.CONCURRENCY?.trim() || availableParallelism());
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    throw new ConfigError(`Expected CONCURRENCY between 1 and 256 but received ${env.CONCURRENCY}`);
  }
  const rawPort = env.HEALTH_PORT?.trim();
  const healthPort = rawPort ? Number(rawPort) : undefined;
  if (
    healthPort !== undefined &&
    !(Number.isInteger(healthPort) && healthPort >= 0 && healthPort < 65_536)
  ) {
    throw new ConfigError(`Expected HEALTH_PORT between 0 and 65535 but received ${rawPort}`);
  }
  return {
    redisUrl: required(env, 'PIXPOOL_REDIS_URL', 'the Redis URL the server uses'),
    serverUrl,
    token: required(env, 'PIXPOOL_WORKER_TOKEN', "the server's worker token"),
    concurrency,
    wasmThreads: Number(env.WASM_THREADS?.trim()) || defaultWasmThreads(concurrency),
    lockMs: seconds(env, 'LOCK_SECONDS', 30, 3600),
    graceMs: seconds(env, 'GRACE_SECONDS', 30, 86_400),
    serverRetryMs: seconds(env, 'SERVER_RETRY_SECONDS', 8, 3600),
    ...(healthPort !== undefined && {
      health: { port: healthPort, host: env.HEALTH_HOST?.trim() || '127.0.0.1' },
    }),
  };
}
