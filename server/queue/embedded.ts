import type { Job, JobQueue, JobWorker } from './types.js';

/**
 * The default queue: jobs wait in memory and run `concurrency` at a time in this process,
 * lowest priority first.
 */
export class EmbeddedQueue implements JobQueue {
  #waiting: Job[] = [];
  /** Item ids waiting; an item may wait once more while it is running (a retry). */
  #known = new Set<string>();
  #running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  #paused = new Set<string>();
  #worker: JobWorker | undefined;
  #stopped = false;
  #idle: (() => void)[] = [];

  readonly local = true;

  constructor(private readonly concurrency: number) {}

  get running(): number {
    return this.#running.size;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  enqueue(job: Job): void {
    if (this.#known.has(job.itemId)) return;
    this.#known.add(job.itemId);
    this.#waiting.push(job);
    this.#dispatch();
  }

  cancel(itemId: string): void {
    const at = this.#waiting.findIndex((j) => j.itemId === itemId);
    if (at >= 0) {
      this.#waiting.splice(at, 1);
      this.#known.delete(itemId);
      this.#checkIdle();
    }
    this.#running.get(itemId)?.controller.abort();
  }

  pause(batchId: string): void {
    this.#paused.add(batchId);
  }

  resume(batchId: string): void {
    this.#paused.delete(batchId);
    this.#dispatch();
  }

  start(worker: JobWorker): void {
    this.#worker = worker;
    this.#stopped = false;
    this.#dispatch();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#running.values()].map((r) => r.done));
  }

  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #isIdle(): boolean {
    return this.#running.size === 0 && this.#waiting.length === 0;
  }

  #checkIdle(): void {
    if (!this.#isIdle()) return;
    for (const resolve of this.#idle.splice(0)) resolve();
  }

  #dispatch(): void {
    const worker = this.#worker;
    if (!worker || this.#stopped) return;
    while (this.#running.size < this.concurrency) {
      // The first of the lowest priority; one run per item at a time: a retried item waits
      // until its previous run settled.
      let at = -1;
      this.#waiting.forEach((j, i) => {
        if (this.#paused.has(j.batchId) || this.#running.has(j.itemId)) return;
        if (at < 0 || j.priority < this.#waiting[at].priority) at = i;
      });
      if (at < 0) break;
      const [job] = this.#waiting.splice(at, 1);
      this.#known.delete(job.itemId);
      const controller = new AbortController();
      // The worker reports its own failures; anything escaping it is a bug, not a reason to
      // stop the queue.
      const done = Promise.resolve()
        .then(() => worker(job, controller.signal))
        .catch((e: unknown) => console.error('queue: worker threw', e))
        .finally(() => {
          this.#running.delete(job.itemId);
          this.#dispatch();
          this.#checkIdle();
        });
      this.#running.set(job.itemId, { controller, done });
    }
    this.#checkIdle();
  }
}
