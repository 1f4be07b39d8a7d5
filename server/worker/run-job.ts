import { convertImage, type ConvertOutput } from '../convert/index.js';
import type { Job } from '../queue/types.js';
import { StaleRun, type ServerClient } from './client.js';

class TimedOut extends Error {}

/** What became of one job in this worker, and the claim it ran under (the item's count). */
export type JobOutcome =
  { outcome: 'done' | 'failed'; attempt: number } | { outcome: 'stale'; attempt?: undefined };

/**
 * Runs one job: claims its item from the server, reads the input, converts with sharp (and
 * the wasm decoders, on their threads) and hands back the files, or the reason the image
 * could not be converted. A reason about the image is an outcome, not an error: only faults
 * outside it (the server unreachable, its disk full) throw, for BullMQ to retry the job
 * later, when the retry's claim takes the item over.
 */
export async function runJob(
  job: Job,
  server: ServerClient,
  signal?: AbortSignal,
): Promise<JobOutcome> {
  try {
    const claim = await server.claim(job);
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const bytes = await server.input(job, claim.attempt);
    const controller = new AbortController();
    signal?.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
    const work = convertImage(bytes, claim.settings, {
      maxInputPixels: claim.maxInputPixels,
      signal: controller.signal,
    });
    let result: ConvertOutput;
    try {
      result = await within(work, claim.timeoutSeconds * 1000);
    } catch (e) {
      controller.abort();
      // sharp cannot be interrupted: the slot stays taken until libvips lets go of it.
      await work.catch(() => undefined);
      if (signal?.aborted) throw signal.reason;
      const reason =
        e instanceof TimedOut
          ? `Timed out after ${claim.timeoutSeconds} s; the result was discarded`
          : e instanceof Error
            ? e.message
            : String(e);
      await server.failed(job, claim.attempt, { reason, durationMs: elapsed() });
      return { outcome: 'failed', attempt: claim.attempt };
    }
    await server.done(job, claim.attempt, result, elapsed());
    return { outcome: 'done', attempt: claim.attempt };
  } catch (e) {
    if (e instanceof StaleRun) return { outcome: 'stale' };
    throw e;
  }
}

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimedOut()), ms);
    work.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
