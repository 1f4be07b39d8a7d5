import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { resolveSettings } from '../../shared/presets/index.js';
import type { Lifecycle } from '../batches/lifecycle.js';
import type { Config } from '../config.js';
import { convertImage, type ConvertOutput } from '../convert/index.js';
import type { DataFiles } from '../files.js';
import type { Log } from '../log.js';
import type { Job, JobQueue } from '../queue/types.js';
import type { Store } from '../store/index.js';

export interface RunnerDeps {
  store: Store;
  lifecycle: Lifecycle;
  queue: JobQueue;
  files: DataFiles;
  config: Pick<Config, 'maxInputPixels' | 'itemTimeoutSeconds'>;
  log: Log;
}

class TimedOut extends Error {}

/**
 * Converts uploaded items through the job queue. Each run claims its item in SQLite first, so
 * a duplicate or stale job does nothing; writes the output under a temporary name and renames
 * it, so a killed process never leaves half a file under the final name; then records the
 * result and its events in one transaction. One bad file only fails that item.
 */
export class Runner {
  constructor(private readonly deps: RunnerDeps) {}

  /** Puts items a stopped server left processing back to pending, queues everything runnable. */
  start(): void {
    const { lifecycle, queue, log } = this.deps;
    const recovered = lifecycle.recover();
    const runnable = this.deps.store.items.runnable();
    for (const job of runnable) queue.enqueue(job);
    queue.start((job, signal) => this.#run(job, signal));
    log.info('runner started', { recovered, queued: runnable.length });
  }

  /** Queues the batch's runnable items (after uploads, resume or retry). */
  enqueueBatch(batchId: string): void {
    for (const job of this.deps.store.items.runnable(batchId)) this.deps.queue.enqueue(job);
  }

  async #run(job: Job, signal: AbortSignal): Promise<void> {
    const { store, lifecycle, files, config, log } = this.deps;
    const item = lifecycle.claim(job.batchId, job.itemId);
    const batch = store.batches.get(job.batchId);
    if (!item || !batch) return;
    const attempt = item.attempts;
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const settings = resolveSettings(batch.preset, item.override);

    const work = readFile(files.input(job.batchId, job.itemId)).then((bytes) =>
      convertImage(bytes, settings, { maxInputPixels: config.maxInputPixels, signal }),
    );
    let result: ConvertOutput;
    try {
      result = await this.#limit(work, signal);
    } catch (e) {
      if (signal.aborted) {
        // Cancelled (the item is already marked): let the conversion finish, drop its result.
        await work.catch(() => undefined);
        return;
      }
      const reason =
        e instanceof TimedOut
          ? `Timed out after ${config.itemTimeoutSeconds} s; the result was discarded`
          : e instanceof Error
            ? e.message
            : String(e);
      if (lifecycle.failed(job.batchId, job.itemId, attempt, reason, elapsed())) {
        log.info('item failed', { batch: job.batchId, item: job.itemId, ms: elapsed() });
        this.#logIfFinished(job.batchId);
      }
      // sharp cannot be interrupted: the slot stays taken until libvips lets go of it.
      await work.catch(() => undefined);
      return;
    }

    const final = files.output(job.batchId, job.itemId);
    const temp = files.temp(final);
    try {
      await writeFile(temp, result.data);
      if (signal.aborted) throw signal.reason;
      // rename() replaces atomically: the final name holds the old file or the new, never half.
      await rename(temp, final);
    } catch (e) {
      await rm(temp, { force: true });
      if (!signal.aborted) {
        const reason = `Could not write the output (${e instanceof Error ? e.message : e})`;
        lifecycle.failed(job.batchId, job.itemId, attempt, reason, elapsed());
      }
      return;
    }
    const recorded = lifecycle.done(job.batchId, job.itemId, attempt, {
      outputSize: result.data.length,
      outputWidth: result.width,
      outputHeight: result.height,
      width: result.inputWidth,
      height: result.inputHeight,
      durationMs: elapsed(),
    });
    // Cancelled or deleted while converting: nobody will ask for this output.
    if (!recorded) await rm(final, { force: true });
    else this.#logIfFinished(job.batchId);
  }

  #logIfFinished(batchId: string): void {
    const batch = this.deps.store.batches.get(batchId);
    if (batch?.status !== 'done') return;
    const counts = this.deps.store.items.counts(batchId);
    this.deps.log.info('batch done', { batch: batchId, ms: batch.elapsedMs, ...counts });
  }

  /** Rejects with TimedOut after the item timeout, or with the abort reason on cancel. */
  #limit<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
    const ms = this.deps.config.itemTimeoutSeconds * 1000;
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
