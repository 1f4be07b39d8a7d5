import type { BatchItem } from '../../shared/state/index.js';
import type { PixpoolDb } from './db.js';
import { inTransaction } from './errors.js';

export async function getInput(db: PixpoolDb, itemId: string): Promise<Blob | undefined> {
  return (await db.get('inputs', itemId))?.blob;
}

/** The item's output, or a ladder's `index`-th file (0 is the output). */
export async function getOutput(
  db: PixpoolDb,
  itemId: string,
  index = 0,
): Promise<Blob | undefined> {
  const record = await db.get('outputs', itemId);
  return index === 0 ? record?.blob : record?.more?.[index - 1];
}

export async function deleteOutput(db: PixpoolDb, itemId: string): Promise<void> {
  const tx = db.transaction('outputs', 'readwrite');
  await inTransaction(tx, 'deleting an output', () => tx.store.delete(itemId));
}

/**
 * Saves a finished item and its output (and a ladder's other files) in one transaction: if either write fails (storage
 * full, a crash mid-commit) neither is kept, so the item stays as it was (e.g. 'processing')
 * and no output exists for it.
 */
export async function completeItem(
  db: PixpoolDb,
  item: BatchItem,
  output: Blob,
  more?: Blob[],
): Promise<void> {
  if (item.status !== 'done') {
    throw new Error(`completeItem expects a done item but ${item.path} is ${item.status}`);
  }
  const tx = db.transaction(['items', 'outputs'], 'readwrite');
  await inTransaction(tx, `saving the output of ${item.path}`, () =>
    Promise.all([
      tx.objectStore('items').put(item),
      tx
        .objectStore('outputs')
        .put({ itemId: item.id, batchId: item.batchId, blob: output, ...(more && { more }) }),
    ]),
  );
}
