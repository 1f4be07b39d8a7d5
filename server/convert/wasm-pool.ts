import { Worker } from 'node:worker_threads';
import { causeOf } from '../../shared/codec-errors.js';
import type { Reply, Task } from './wasm-protocol.js';

// wasm blocks whichever thread runs it (libheif takes ~1 s for a 12 MP HEIC here) and cannot
// be interrupted, so the server runs it on worker threads: its event loop keeps answering
// requests and SSE, and a job that is cancelled, hangs or crashes costs one worker, which is
// replaced. The app's pool (app/pool/worker-pool.ts) works the same way in the browser.

export interface WasmPoolOptions {
  /** Workers at most; each starts on its first job. */
  size: number;
  /** Retire a worker after this many jobs: wasm memory only ever grows. */
  recycleAfter?: number;
  /** Retire a worker after a job with more pixels than this (its heap stays that large). */
  hugePixels?: number;
  /** Stop a worker idle for this long, giving its memory back. */
  idleMs?: number;
  /** Stop a job (and its worker) running longer than this; 0 = never. */
  timeoutMs?: number;
  /** The worker script; by default wasm-worker next to this module. */
  script?: URL;
}

export interface RunOptions {
  /** Aborting stops the job: its worker is terminated and replaced. */
  signal?: AbortSignal;
  /** Buffers moved to the worker instead of copied; they are unusable here afterwards. */
  transfer?: ArrayBuffer[];
  /** Who runs the job, for the failure messages ('the decoder crashed'). */
  role?: string;
}

/**
 * A job whose worker was lost under it; its message reads after 'Could not decode HEIC: '.
 * Aborted jobs reject with their signal's reason instead.
 */
export class WorkerLost extends Error {
  constructor(
    readonly code: 'crashed' | 'out_of_memory' | 'timed_out' | 'stopped',
    message: string,
  ) {
    super(message);
  }
}

/** Counters for logs and tests. */
export interface WasmPoolStats {
  /** Workers alive now. */
  workers: number;
  /** Workers started so far (a replacement counts again). */
  started: number;
  /** Jobs a worker finished, successfully or with the codec's error. */
  done: number;
  /** Jobs whose worker was stopped under them (abort, crash, timeout, stop). */
  killed: number;
  /** The thread ids that finished jobs. */
  threadIds: number[];
}

interface Job {
  task: Task;
  options: RunOptions;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** Takes the job out of the queue when its signal aborts before it started. */
  withdraw: () => void;
}

interface Slot {
  worker: Worker;
  jobs: number;
  /** The job running on it, with its request id and the clean-up of its timer and listener. */
  current?: Job & { id: number; release: () => void };
  idle?: ReturnType<typeof setTimeout>;
}

/** The worker that comes with this module: compiled .js in build/, the .ts source in Vitest. */
const ownScript = new URL(
  import.meta.url.endsWith('.ts') ? './wasm-worker.ts' : './wasm-worker.js',
  import.meta.url,
);

/**
 * The worker's Node options: none of the parent's (a worker inherits them, and some, like
 * --input-type or a test runner's loaders, break it); a .ts script starts through ts-hooks.mjs.
 */
function execArgvFor(script: URL): string[] {
  if (!script.pathname.endsWith('.ts')) return [];
  const hooks = JSON.stringify(new URL('./ts-hooks.mjs', import.meta.url).href);
  return ['--import', `data:text/javascript,import{register}from"node:module";register(${hooks})`];
}

/**
 * Runs wasm jobs on a fixed number of worker threads, each job with its own AbortSignal.
 * Aborting, a timeout, a crash or running out of memory stops that job's worker (wasm cannot
 * be interrupted any other way) and fails only that job; the next job gets a fresh worker.
 * Idle workers do not keep the process alive.
 */
export class WasmPool {
  readonly #opts: Required<WasmPoolOptions>;
  readonly #slots: (Slot | undefined)[];
  readonly #waiting: Job[] = [];
  readonly #exits = new Set<Promise<unknown>>();
  #nextId = 1;
  #stopped = false;
  #started = 0;
  #done = 0;
  #killed = 0;
  #threadIds = new Set<number>();

