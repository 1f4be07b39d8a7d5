import { Lifecycle } from './batches/lifecycle.js';
import { BatchService } from './batches/service.js';
import { defaultWasmThreads, type Config } from './config.js';
import { configureSharp } from './convert/sharp-setup.js';
import { holdWasmPool, type WasmPoolHold } from './convert/wasm-threads.js';
import { EventBus } from './events/bus.js';
import { DataFiles } from './files.js';
import { consoleLog, type Log } from './log.js';
import { EmbeddedQueue } from './queue/embedded.js';
import { RedisQueue } from './queue/redis.js';
import type { JobQueue } from './queue/types.js';
import { Runner } from './runner/runner.js';
import { Store } from './store/index.js';
import { WebhookSender } from './webhooks/sender.js';

/** Everything the routes, the runner and the clean-up share; built once per server. */
export interface ServerContext {
  config: Config;
  store: Store;
  bus: EventBus;
  files: DataFiles;
  lifecycle: Lifecycle;
  queue: JobQueue;
  runner: Runner;
  service: BatchService;
  /** Sends the completion webhooks finished batches asked for. */
  webhooks: WebhookSender;
  /** The worker threads for the wasm codecs (shared by every context in the process). */
  wasm: WasmPoolHold;
  log: Log;
  /** When the server started (ms), for uptime. */
  startedAt: number;
  /** The clock (tests move it to check TTLs). */
  now: () => number;
}

export interface ContextOptions {
  log?: Log;
  /**
   * Another JobQueue implementation (see queue/types.ts); by default BullMQ when the config
   * names a Redis, else the embedded one.
   */
  queue?: JobQueue;
  now?: () => number;
}

/** Opens the store under `config.dataDir` and wires the parts together; starts nothing. */
export function createContext(config: Config, options: ContextOptions = {}): ServerContext {
  configureSharp();
  // No thread starts until the first HEIC, JPEG XL or BMP; a stuck job ends with its item.
  const wasm = holdWasmPool({
    size: config.wasmThreads ?? defaultWasmThreads(config.concurrency),
    timeoutMs: config.itemTimeoutSeconds * 1000,
  });
  const log = options.log ?? consoleLog;
  const now = options.now ?? Date.now;
  const bus = new EventBus();
  const files = new DataFiles(config.dataDir);
  const store = Store.open(files.database, bus);
  const lifecycle = new Lifecycle(store, now);
  const queue =
    options.queue ??
    (config.redisUrl
      ? new RedisQueue({
          url: config.redisUrl,
          log,
          onGaveUp: (job, reason) => {
            const outcome = lifecycle.gaveUp(job.batchId, job.itemId, job.attempts, reason);
            log.warn('queue gave a job up', { item: job.itemId, outcome, reason });
            return outcome === 'pending' ? store.items.job(job.batchId, job.itemId) : undefined;
          },
          onReconnect: () => runner.queueAll(),
        })
      : new EmbeddedQueue(config.concurrency));
  const runner = new Runner({ store, lifecycle, queue, files, config, log });
  const service = new BatchService({
    store,
    bus,
    lifecycle,
    queue,
    runner,
    files,
    config,
    log,
    now,
  });
  const webhooks = new WebhookSender({
    store,
    log,
    now,
    retryMs: config.webhookRetryMs ?? 1000,
  });
  return {
    config,
    store,
    webhooks,
    bus,
    files,
    lifecycle,
    queue,
    runner,
    service,
    wasm,
    log,
    startedAt: now(),
    now,
  };
}

/**
 * Starts converting and the periodic clean-up; returns the function that stops both and lets
 * go of the wasm threads.
 */
export async function startBackground(ctx: ServerContext): Promise<() => Promise<void>> {
  await ctx.files.sweep((id) => ctx.store.batches.get(id) !== undefined);
  ctx.runner.start();
  ctx.webhooks.start();
  let cleaning = false;
  const timer = setInterval(() => {
    if (cleaning) return;
    cleaning = true;
    ctx.service
      .cleanUp()
      .catch((e: unknown) => ctx.log.error('clean-up failed', { error: String(e) }))
      .finally(() => (cleaning = false));
  }, ctx.config.cleanupIntervalSeconds * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    ctx.runner.stop();
    await ctx.webhooks.stop();
    await ctx.queue.stop();
    await ctx.wasm.release();
  };
}
