import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../app/store/index.js';
import { blobBytes, bytesBlob, freshStore, makeBatch, makeItem } from './helpers.js';

let store: Store;
beforeEach(async () => {
  store = await freshStore();
});
afterEach(() => store.close());

describe('batches', () => {
  it('round-trips a batch, including its preset snapshot', async () => {
    const batch = makeBatch('b1', { status: 'running', startedAt: 5, elapsedMs: 1234 });
    await store.createBatch(batch);
    expect(await store.getBatch('b1')).toEqual(batch);
    expect(await store.getBatch('nope')).toBeUndefined();

    await store.putBatch({ ...batch, status: 'paused' });
    expect((await store.getBatch('b1'))?.status).toBe('paused');
  });

  it('refuses to create a second batch with the same id', async () => {
    await store.createBatch(makeBatch('b1'));
    await expect(store.createBatch(makeBatch('b1'))).rejects.toThrow();
  });

  it('lists batches newest first', async () => {
    await store.createBatch(makeBatch('old', { createdAt: 1000 }));
    await store.createBatch(makeBatch('new', { createdAt: 3000 }));
    await store.createBatch(makeBatch('mid', { createdAt: 2000 }));
    expect((await store.listBatches()).map((b) => b.id)).toEqual(['new', 'mid', 'old']);
  });

  it('deletes a batch with its items, inputs and outputs, and nothing of other batches', async () => {
    for (const id of ['gone', 'kept']) {
      await store.createBatch(makeBatch(id));
      await store.addItems(
        [0, 1, 2].map((i) => ({ item: makeItem(id, i), input: bytesBlob([i]) })),
      );
      await store.completeItem(makeItem(id, 0, { status: 'done' }), bytesBlob([9]));
    }

    await store.deleteBatch('gone');

    expect(await store.getBatch('gone')).toBeUndefined();
    expect(await store.getItems('gone')).toEqual([]);
    for (let i = 0; i < 3; i++) expect(await store.getInput(`gone-item-${i}`)).toBeUndefined();
    expect(await store.getOutput('gone-item-0')).toBeUndefined();

    expect(await store.getBatch('kept')).toBeDefined();
    expect(await store.getItems('kept')).toHaveLength(3);
    expect(await blobBytes(await store.getInput('kept-item-2'))).toEqual([2]);
    expect(await blobBytes(await store.getOutput('kept-item-0'))).toEqual([9]);
  });
});

describe('pruneHistory', () => {
  const day = 86_400_000;
  const now = 100 * day;

  it('deletes old settled batches and keeps recent, running and paused ones', async () => {
    const batches = [
      makeBatch('old-done', { createdAt: now - 40 * day, status: 'done' }),
      makeBatch('old-cancelled', { createdAt: now - 40 * day, status: 'cancelled' }),
      makeBatch('old-draft', { createdAt: now - 31 * day, status: 'draft' }),
      makeBatch('old-running', { createdAt: now - 40 * day, status: 'running' }),
      makeBatch('old-paused', { createdAt: now - 40 * day, status: 'paused' }),
      makeBatch('recent-done', { createdAt: now - 2 * day, status: 'done' }),
    ];
    for (const b of batches) {
      await store.createBatch(b);
      await store.addItems([{ item: makeItem(b.id, 0), input: bytesBlob([1]) }]);
    }

    const deleted = await store.pruneHistory(30 * day, now);

    expect(deleted.sort()).toEqual(['old-cancelled', 'old-done', 'old-draft']);
    expect((await store.listBatches()).map((b) => b.id).sort()).toEqual([
      'old-paused',
      'old-running',
      'recent-done',
    ]);
    expect(await store.getItems('old-done')).toEqual([]);
    expect(await store.getInput('old-done-item-0')).toBeUndefined();
    expect(await store.getItems('old-running')).toHaveLength(1);
  });

  it('keeps a batch created exactly at the cutoff', async () => {
    await store.createBatch(makeBatch('edge', { createdAt: now - 30 * day, status: 'done' }));
    expect(await store.pruneHistory(30 * day, now)).toEqual([]);
  });
});
