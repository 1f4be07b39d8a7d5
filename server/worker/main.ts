import { hostname } from 'node:os';
import { Worker, type Job as BullJob } from 'bullmq';
import type { WorkerHealth } from '../../shared/worker-api.js';
import { ConfigError } from '../config.js';
import { configureSharp } from '../convert/sharp-setup.js';
import { holdWasmPool } from '../convert/wasm-threads.js';
import { consoleLog as log } from '../log.js';
import { connectRedis, queueName } from '../queue/redis.js';
import type { Job } from '../queue/types.js';
import { version } from '../version.js';
import { ServerClient } from './client.js';
import { loadWorkerConfig, type WorkerConfig } from './config.js';
import { serveHealth } from './health.js';
import { runJob } from './run-job.js';

// `pixpool-worker`: takes conversion jobs from the server's BullMQ queue, CONCURRENCY at a
// time, and converts them with sharp. Run through start.cjs, which sizes libuv's pool first.

let config: WorkerConfig;
try {
  config = loadWorkerConfig();
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(`pixpool worker: ${e.message}`);
  process.exit(1);
}

configureSharp();
const wasm = holdWasmPool({ size: config.wasmThreads, timeoutMs: 10 * 60_000 });
const server = new ServerClient(config.serverUrl, config.token, config.serverRetryMs);
const name = `${hostname()}:${process.pid}`;
const startedAt = Date.now();
const counts = { done: 0, failed: 0, stale: 0, faults: 0 };
let busy = 0;
let stopping = false;

// A connection of our own, to report whether Redis is up; BullMQ adds its blocking one.
const redis = connectRedis(config.redisUrl);
redis.on('error', () => undefined); // reported through 'worker error' and the health status

const worker = new Worker<Job>(
  queueName,
  async (job: BullJob<Job>, _token, signal) => {
    const started = performance.now();
    busy++;
    try {
      const { outcome, attempt } = await runJob(job.data, server, signal);
      counts[outcome]++;
      const ms = Math.round(performance.now() - started);
      // attempt: the item's claim count (2 or more: a retry, or a job taken over).
      log.info('job', { item: job.data.itemId, outcome, attempt, ms });
      return outcome;
    } catch (e) {
      counts.faults++;
      throw e;
    } finally {
      busy--;
    }
  },
  {
    connection: redis,
    concurrency: config.concurrency,
    lockDuration: config.lockMs,
    stalledInterval: config.lockMs,
    // A job whose worker died is handed to another one twice before it fails.
    maxStalledCount: 2,
    name,
  },
);
// ioredis reconnects by itself; BullMQ resumes taking jobs once it has.
worker.on('error', (e) => log.warn('worker error', { error: e.message }));
worker.on('failed', (job, e) =>
  log.warn('job fault, retried later', { item: job?.data.itemId, error: e.message }),
);
worker.on('ready', () =>
  log.info('pixpool worker ready', {
    name,
    version,
    server: config.serverUrl,
    concurrency: config.concurrency,
  }),
);

const health = (): WorkerHealth => ({
  status: stopping ? 'stopping' : 'ok',
  name,
  version,
  uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
  redis: redis.status === 'ready' ? 'ready' : 'reconnecting',
  concurrency: config.concurrency,
  busy,
  jobs: { ...counts },
});
const healthServer = config.health && serveHealth(config.health.port, config.health.host, health);
healthServer?.on('listening', () => {
  const { address, port } = healthServer.address() as { address: string; port: number };
  log.info('worker health', { url: `http://${address}:${port}/health` });
});

async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info('stopping', { signal, busy, graceSeconds: config.graceMs / 1000 });
  // Running jobs finish within the grace period; past it the process goes, its jobs' locks
  // lapse and BullMQ hands them to other workers.
  const timer = setTimeout(() => process.exit(0), config.graceMs);
  timer.unref();
  await worker.close();
  healthServer?.close();
  redis.disconnect();
  await wasm.release();
  log.info('stopped', { ...counts });
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