  constructor(options: WasmPoolOptions) {
    this.#opts = {
      recycleAfter: 100,
      hugePixels: 40e6,
      idleMs: 30_000,
      timeoutMs: 0,
      script: ownScript,
      ...options,
    };
    this.#slots = new Array(Math.max(1, Math.floor(options.size))).fill(undefined);
  }

  stats(): WasmPoolStats {
    return {
      workers: this.#slots.filter(Boolean).length,
      started: this.#started,
      done: this.#done,
      killed: this.#killed,
      threadIds: [...this.#threadIds],
    };
  }

  /** Runs `task` on the next free worker; resolves with the handler's value. */
  run<T>(task: Task, options: RunOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const { signal } = options;
      if (this.#stopped)
        return reject(new WorkerLost('stopped', 'the wasm thread pool is stopped'));
      if (signal?.aborted) return reject(signal.reason);
      const job: Job = {
        task,
        options,
        resolve: resolve as (v: unknown) => void,
        reject,
        withdraw: () => {
          const at = this.#waiting.indexOf(job);
          if (at >= 0) this.#waiting.splice(at, 1);
          reject(signal!.reason);
        },
      };
      this.#waiting.push(job);
      signal?.addEventListener('abort', job.withdraw, { once: true });
      this.#drain();
    });
  }

  /** Stops every worker; running and waiting jobs fail. Resolves when the threads are gone. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const stopped = new WorkerLost('stopped', 'the server is stopping');
    for (const job of this.#waiting.splice(0)) job.reject(stopped);
    this.#slots.forEach((slot, i) => {
      if (slot?.current) this.#kill(i, stopped);
      else if (slot) this.#retire(i);
    });
    await Promise.all(this.#exits);
  }

  #drain(): void {
    while (this.#waiting.length && !this.#stopped) {
      // A warm worker first: starting one costs a thread and, later, compiling its wasm.
      let free = this.#slots.findIndex((s) => s && !s.current);
      if (free < 0) free = this.#slots.findIndex((s) => !s);
      if (free < 0) return;
      const job = this.#waiting.shift()!;
      job.options.signal?.removeEventListener('abort', job.withdraw);
      this.#start(free, job);
    }
  }

  #spawn(index: number): Slot {
    const script = this.#opts.script;
    const worker = new Worker(script, { execArgv: execArgvFor(script) });
    const slot: Slot = { worker, jobs: 0 };
    this.#started++;
    worker.on('message', (reply: Reply) => this.#settle(index, slot, reply));
    // An uncaught exception, or V8 out of memory (ERR_WORKER_OUT_OF_MEMORY): 'exit' follows.
    worker.on('error', (e: Error & { code?: string }) => {
      if (this.#slots[index] !== slot || !slot.current) return;
      const role = slot.current.options.role ?? 'worker';
      this.#kill(
        index,
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new WorkerLost('out_of_memory', `the ${role} ran out of memory (${e.code})`)
          : new WorkerLost('crashed', `the ${role} crashed (${causeOf(e)})`),
      );
    });
    const exit = new Promise<void>((resolve) =>
      worker.once('exit', (code) => {
        this.#exits.delete(exit);
        resolve();
        if (this.#slots[index] !== slot) return;
        if (!slot.current) return void (this.#slots[index] = undefined);
        const role = slot.current.options.role ?? 'worker';
        this.#kill(index, new WorkerLost('crashed', `the ${role} crashed (exit code ${code})`));
      }),
    );
    this.#exits.add(exit);
    this.#slots[index] = slot;
    return slot;
  }

  #start(index: number, job: Job): void {
    let slot: Slot;
    try {
      slot = this.#slots[index] ?? this.#spawn(index);
    } catch (e) {
      return job.reject(e);
    }
    clearTimeout(slot.idle);
    // A running job keeps the process alive, as any pending I/O does; an idle worker does not.
    slot.worker.ref();
    const id = this.#nextId++;
    const { signal, transfer } = job.options;
    const onAbort = () => this.#kill(index, signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const ms = this.#opts.timeoutMs;
    const timer =
      ms > 0
        ? setTimeout(() => {
            const s = Math.round(ms / 1000);
            this.#kill(index, new WorkerLost('timed_out', `timed out after ${s} s`));
          }, ms)
        : undefined;
    const release = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    slot.current = { ...job, id, release };
    try {
      slot.worker.postMessage({ id, task: job.task }, transfer ?? []);
    } catch (e) {
      // Not cloneable: the caller's mistake, not the worker's; the worker stays as it is.
      release();
      slot.current = undefined;
      this.#rest(index, slot);
      job.reject(e);
      queueMicrotask(() => this.#drain());
    }
  }

  /** An idle worker lets the process exit, and stops after `idleMs`. */
  #rest(index: number, slot: Slot): void {
    slot.worker.unref();
    slot.idle = setTimeout(() => !slot.current && this.#retire(index), this.#opts.idleMs);
    slot.idle.unref();
  }

  #settle(index: number, slot: Slot, reply: Reply): void {
    const job = slot.current;
    if (this.#slots[index] !== slot || !job || job.id !== reply.id) return;
    job.release();
    slot.current = undefined;
    slot.jobs++;
    this.#done++;
    this.#threadIds.add(reply.threadId);
    // After a codec error its wasm heap may be corrupt (a trap can leave it mid-update).
    const retire =
      !reply.ok || slot.jobs >= this.#opts.recycleAfter || reply.pixels > this.#opts.hugePixels;
    if (retire) this.#retire(index);
    else this.#rest(index, slot);
    if (reply.ok) job.resolve(reply.value);
    else job.reject(new Error(reply.message));
    this.#drain();
  }

  /** Terminates the worker running a job and fails that job with `error`. */
  #kill(index: number, error: unknown): void {
    const slot = this.#slots[index];
    const job = slot?.current;
    if (!slot || !job) return;
    job.release();
    slot.current = undefined;
    this.#killed++;
    this.#retire(index);
    job.reject(error);
    queueMicrotask(() => this.#drain());
  }

  #retire(index: number): void {
    const slot = this.#slots[index];
    if (!slot) return;
    clearTimeout(slot.idle);
    this.#slots[index] = undefined;
    void slot.worker.terminate();
  }
}
