import type { ItemStatus } from '../../shared/state/index.js';
import type { BatchStatusBody, Progress } from '../../shared/api.js';
import type { ServerBatch, ServerItem } from '../store/index.js';

/** Counts per status as the API names them. */
export function progressOf(counts: Record<ItemStatus, number>): Progress {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    total,
    completed: counts.done,
    failed: counts.failed,
    processing: counts.processing,
    pending: counts.pending,
    cancelled: counts.cancelled,
    skipped: counts.skipped,
  };
}

/**
 * Seconds left, from the mean conversion time of the done items spread over the runner's
 * slots; null before the first item finishes or once nothing is left.
 */
export function estimateSeconds(items: readonly ServerItem[], concurrency: number): number | null {
  let doneMs = 0;
  let done = 0;
  let left = 0;
  for (const item of items) {
    if (item.status === 'done' && item.durationMs !== undefined) {
      doneMs += item.durationMs;
      done++;
    } else if (item.status === 'pending' || item.status === 'processing') {
      left++;
    }
  }
  if (done === 0 || left === 0) return left === 0 ? 0 : null;
  return Math.ceil(((doneMs / done) * left) / Math.max(1, concurrency) / 1000);
}

/** The body of `GET /api/batches/:id` (docs/API.md, "Status"). */
export function statusView(
  batch: ServerBatch,
  items: readonly ServerItem[],
  concurrency: number,
): BatchStatusBody {
  const counts = Object.fromEntries(
    ['pending', 'processing', 'done', 'failed', 'cancelled', 'skipped'].map((s) => [s, 0]),
  ) as Record<ItemStatus, number>;
  for (const item of items) counts[item.status]++;
  return {
    batchId: batch.id,
    name: batch.name,
    status: batch.status,
    progress: progressOf(counts),
    images: items.map((item) => ({
      id: item.id,
      filename: item.path,
      outputPath: item.outputPath,
      status: item.status,
      uploaded: item.uploaded,
      size: item.size,
      ...(item.reason !== undefined && { error: item.reason }),
      ...(item.status === 'done' && {
        outputSize: item.outputSize,
        outputWidth: item.outputWidth,
        outputHeight: item.outputHeight,
        outputFormat: item.outputFormat,
        ...(item.keptOriginal && { keptOriginal: true }),
        ...(item.target && { target: item.target }),
        ...(item.ladder && { ladder: item.ladder }),
      }),
      ...(item.durationMs !== undefined && { durationMs: item.durationMs }),
    })),
    estimatedTimeRemaining: estimateSeconds(items, concurrency),
    createdAt: new Date(batch.createdAt).toISOString(),
    finishedAt: batch.finishedAt === undefined ? null : new Date(batch.finishedAt).toISOString(),
  };
}
