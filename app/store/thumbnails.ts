import type { PixpoolDb, ThumbnailRecord } from './db.js';
import { inTransaction } from './errors.js';

export function getThumbnail(db: PixpoolDb, itemId: string): Promise<ThumbnailRecord | undefined> {
  return db.get('thumbnails', itemId);
}

/**
 * Keeps a thumbnail if its item still exists, and returns whether it did: a thumbnail made
 * while its batch was being deleted must not outlive it (deleteBatch removes the rest).
 */
export async function putThumbnail(db: PixpoolDb, thumbnail: ThumbnailRecord): Promise<boolean> {
  const tx = db.transaction(['items', 'thumbnails'], 'readwrite');
  return inTransaction(tx, 'saving a thumbnail', async () => {
    if ((await tx.objectStore('items').count(thumbnail.itemId)) === 0) return false;
    await tx.objectStore('thumbnails').put(thumbnail);
    return true;
  });
}
