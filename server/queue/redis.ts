import { Queue, QueueEvents, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { Log } from '../log.js';
import type { Job, JobQueue, JobRef, JobWorker } from './types.js';

// Distributed mode: jobs wait in BullMQ on Redis and `pixpool-worker` processes on any
// machine run them (server/worker/). The SQLite store stays the one holder of state: a
// worker claims the item from the server before converting, so a duplicate, stale or
// cancelled job does nothing, and a batch's pause needs nothing from the queue.

/** The BullMQ queue every server and worker of one deployment shares. */
export const queueName = 'pixpool-convert';

/** The connection BullMQ wants: commands wait for a reconnect instead of failing. */
export const redisConnection = (url: string) => ({ url, maxRetriesPerRequest: null });

/** A connection of one's own, as BullMQ wants it (to watch its state, or share it). */
export const connectRedis = (url: string) => new Redis(url, { maxRetriesPerRequest: null });

/**
 * One job per run of an item: queueing the same run again is a no-op while its job exists.
 * Ids are base64url, so the dots split it back (`jobOf`).
 */
export const jobId = (job: JobRef): string => `${job.batchId}.${job.itemId}.${job.attempts}`;

/** The job a job id names, or undefined for an id this queue did not make. */
export function jobOf(id: string | undefined): JobRef | undefined {
  const [batchId, itemId, attempts, ...rest] = id?.split('.') ?? [];
  if (!batchId || !itemId || rest.length > 0 || !/^\d+$/.test(attempts ?? '')) return undefined;
  return { batchId, itemId, attempts: Number(attempts) };
}

/**
 * Transient failures (the server unreachable, a lost worker) are retried with exponential
 * backoff and jitter; a bad image never throws in the worker, so it is never retried. Jobs
 * are removed once settled, so a later run of the item (a retry) can reuse nothing stale;
 * the store keeps every outcome.
 */
export const jobOptions: JobsOptions = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  removeOnComplete: true,
  removeOnFail: true,
};

/** BullMQ's lowest priority. */
const maxPriority = 2 ** 21;

export interface RedisQueueOptions {
  url: string;
  log: Log;
  /**
   * A job BullMQ gave up on (retries spent, or stalled too often), with its reason; returns
   * the job to queue again after `retryLaterMs` when the item still waits for a run.
   */
  onGaveUp: (job: JobRef, reason: string) => Job | undefined;
  retryLaterMs?: number;
  /**
   * Redis came back after the connection dropped: it may have restarted without its data,
   * so every job the store says should exist is queued again (a no-op for those still there).
   */
  onReconnect: () => void;
}

/** JobQueue over BullMQ: this process queues; workers elsewhere convert. */
export class RedisQueue implements JobQueue {
  #redis: Redis;
  #queue: Queue;
  #events: QueueEvents | undefined;
  #adding = new Set<Promise<unknown>>();
  #idle: (() => void)[] = [];

  constructor(private readonly opts: RedisQueueOptions) {
    // A connection of our own, to see it come back.
    this.#redis = connectRedis(opts.url);
    let connected = false;
    this.#redis.on('ready', () => {
      if (connected) {
        opts.log.info('redis is back: queueing what the store says should run');
        opts.onReconnect();
      }
      connected = true;
    });
    this.#queue = new Queue(queueName, { connection: this.#redis, defaultJobOptions: jobOptions });
    // ioredis reconnects by itself; without a listener an 'error' event would be thrown.
    this.#queue.on('error', (e) => opts.log.warn('redis queue error', { error: e.message }));
  }

  /** Jobs being handed to Redis now; what waits in Redis is the workers' to count. */
  get waiting(): number {
    return this.#adding.size;
  }

  readonly local = false;

  /** Runs happen in the workers. */
  readonly running = 0;

  enqueue(job: Job, delay = 0): void {
    const adding: Promise<unknown> = this.#queue
      .add('convert', job, {
        jobId: jobId(job),
        delay,
        priority: Math.min(job.priority, maxPriority),
      })
      .catch((e: Error) =>
        this.opts.log.error('could not queue a job', { item: job.itemId, error: e.message }),
      )
      .finally(() => {
        this.#adding.delete(adding);
        if (this.#adding.size === 0) for (const resolve of this.#idle.splice(0)) resolve();
      });
    this.#adding.add(adding);
  }

  // A cancelled item's job finds nothing to claim; a paused batch's jobs find it not running,
  // and resuming queues its items again.
  cancel(): void {}
  pause(): void {}
  resume(): void {}

  /** Listens for jobs BullMQ gave up on; the jobs themselves run in the workers. */
  start(_worker: JobWorker): void {
    if (this.#events) return;
    this.#events = new QueueEvents(queueName, { connection: redisConnection(this.opts.url) });
    this.#events.on('error', (e) => this.opts.log.warn('redis events error', { error: e.message }));
    this.#events.on('failed', ({ jobId: id, failedReason }) => {
      const job = jobOf(id);
      const again = job && this.opts.onGaveUp(job, failedReason);
      if (again) this.enqueue(again, this.opts.retryLaterMs ?? 30_000);
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.#adding);
    await this.#events?.close();
    this.#events = undefined;
    await this.#queue.close();
    this.#redis.disconnect();
  }

  /** Resolves when every job handed over has reached Redis. */
  idle(): Promise<void> {
    if (this.#adding.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}
