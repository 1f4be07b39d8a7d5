/** One image to convert. The store holds everything else about it. */
export interface Job {
  batchId: string;
  itemId: string;
}

/**
 * Converts one job. The signal aborts when the job is cancelled; the returned promise must
 * settle only when the work has really stopped, so a slot is never counted free while a
 * libuv thread is still busy with it.
 */
export type JobWorker = (job: Job, signal: AbortSignal) => Promise<void>;

/**
 * Where conversion jobs wait and who runs them. The embedded queue (embedded.ts) runs them in
 * this process. A BullMQ/Redis implementation would plug in here to spread jobs over many
 * workers on several machines: `enqueue` adds a Redis job keyed by item id (so a re-enqueue is
 * a no-op), `pause`/`resume` map to a per-batch group or a flag the workers check, `cancel`
 * removes a waiting job or publishes an abort, and the workers need the same DATA_DIR (shared
 * storage) and database. The SQLite store stays the source of truth either way: a worker
 * claims an item there before converting it, so a duplicate job does nothing.
 */
export interface JobQueue {
  /** Adds a job unless the same item is already waiting or running. */
  enqueue(job: Job): void;
  /** Drops a waiting job, or aborts the running one's signal. */
  cancel(itemId: string): void;
  /** Stops dispatching the batch's jobs; running ones finish. */
  pause(batchId: string): void;
  resume(batchId: string): void;
  /** Starts dispatching to `worker`. */
  start(worker: JobWorker): void;
  /** Stops dispatching and waits for running jobs to settle. */
  stop(): Promise<void>;
  /** Jobs running now. */
  readonly running: number;
  /** Jobs waiting. */
  readonly waiting: number;
  /** Resolves when nothing is running or waiting (tests). */
  idle(): Promise<void>;
}
