import type { Batch, BatchStatus } from '../../shared/state/index.js';
import type { PixpoolDb } from './db.js';
import { inTransaction } from './errors.js';

export async function createBatch(db: PixpoolDb, batch: Batch): Promise<void> {
  const tx = db.transaction('batches', 'readwrite');
  // add, not put: a second batch with the same id is a bug, not an update.
  await inTransaction(tx, `creating batch ${batch.name}`, () => tx.store.add(batch));
}

export async function putBatch(db: PixpoolDb, batch: Batch): Promise<void> {
  const tx = db.transaction('batches', 'readwrite');
  await inTransaction(tx, `saving batch ${batch.name}`, () => tx.store.put(batch));
}

export function getBatch(db: PixpoolDb, id: string): Promise<Batch | undefined> {
  return db.get('batches', id);
}

/** Every batch, newest first. */
export async function listBatches(db: PixpoolDb): Promise<Batch[]> {
  return (await db.getAllFromIndex('batches', 'createdAt')).reverse();
}

/** Deletes a batch with its items, inputs, outputs and thumbnails, all or nothing. */
export async function deleteBatch(db: PixpoolDb, id: string): Promise<void> {
  const tx = db.transaction(['batches', 'items', 'inputs', 'outputs', 'thumbnails'], 'readwrite');
  await inTransaction(tx, `deleting batch ${id}`, async () => {
    const stores = ['items', 'inputs', 'outputs', 'thumbnails'] as const;
    const keys = await Promise.all(
      stores.map((s) => tx.objectStore(s).index('batchId').getAllKeys(id)),
    );
    await Promise.all([
      tx.objectStore('batches').delete(id),
      ...stores.flatMap((s, i) => keys[i].map((key) => tx.objectStore(s).delete(key))),
    ]);
  });
}

/** Batches nothing is happening to; a running or paused one is never pruned. */
const prunable: ReadonlySet<BatchStatus> = new Set(['done', 'cancelled', 'draft']);

/**
 * Deletes settled batches created more than `maxAgeMs` before `now`, returning their ids.
 * Example: `pruneHistory(30 * 86_400_000)` keeps the last 30 days.
 */
export async function pruneHistory(
  db: PixpoolDb,
  maxAgeMs: number,
  now = Date.now(),
): Promise<string[]> {
  const cutoff = now - maxAgeMs;
  const old = await db.getAllFromIndex(
    'batches',
    'createdAt',
    IDBKeyRange.upperBound(cutoff, true),
  );
  const ids = old.filter((b) => prunable.has(b.status)).map((b) => b.id);
  // One transaction per batch: a failure part-way keeps whole batches, never half of one.
  for (const id of ids) await deleteBatch(db, id);
  return ids;
}
