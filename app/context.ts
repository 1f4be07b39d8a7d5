import { getContext, setContext } from 'svelte';
import { defaultTimeout, WorkerPool } from './pool/worker-pool.js';
import { SideWorker } from './pool/side-worker.js';
import { openStore, type Store } from './store/index.js';
import { Queue } from './state/queue.svelte.js';
import { Runner } from './state/runner.js';
import { Settings } from './state/settings.svelte.js';
import { Notices } from './state/notices.svelte.js';
import { ServerStatus } from './server/server-status.svelte.js';
import { Thumbnails } from './state/thumbnails.svelte.js';

/** Everything components share; created once in App.svelte. */
export interface AppContext {
  store: Store;
  queue: Queue;
  runner: Runner;
  settings: Settings;
  pool: WorkerPool;
  /** Thumbnails and compare previews, beside the pool (pool/side-worker.ts). */
  side: SideWorker;
  thumbnails: Thumbnails;
  notices: Notices;
  server: ServerStatus;
}

const key = Symbol('pixpool');

/** Opens storage, restores settings and the last unfinished batch. */
export async function createApp(): Promise<AppContext> {
  const store = await openStore();
  const settings = new Settings();
  await settings.load(store);
  const notices = new Notices();
  const queue = new Queue();
  const createWorker = () =>
    new Worker(new URL('./workers/convert.worker.ts', import.meta.url), { type: 'module' });
  const pool = new WorkerPool({
    size: settings.concurrency,
    timeoutMs: (job) =>
      settings.timeoutSeconds > 0 ? settings.timeoutSeconds * 1000 : defaultTimeout(job),
    createWorker,
  });
  const runner = new Runner(store, pool, queue, (m) => notices.error(m));
  const side = new SideWorker({ createWorker, idle: () => runner.hasIdleWorker });
  const thumbnails = new Thumbnails(store, side);
  const server = new ServerStatus();
  return { store, queue, runner, settings, pool, side, thumbnails, notices, server };
}

export function provideApp(ctx: AppContext): void {
  setContext(key, ctx);
}

export function useApp(): AppContext {
  return getContext<AppContext>(key);
}
