import { afterEach, describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { openStore, type Store } from '../../../app/store/index.js';
import { blobBytes, bytesBlob, freshStore, makeBatch, makeItem } from './helpers.js';

let store: Store | undefined;
afterEach(() => store?.close());

const thumb = (itemId: string, batchId: string, byte = 7) => ({
  itemId,
  batchId,
  blob: bytesBlob([byte], 'image/webp'),
  width: 192,
  height: 128,
});

/** A database as version 1 of the app left it: the stores of that version and one item. */
async function versionOneDatabase(factory: IDBFactory, name: string): Promise<void> {
  const request = factory.open(name, 1);
  request.onupgradeneeded = () => {
    const db = request.result;
    db.createObjectStore('batches', { keyPath: 'id' }).createIndex('createdAt', 'createdAt');
    const items = db.createObjectStore('items', { keyPath: 'id' });
    items.createIndex('batchId', 'batchId');
    items.createIndex('batchOrder', ['batchId', 'order']);
    db.createObjectStore('inputs', { keyPath: 'itemId' }).createIndex('batchId', 'batchId');
    db.createObjectStore('outputs', { keyPath: 'itemId' }).createIndex('batchId', 'batchId');
    db.createObjectStore('settings');
    db.createObjectStore('presets', { keyPath: 'id' });
  };
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const tx = db.transaction(['batches', 'items', 'inputs'], 'readwrite');
  tx.objectStore('batches').put(makeBatch('old'));
  tx.objectStore('items').put(makeItem('old', 0));
  tx.objectStore('inputs').put({ itemId: 'old-item-0', batchId: 'old', blob: bytesBlob([1, 2]) });
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}

describe('thumbnails', () => {
  it('upgrades a version 1 database: its batches and inputs are kept, thumbnails can be stored', async () => {
    const factory = new IDBFactory();
    await versionOneDatabase(factory, 'upgrade');
    store = await openStore('upgrade', factory);

    expect(await store.getBatch('old')).toEqual(makeBatch('old'));
    expect(await store.getItems('old')).toEqual([makeItem('old', 0)]);
    expect(await blobBytes(await store.getInput('old-item-0'))).toEqual([1, 2]);
    expect(await store.getThumbnail('old-item-0')).toBeUndefined();
    expect(await store.putThumbnail(thumb('old-item-0', 'old'))).toBe(true);
    const saved = await store.getThumbnail('old-item-0');
    expect(saved).toMatchObject({ itemId: 'old-item-0', batchId: 'old', width: 192 });
    expect(await blobBytes(saved?.blob ?? undefined)).toEqual([7]);
  });

  it('keeps no thumbnail for an item that no longer exists', async () => {
    store = await freshStore();
    expect(await store.putThumbnail(thumb('ghost', 'b1'))).toBe(false);
    expect(await store.getThumbnail('ghost')).toBeUndefined();
  });

  it('deletes thumbnails with their batch and keeps the other batches’', async () => {
    store = await freshStore();
    for (const id of ['gone', 'kept']) {
      await store.createBatch(makeBatch(id));
      await store.addItems([{ item: makeItem(id, 0), input: bytesBlob([0]) }]);
      expect(await store.putThumbnail(thumb(`${id}-item-0`, id))).toBe(true);
    }
    await store.deleteBatch('gone');
    expect(await store.getThumbnail('gone-item-0')).toBeUndefined();
    expect(await store.getThumbnail('kept-item-0')).toBeDefined();
  });

  it('removes files taken out of a draft with their inputs and thumbnails, and only those', async () => {
    store = await freshStore();
    await store.createBatch(makeBatch('b'));
    await store.addItems([0, 1].map((i) => ({ item: makeItem('b', i), input: bytesBlob([i]) })));
    for (const i of [0, 1]) await store.putThumbnail(thumb(`b-item-${i}`, 'b'));
    await store.deleteItems(['b-item-0']);
    expect((await store.getItems('b')).map((it) => it.id)).toEqual(['b-item-1']);
    expect(await store.getInput('b-item-0')).toBeUndefined();
    expect(await store.getThumbnail('b-item-0')).toBeUndefined();
    expect(await store.getThumbnail('b-item-1')).toBeDefined();
  });
});
