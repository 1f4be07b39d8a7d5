import { readFile } from 'node:fs/promises';
import { filesPerInput } from '../../shared/ladder/index.js';
import { itemOutput } from '../../shared/output-facts.js';
import { resolveSettings } from '../../shared/presets/index.js';
import type { Lifecycle } from '../batches/lifecycle.js';
import type { Config } from '../config.js';
import { convertImage, madeOf, type ConvertOutput } from '../convert/index.js';
import { freeBytes, isDiskFull, isEnvironmentFault } from '../faults.js';
import type { DataFiles } from '../files.js';
import type { Log } from '../log.js';
import type { Job, JobQueue, JobRef } from '../queue/types.js';
import type { ServerBatch, ServerItem, Store } from '../store/index.js';
import type { ConversionSettings } from '../../shared/presets/index.js';

export interface RunnerDeps {
  store: Store;
  lifecycle: Lifecycle;
  queue: JobQueue;
  files: DataFiles;
  config: Pick<Config, 'maxInputPixels' | 'itemTimeoutSeconds' | 'minFreeBytes'>;
  log: Log;
}

class TimedOut extends Error {}

/** A run that holds its item's claim, with what converting it takes. */
export interface Claim {
  item: ServerItem;
  batch: ServerBatch;
  /** The claim's number (the item's attempts); results of any other are stale. */
  attempt: number;
  settings: ConversionSettings;
  /** How long the run may take (per file made). */
  timeoutSeconds: number;
}

/** Retries of parked jobs start after a second and back off to half a minute. */
const firstRetryMs = 1000;
const lastRetryMs = 30_000;

/** A job that stopped for a reason outside its image, waiting to be run again. */
interface Parked {
  job: Job;
  /** The claim it held, if it got that far: the item is still `processing` under it. */
  attempt: number | undefined;
  diskFull: boolean;
}

/**
 * Converts uploaded items through the job queue. Each run claims its item in SQLite first, so
 * a duplicate or stale job does nothing; writes the output (or a ladder's files) under
 * temporary names and renames them, so a killed process never leaves half a file under a
 * final name; then records the result and its events in one transaction. One bad file only
 * fails that item.
 */
export class Runner {
  #parked = new Map<string, Parked>();
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #retryMs = firstRetryMs;
  #stopped = false;

  constructor(private readonly deps: RunnerDeps) {}

  /** Jobs waiting for the disk or the database to take writes again. */
  get parked(): number {
    return this.#parked.size;
  }

  /** Stops retrying parked jobs (they run again after a restart: their items are pending). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  /**
   * Puts items a stopped server left processing back to pending when it ran them itself,
   * then queues everything runnable.
   */
  start(): void {
    const { lifecycle, queue, log } = this.deps;
    this.#stopped = false;
    const recovered = queue.local ? lifecycle.recover() : 0;
    const queued = this.queueAll();
    queue.start((job, signal) => this.#run(job, signal));
    log.info('runner started', { recovered, queued });
  }

  /** Queues every job the store says should exist (see #jobs); returns how many. */
  queueAll(): number {
    const jobs = this.#jobs();
    for (const job of jobs) this.deps.queue.enqueue(job);
    return jobs.length;
  }

  /** Queues the batch's runnable items (after uploads, resume or retry). */
  enqueueBatch(batchId: string): void {
    for (const job of this.#jobs(batchId)) this.deps.queue.enqueue(job);
  }

  /**
   * The jobs the store says should exist: one per pending item and, when workers elsewhere
   * run them, one per processing item under the count its claim was made from. While that
   * job is in Redis, queueing it again adds nothing; if Redis lost it, the new one takes the
   * item over (lifecycle.claim), so no item waits on a job that is gone.
   */
  #jobs(batchId?: string): Job[] {
    const { store, queue } = this.deps;
    const runnable = store.items.runnable(batchId);
    if (queue.local) return runnable;
    const taken = store.items
      .processing(batchId)
      .map((job) => ({ ...job, attempts: job.attempts - 1 }));
    return [...runnable, ...taken];
  }

  /**
   * Runs one job. A full disk or a database that refuses a write says nothing about the image,
   * so the job is parked and retried instead of failing the item; any other escape is a bug,
   * recorded as the item's failure. Either way no item is left processing without a job.
   */
  async #run(job: Job, signal: AbortSignal): Promise<void> {
    const claim: { attempt?: number } = {};
    try {
      await this.#convert(job, signal, claim);
    } catch (e) {
      if (isEnvironmentFault(e)) return this.#park(job, claim.attempt, e);
      // The error's name only: a message may quote request data.
      this.deps.log.error('job failed unexpectedly', {
        item: job.itemId,
        error: (e as Error).name,
      });
      if (claim.attempt === undefined) return;
      try {
        const reason = `The server failed while converting this file (${(e as Error).name})`;
        this.deps.lifecycle.failed(job.batchId, job.itemId, claim.attempt, reason, null);
      } catch (again) {
        this.#park(job, claim.attempt, again);
      }
    }
  }

