/** One image to convert. The store holds everything else about it. */
export interface Job {
  batchId: string;
  itemId: string;
  /**
   * The item's claims so far when it was queued: a distributed queue names the job after it,
   * so queueing the same run twice adds one job, and a stale job's claim is refused.
   */
  attempts: number;
  /**
   * Lower runs first: its batch's file count, so a small interactive batch overtakes a big
   * one instead of waiting for it (jobs of one priority run in queue order).
   */
  priority: number;
}

/** What names a job's run: its item and the claim count it was queued under. */
export type JobRef = Pick<Job, 'batchId' | 'itemId' | 'attempts'>;

/**
 * Converts one job. The signal aborts when the job is cancelled; the returned promise must
 * settle only when the work has really stopped, so a slot is never counted free while a
 * libuv thread is still busy with it.
 */
export type JobWorker = (job: Job, signal: AbortSignal) => Promise<void>;

/**
 * Where conversion jobs wait and who runs them: this process (embedded.ts, the default) or
 * workers on any machine over BullMQ/Redis (redis.ts). The SQLite store is the source of
 * truth either way: a run claims its item there before converting it, so a duplicate or
 * stale job does nothing.
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
  /**
   * Whether jobs run in this process. If so, items a stopped process left processing are
   * run again from the start; if not, their workers may still be running them.
   */
  readonly local: boolean;
  /** Jobs running now. */
  readonly running: number;
  /** Jobs waiting. */
  readonly waiting: number;
  /** Resolves when nothing is running or waiting (tests). */
  idle(): Promise<void>;
}
