import type { BatchItem } from '../../shared/state/index.js';
import type { PixpoolDb } from './db.js';
import { inTransaction } from './errors.js';

/** Items (with their input bytes) written per transaction when adding files. */
export const addChunkSize = 500;

/**
 * Stores new items with their input files, `addChunkSize` per transaction so 10,000 files do
 * not make one giant transaction. Each chunk commits on its own: if storage fills up, the
 * chunks before are kept and the error (StorageFullError) says so.
 */
export async function addItems(
  db: PixpoolDb,
  items: { item: BatchItem; input: Blob }[],
): Promise<void> {
  for (let start = 0; start < items.length; start += addChunkSize) {
    const chunk = items.slice(start, start + addChunkSize);
    const tx = db.transaction(['items', 'inputs'], 'readwrite');
    await inTransaction(tx, `adding ${items.length} files, ${start} saved`, () =>
      Promise.all(
        chunk.flatMap(({ item, input }) => [
          tx.objectStore('items').put(item),
          tx.objectStore('inputs').put({ itemId: item.id, batchId: item.batchId, blob: input }),
        ]),
      ),
    );
  }
}

export async function putItems(db: PixpoolDb, items: BatchItem[]): Promise<void> {
  const tx = db.transaction('items', 'readwrite');
  await inTransaction(tx, `saving ${items.length} items`, () =>
    Promise.all(items.map((item) => tx.store.put(item))),
  );
}

/** A batch's items in queue order. */
export function getItems(db: PixpoolDb, batchId: string): Promise<BatchItem[]> {
  return db.getAllFromIndex(
    'items',
    'batchOrder',
    IDBKeyRange.bound([batchId, -Infinity], [batchId, Infinity]),
  );
}

function backToPending(item: BatchItem): BatchItem {
  return {
    ...item,
    status: 'pending',
    progress: 0,
    stage: undefined,
    outputSize: undefined,
    outputWidth: undefined,
    outputHeight: undefined,
  };
}

/** Why an item that stopped the page twice is not tried again. */
export const crashReason =
  'The page stopped twice while converting this file, the second time with nothing else ' +
  'converting: it likely needs more memory than the browser gives a tab. Try a smaller size, ' +
  'or convert it on a server.';

/**
 * What a crash does to an item that was converting: the first time it goes back to the queue
 * marked `crashed` (the runner then converts it alone), the second time it was the only file
 * converting, so it is the one that stops the page: it fails instead of crashing it forever.
 */
function afterCrash(item: BatchItem): BatchItem {
  if (!item.crashed) return { ...backToPending(item), crashed: true };
  return { ...item, status: 'failed', stage: undefined, reason: crashReason, crashed: undefined };
}

/**
 * After a reload or crash: items left 'processing' go back to 'pending', and so does a 'done'
 * item whose output is missing. When the page did not close cleanly (`crashed`), the items
 * that were converting go through `afterCrash` instead. Outputs left behind by items that are
 * no longer 'done' (a retry that never finished) are deleted, so afterwards an output exists
 * exactly for the done items. Returns the items it changed, in order.
 */
export async function recoverInterrupted(
  db: PixpoolDb,
  batchId: string,
  crashed = false,
): Promise<BatchItem[]> {
  const tx = db.transaction(['items', 'outputs'], 'readwrite');
  return inTransaction(tx, 'recovering interrupted items', async () => {
    const [items, outputKeys] = await Promise.all([
      tx.objectStore('items').index('batchId').getAll(batchId),
      tx.objectStore('outputs').index('batchId').getAllKeys(batchId),
    ]);
    const withOutput = new Set(outputKeys);
    const doneIds = new Set(items.filter((i) => i.status === 'done').map((i) => i.id));
    const changed = items
      .filter(
        (item) =>
          item.status === 'processing' || (item.status === 'done' && !withOutput.has(item.id)),
      )
      .map((item) =>
        crashed && item.status === 'processing' ? afterCrash(item) : backToPending(item),
      )
      .sort((a, b) => a.order - b.order);
    const orphans = outputKeys.filter((id) => !doneIds.has(id));
    await Promise.all([
      ...changed.map((item) => tx.objectStore('items').put(item)),
      ...orphans.map((id) => tx.objectStore('outputs').delete(id)),
    ]);
    return changed;
  });
}

/** Deletes items with their inputs, outputs and thumbnails (files taken out of a draft). */
export async function deleteItems(db: PixpoolDb, ids: readonly string[]): Promise<void> {
  const stores = ['items', 'inputs', 'outputs', 'thumbnails'] as const;
  const tx = db.transaction(stores, 'readwrite');
  await inTransaction(tx, `removing ${ids.length} files`, () =>
    Promise.all(ids.flatMap((id) => stores.map((s) => tx.objectStore(s).delete(id)))),
  );
}
