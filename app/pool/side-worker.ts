import { releaseProxy, wrap, type Remote } from 'comlink';
import type { ConvertApi } from '../workers/convert.worker.js';
import { JobCancelled, JobInterrupted } from './errors.js';

/**
 * 'now': someone is waiting for it (the compare view); it starts as soon as the side worker is
 * free. 'idle': a thumbnail; it starts only while `idle()` says conversions leave room.
 */
export type SidePriority = 'now' | 'idle';

export interface SideJob<T> {
  id: string;
  priority: SidePriority;
  /** The work, given the worker's API. */
  call: (api: Remote<ConvertApi>) => Promise<T>;
  /** Input pixels when known: sizes the timeout, and a huge one retires the worker. */
  pixels?: number;
}

export interface SideWorkerOptions {
  createWorker: () => Worker;
  /** Whether an 'idle' job may start now (Runner.hasIdleWorker: a conversion slot is free). */
  idle: () => boolean;
  /** How often waiting 'idle' jobs look again while conversions fill the pool. */
  recheckMs?: number;
  /** The worker stops after this long with nothing to do; its wasm memory goes with it. */
  stopAfterMs?: number;
  /** Retire the worker after an input larger than this many pixels. */
  hugePixels?: number;
}

interface Waiting {
  job: SideJob<unknown>;
  resolve: (value: unknown) => void;
  reject: (e: Error) => void;
}

/**
 * One extra worker, beside the conversion pool, for the small jobs of looking at images:
 * thumbnails and compare previews. A separate worker rather than the pool's, so these jobs
 * never wait behind a batch or hold a conversion back in its queue, never count towards a
 * conversion worker's recycling, and a HEIC thumbnail cannot grow a converter's wasm memory.
 * Thumbnails run only while a conversion slot is free, so on a machine whose cores the batch
 * keeps busy they wait for it (measured in docs/BENCHMARKS.md). One job at a time.
 */
export class SideWorker {
  #opts: Required<SideWorkerOptions>;
  #waiting: Waiting[] = [];
  #running: { job: SideJob<unknown>; reject: (e: Error) => void } | undefined;
  #worker: Worker | undefined;
  #api: Remote<ConvertApi> | undefined;
  #stale = false;
  #recheck: ReturnType<typeof setTimeout> | undefined;
  #stopTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(opts: SideWorkerOptions) {
    this.#opts = { recheckMs: 250, stopAfterMs: 30_000, hugePixels: 40e6, ...opts };
  }

  /** Jobs not yet started. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Whether the worker exists right now (it is started on demand and stops when idle). */
  get alive(): boolean {
    return this.#worker !== undefined;
  }

  run<T>(job: SideJob<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry = { job, resolve, reject } as Waiting;
      // 'now' jobs go before every 'idle' one, in the order they came.
      const at =
        job.priority === 'now'
          ? this.#waiting.findIndex((w) => w.job.priority === 'idle')
          : this.#waiting.length;
      this.#waiting.splice(at < 0 ? this.#waiting.length : at, 0, entry);
      this.#next();
    });
  }

  /** Drops a job that has not started (it rejects with JobCancelled); false when there was none. */
  cancel(id: string): boolean {
    const i = this.#waiting.findIndex((w) => w.job.id === id);
    if (i < 0) return false;
    this.#waiting.splice(i, 1)[0].reject(new JobCancelled());
    return true;
  }

  /** Stops the worker; every job rejects with JobInterrupted. */
  destroy(): void {
    for (const w of this.#waiting.splice(0)) w.reject(new JobInterrupted());
    this.#running?.reject(new JobInterrupted());
    this.#running = undefined;
    this.#stop();
  }

  #next(): void {
    clearTimeout(this.#recheck);
    this.#recheck = undefined;
    if (this.#running || this.#waiting.length === 0) return;
    const first = this.#waiting[0];
    if (first.job.priority === 'idle' && !this.#opts.idle()) {
      this.#recheck = setTimeout(() => this.#next(), this.#opts.recheckMs);
      return;
    }
    this.#waiting.shift();
    void this.#start(first);
  }

  async #start({ job, resolve, reject }: Waiting): Promise<void> {
    clearTimeout(this.#stopTimer);
    if (this.#stale) this.#stop();
    const api = this.#spawn();
    const failed = new Promise<never>((_, rejectRun) => {
      this.#running = { job, reject: rejectRun };
    });
    const timeoutMs = 60_000 + ((job.pixels ?? 12e6) / 1e6) * 8_000;
    const timer = setTimeout(() => {
      this.#fail(new Error(`Timed out after ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    try {
      resolve(await Promise.race([job.call(api), failed]));
      if ((job.pixels ?? 0) > this.#opts.hugePixels) this.#stale = true;
    } catch (e) {
      // A wasm abort may leave the heap corrupt: the next job gets a fresh worker.
      this.#stale = true;
      reject(e instanceof Error ? e : new Error(String(e)));
    } finally {
      clearTimeout(timer);
      if (this.#running?.job === job) this.#running = undefined;
      this.#stopTimer = setTimeout(() => {
        if (!this.#running && this.#waiting.length === 0) this.#stop();
      }, this.#opts.stopAfterMs);
      this.#next();
    }
  }

  #spawn(): Remote<ConvertApi> {
    if (this.#api) return this.#api;
    const worker = this.#opts.createWorker();
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      if (this.#worker === worker) this.#fail(new Error(`The preview worker crashed`));
    });
    this.#worker = worker;
    this.#api = wrap<ConvertApi>(worker);
    return this.#api;
  }

  /** Ends the running job with `error` and kills its worker (wasm cannot be interrupted). */
  #fail(error: Error): void {
    const running = this.#running;
    this.#running = undefined;
    this.#stop();
    running?.reject(error);
  }

  #stop(): void {
    this.#api?.[releaseProxy]();
    this.#worker?.terminate();
    this.#api = undefined;
    this.#worker = undefined;
    this.#stale = false;
  }
}