  /**
   * Claims the job's item (lifecycle.claim; `queued` from a distributed queue) and gathers
   * what converting it takes; null when the item is not runnable (any more).
   */
  claim(job: JobRef, queued?: number): Claim | null {
    const item = this.deps.lifecycle.claim(job.batchId, job.itemId, queued);
    return item && this.held(job, item.attempts);
  }

  async #convert(job: Job, signal: AbortSignal, claimed: { attempt?: number }): Promise<void> {
    const { files, config } = this.deps;
    const claim = this.claim(job);
    if (!claim) return;
    const { attempt, settings, timeoutSeconds } = claim;
    claimed.attempt = attempt;
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);

    const work = readFile(files.input(job.batchId, job.itemId)).then((bytes) =>
      convertImage(bytes, settings, { maxInputPixels: config.maxInputPixels, signal }),
    );
    let result: ConvertOutput;
    try {
      result = await this.#limit(work, signal, timeoutSeconds * 1000);
    } catch (e) {
      if (signal.aborted) {
        // Cancelled (the item is already marked): let the conversion finish, drop its result.
        await work.catch(() => undefined);
        return;
      }
      const reason =
        e instanceof TimedOut
          ? `Timed out after ${timeoutSeconds} s; the result was discarded`
          : e instanceof Error
            ? e.message
            : String(e);
      this.fail(job, attempt, reason, elapsed());
      // sharp cannot be interrupted: the slot stays taken until libvips lets go of it.
      await work.catch(() => undefined);
      return;
    }
    await this.record(job, claim, result, elapsed(), signal);
  }

  /** The claim `attempt` of the job's item, while it is still the item's current one. */
  held(job: JobRef, attempt: number): Claim | null {
    const { store, config } = this.deps;
    const item = store.items.get(job.batchId, job.itemId);
    const batch = store.batches.get(job.batchId);
    if (!item || !batch || item.status !== 'processing' || item.attempts !== attempt) return null;
    const settings = resolveSettings(batch.preset, item.override);
    // The timeout is per file made: a ladder of 6 files gets six times as long.
    const timeoutSeconds = config.itemTimeoutSeconds * filesPerInput(settings);
    return { item, batch, attempt, settings, timeoutSeconds };
  }

  /** Records a failure of the claimed run (a no-op when the item moved on). */
  fail(job: JobRef, attempt: number, reason: string, durationMs: number | null): void {
    if (this.deps.lifecycle.failed(job.batchId, job.itemId, attempt, reason, durationMs)) {
      this.deps.log.info('item failed', { batch: job.batchId, item: job.itemId, ms: durationMs });
      // The same bytes with the same settings would fail the same way.
      for (const { job: copy, claim } of this.#duplicates(job)) {
        this.fail(copy, claim.attempt, reason, 0);
      }
      this.#logIfFinished(job.batchId);
    }
  }

  /**
   * An item just uploaded as a duplicate of one that has already run: it gets that one's
   * files (read back from disk) or its failure now, without converting. False when there is
   * nothing to copy yet: it waits for its duplicate, or runs on its own.
   */
  async copySettled(batchId: string, itemId: string): Promise<boolean> {
    const { store, files } = this.deps;
    const item = store.items.get(batchId, itemId);
    const from = item?.sameAs && store.items.get(batchId, item.sameAs);
    if (!item || !from || (from.status !== 'done' && from.status !== 'failed')) return false;
    const copy = { batchId, itemId, attempts: item.attempts };
    const claim = this.claim(copy);
    if (!claim) return false;
    if (from.status === 'failed') {
      this.fail(copy, claim.attempt, from.reason ?? 'Could not convert this file', 0);
      return true;
    }
    const count = from.ladder?.length ?? 1;
    const data = await Promise.all(
      Array.from({ length: count }, (_, k) => readFile(files.output(batchId, from.id, k))),
    );
    const output: ConvertOutput = {
      data: data[0],
      format: from.outputFormat,
      width: from.outputWidth!,
      height: from.outputHeight!,
      inputFormat: from.format!,
      inputWidth: from.width!,
      inputHeight: from.height!,
      ...(from.target && { target: from.target }),
      ...(from.keptOriginal && { keptOriginal: true }),
      ...(from.ladder && {
        ladder: from.ladder.map(({ size: _, path: __, ...file }, k) => ({
          ...file,
          data: data[k],
        })),
      }),
    };
    await this.record(copy, claim, output, 0);
    return true;
  }

  /** The pending duplicates of the job's item (same bytes and settings), each claimed. */
  #duplicates(job: JobRef): { job: JobRef; claim: Claim }[] {
    const out: { job: JobRef; claim: Claim }[] = [];
    for (const itemId of this.deps.store.items.duplicatesOf(job.batchId, job.itemId)) {
      const copy = { batchId: job.batchId, itemId, attempts: 0 };
      const claim = this.claim(copy);
      if (claim) out.push({ job: copy, claim });
    }
    return out;
  }

  /**
   * Writes a claimed run's files under temporary names and renames them, then records the
   * result; a run whose item moved on meanwhile leaves nothing behind. A full disk throws
   * (the image is fine: the caller retries later); any other write error fails the item.
   */
  async record(
    job: JobRef,
    { item, batch, attempt, settings }: Claim,
    result: ConvertOutput,
    durationMs: number,
    signal?: AbortSignal,
  ): Promise<void> {
    const { lifecycle, files } = this.deps;
    // A ladder's files in order (the first is also the output), or the one output.
    const outputs = result.ladder?.map((f) => f.data) ?? [result.data];
    try {
      await files.writeOutputs(job.batchId, job.itemId, outputs, signal);
    } catch (e) {
      // Out of space: the image is fine; the job waits for room (see #park).
      if (isDiskFull(e) && !signal?.aborted) throw e;
      if (!signal?.aborted) {
        const reason = `Could not write the output (${e instanceof Error ? e.message : e})`;
        lifecycle.failed(job.batchId, job.itemId, attempt, reason, durationMs);
      }
      return;
    }
    const recorded = lifecycle.done(job.batchId, job.itemId, attempt, {
      ...itemOutput(item.path, item.outputPath, madeOf(result), settings.ladder, batch.preset.name),
      durationMs,
    });
    // Cancelled or deleted while converting: nobody will ask for these files.
    if (!recorded) await files.removeOutputs(job.batchId, job.itemId, outputs.length);
    else {
      // Identical inputs with the same settings get the same files, written, not converted.
      for (const { job: copy, claim } of this.#duplicates(job)) {
        try {
          await this.record(copy, claim, result, 0);
          this.deps.log.info('item copied from its duplicate', {
            item: copy.itemId,
            of: job.itemId,
          });
        } catch (e) {
          // Not written (a full disk): the copy converts on its own later instead.
          this.deps.lifecycle.requeue(copy.batchId, copy.itemId, claim.attempt);
          this.#park(this.deps.store.items.job(copy.batchId, copy.itemId)!, undefined, e);
        }
      }
      this.#logIfFinished(job.batchId);
    }
  }

  #park(job: Job, attempt: number | undefined, e: unknown): void {
    const diskFull = isDiskFull(e);
    this.#parked.set(job.itemId, { job, attempt, diskFull });
    const code = (e as { code?: string }).code ?? (e as Error).name;
    this.deps.log.warn('job waits for the disk or database', { item: job.itemId, error: code });
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (this.#stopped || this.#retryTimer || this.#parked.size === 0) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#retryParked();
    }, this.#retryMs);
    this.#retryTimer.unref();
  }

  /**
   * Hands parked jobs back to the queue, their items back to pending first. Jobs parked for
   * a full disk wait until it has MIN_FREE_BYTES free again; while the database still refuses
   * writes they stay parked, and the next try comes later.
   */
  async #retryParked(): Promise<void> {
    const { lifecycle, queue, files, config, log } = this.deps;
    const free = await freeBytes(files.dataDir).catch(() => 0);
    let blocked = false;
    for (const [itemId, p] of this.#parked) {
      if (p.diskFull && free < Math.max(1, config.minFreeBytes)) {
        blocked = true;
        continue;
      }
      try {
        if (p.attempt !== undefined) lifecycle.requeue(p.job.batchId, itemId, p.attempt);
      } catch (e) {
        if (isEnvironmentFault(e)) {
          blocked = true;
          break;
        }
        log.error('could not requeue a parked job', { item: itemId, error: (e as Error).name });
      }
      this.#parked.delete(itemId);
      // Requeued, the item keeps the claim count of the run that stopped.
      queue.enqueue({ ...p.job, attempts: p.attempt ?? p.job.attempts });
    }
    this.#retryMs = blocked ? Math.min(lastRetryMs, this.#retryMs * 2) : firstRetryMs;
    this.#scheduleRetry();
  }

  #logIfFinished(batchId: string): void {
    const batch = this.deps.store.batches.get(batchId);
    if (batch?.status !== 'done') return;
    const counts = this.deps.store.items.counts(batchId);
    this.deps.log.info('batch done', { batch: batchId, ms: batch.elapsedMs, ...counts });
  }

  /** Rejects with TimedOut after `ms`, or with the abort reason on cancel. */
  #limit<T>(work: Promise<T>, signal: AbortSignal, ms: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new TimedOut()), ms);
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(resolve, reject).finally(() => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      });
    });
  }
}
