import type { WebhookPayload } from '../../shared/api.js';
import { progressOf } from '../batches/progress.js';
import type { Store } from '../store/index.js';

/**
 * Queues the finished batch's webhook, if it has one, in the caller's transaction: the
 * delivery exists exactly when the batch's end does. One per finish (a retried batch that
 * finishes again sends again).
 */
export function scheduleWebhook(store: Store, batchId: string, now: number): void {
  const batch = store.batches.get(batchId);
  const hook = batch?.webhook;
  if (!batch || !hook || (batch.status !== 'done' && batch.status !== 'cancelled')) return;
  const finishedAt = batch.finishedAt ?? now;
  const payload: WebhookPayload = {
    event: 'batch.finished',
    batchId,
    status: batch.status,
    progress: progressOf(store.items.counts(batchId)),
    finishedAt: new Date(finishedAt).toISOString(),
    ...(hook.includeNames && {
      name: batch.name,
      files: store.items.list(batchId).map((item) => ({
        path: item.path,
        status: item.status,
        ...(item.status === 'done' && { outputPath: item.outputPath }),
        ...(item.reason !== undefined && { error: item.reason }),
      })),
    }),
  };
  store.deliveries.add({
    id: `${batchId}.${batch.status}.${finishedAt}`,
    url: hook.url,
    secret: hook.secret,
    body: JSON.stringify(payload),
    nextAt: now,
  });
}
