import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import type { ConvertApi } from '../workers/convert.worker.js';
import type { ConvertJob, ConvertResult, StageCallback } from '../workers/convert.js';
import { JobCancelled, JobInterrupted } from './errors.js';

export interface PoolJob {
  id: string;
  request: ConvertJob;
  onStage?: StageCallback;
  /** Input pixels when known: sizes the timeout and decides recycling. */
  pixels?: number;
}

export interface PoolOptions {
  size: number;
  createWorker: () => Worker;
  /** Respawn a worker after this many items: wasm memory only ever grows. */
  recycleAfter?: number;
  /** Respawn a worker after an input larger than this many pixels. */
  hugePixels?: number;
  /** How long one job may take before its worker is killed and the item fails. */
  timeoutMs?: (job: PoolJob) => number;
}

interface Slot {
  worker: Worker;
  api: Remote<ConvertApi>;
  jobs: number;
  current?: { job: PoolJob; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> };
  /** Set after a huge image or an error: replace the worker before its next job. */
  stale: boolean;
}

/** Two minutes plus 8 s per megapixel: generous for AVIF at high effort on a slow core. */
export const defaultTimeout = (job: PoolJob) => 120_000 + ((job.pixels ?? 12e6) / 1e6) * 8_000;

/**
 * Runs conversions on a fixed number of Web Workers. The only code that creates workers:
 * cancelling or timing out a running job terminates its worker (wasm cannot be interrupted
 * any other way) and a fresh one takes its place.
 */
export class WorkerPool {
  #opts: Required<PoolOptions>;
  #slots: (Slot | undefined)[] = [];
  #waiting: { job: PoolJob; start: (slot: number) => void; reject: (e: Error) => void }[] = [];
  #size: number;

  constructor(opts: PoolOptions) {
    this.#opts = {
      recycleAfter: 100,
      hugePixels: 40e6,
      timeoutMs: defaultTimeout,
      ...opts,
    };
    this.#size = Math.max(1, Math.floor(opts.size));
  }

  get size(): number {
    return this.#size;
  }

  /** How many jobs are running right now. */
  get busy(): number {
    return this.#slots.filter((s) => s?.current).length;
  }

  /** How many jobs wait for a worker. */
  get queued(): number {
    return this.#waiting.length;
  }

  /** Whether a job given now would start at once: a worker is free and nothing waits. */
  get hasRoom(): boolean {
    return this.busy + this.queued < this.#size;
  }

  /** Changes the number of workers; extra idle workers are stopped, busy ones finish first. */
  setSize(size: number): void {
    this.#size = Math.max(1, Math.floor(size));
    for (let i = this.#size; i < this.#slots.length; i++) {
      const slot = this.#slots[i];
      if (slot && !slot.current) this.#stop(i);
    }
    this.#drain();
  }

  /** Converts one image on the next free worker. */
  run(job: PoolJob): Promise<ConvertResult> {
    return new Promise<ConvertResult>((resolve, reject) => {
      const start = (index: number) => this.#start(index, job).then(resolve, reject);
      this.#waiting.push({ job, start, reject });
      this.#drain();
    });
  }

  /** Stops one job, waiting or running; true when there was such a job. */
  cancel(jobId: string): boolean {
    const w = this.#waiting.findIndex((x) => x.job.id === jobId);
    if (w >= 0) {
      this.#waiting.splice(w, 1)[0].reject(new JobCancelled());
      return true;
    }
    const index = this.#slots.findIndex((s) => s?.current?.job.id === jobId);
    if (index < 0) return false;
    this.#fail(index, new JobCancelled());
    return true;
  }

  /** Takes back a job that is still waiting for a worker (it rejects with JobInterrupted). */
  withdraw(jobId: string): boolean {
    const w = this.#waiting.findIndex((x) => x.job.id === jobId);
    if (w < 0) return false;
    this.#waiting.splice(w, 1)[0].reject(new JobInterrupted());
    return true;
  }

  /** Stops every worker; running and waiting jobs reject with JobInterrupted. */
  destroy(): void {
    for (const w of this.#waiting.splice(0)) w.reject(new JobInterrupted());
    this.#slots.forEach((slot, i) => {
      if (slot?.current) this.#fail(i, new JobInterrupted(), false);
      else if (slot) this.#stop(i);
    });
  }

  #drain(): void {
    while (this.#waiting.length) {
      const index = this.#freeSlot();
      if (index < 0) return;
      this.#waiting.shift()!.start(index);
    }
  }

  #freeSlot(): number {
    for (let i = 0; i < this.#size; i++) if (!this.#slots[i]?.current) return i;
    return -1;
  }

  #spawn(index: number): Slot {
    const worker = this.#opts.createWorker();
    const slot: Slot = { worker, api: wrap<ConvertApi>(worker), jobs: 0, stale: false };
    // A worker that dies (out of memory, a crash in wasm) says so only through 'error'.
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      if (this.#slots[index] === slot && slot.current) {
        const why = e.message ? `: ${e.message}` : '';
        this.#fail(index, new Error(`The converter crashed${why}. The worker was restarted.`));
      }
    });
    this.#slots[index] = slot;
    return slot;
  }

  #stop(index: number): void {
    const slot = this.#slots[index];
    if (!slot) return;
    slot.api[releaseProxy]();
    slot.worker.terminate();
    this.#slots[index] = undefined;
  }

  async #start(index: number, job: PoolJob): Promise<ConvertResult> {
    let slot = this.#slots[index];
    if (slot?.stale) {
      this.#stop(index);
      slot = undefined;
    }
    slot ??= this.#spawn(index);
    const current = slot;
    const outcome = new Promise<never>((_, reject) => {
      const timer = setTimeout(() => {
        const s = Math.round(this.#opts.timeoutMs(job) / 1000);
        this.#fail(index, new Error(`Timed out after ${s} s; the worker was restarted.`));
      }, this.#opts.timeoutMs(job));
      current.current = { job, reject, timer };
    });
    try {
      const onStage = job.onStage ? proxy(job.onStage) : undefined;
      const result = await Promise.race([current.api.convert(job.request, onStage), outcome]);
      current.jobs++;
      if (current.jobs >= this.#opts.recycleAfter || (job.pixels ?? 0) > this.#opts.hugePixels) {
        current.stale = true;
      }
      return result;
    } catch (e) {
      // After a wasm abort its heap may be corrupt: never reuse that worker.
      current.stale = true;
      throw e;
    } finally {
      if (current.current?.job === job) {
        clearTimeout(current.current.timer);
        current.current = undefined;
      }
      if (index >= this.#size && this.#slots[index] === current) this.#stop(index);
      queueMicrotask(() => this.#drain());
    }
  }

  /** Kills the worker running a job and rejects that job with `error`. */
  #fail(index: number, error: Error, respawn = true): void {
    const slot = this.#slots[index];
    if (!slot?.current) return;
    const { reject, timer } = slot.current;
    clearTimeout(timer);
    slot.current = undefined;
    this.#stop(index);
    reject(error);
    if (respawn) queueMicrotask(() => this.#drain());
  }
}
