import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addChunkSize, StorageFullError, type Store } from '../../../app/store/index.js';
import { crashReason } from '../../../app/store/items.js';
import {
  blobBytes,
  bytesBlob,
  freshStore,
  injectQuotaError,
  makeBatch,
  makeItem,
} from './helpers.js';

let store: Store;
beforeEach(async () => {
  store = await freshStore();
  await store.createBatch(makeBatch('b'));
});
afterEach(() => store.close());

describe('items', () => {
  it('round-trips items and their input blobs', async () => {
    const item = makeItem('b', 0, { override: { metadata: 'keep' }, width: 10, height: 20 });
    await store.addItems([{ item, input: bytesBlob([1, 2, 3], 'image/png') }]);

    expect(await store.getItems('b')).toEqual([item]);
    const input = await store.getInput(item.id);
    expect(input).toBeInstanceOf(Blob);
    expect(input?.type).toBe('image/png');
    expect(await blobBytes(input)).toEqual([1, 2, 3]);
    expect(await store.getInput('missing')).toBeUndefined();
  });

  it('keeps the bytes of a File, returned as a Blob', async () => {
    const file = new File([new Uint8Array([7, 8])], 'a.jpg', { type: 'image/jpeg' });
    await store.addItems([{ item: makeItem('b', 0), input: file }]);
    expect(await blobBytes(await store.getInput('b-item-0'))).toEqual([7, 8]);
  });

  it('returns items in queue order, not insertion or id order', async () => {
    const orders = [5, 0, 12, 3, 100, 7];
    await store.addItems(
      orders.map((o) => ({ item: makeItem('b', o, { id: `z${100 - o}` }), input: bytesBlob([o]) })),
    );
    await store.createBatch(makeBatch('other'));
    await store.addItems([{ item: makeItem('other', 1), input: bytesBlob([1]) }]);

    expect((await store.getItems('b')).map((i) => i.order)).toEqual([0, 3, 5, 7, 12, 100]);
  });

  it('adds more items than one transaction holds', async () => {
    const n = addChunkSize * 2 + 17;
    await store.addItems(
      Array.from({ length: n }, (_, i) => ({
        item: makeItem('b', i),
        input: bytesBlob([i % 256]),
      })),
    );
    const items = await store.getItems('b');
    expect(items).toHaveLength(n);
    expect(await blobBytes(await store.getInput(`b-item-${n - 1}`))).toEqual([(n - 1) % 256]);
  });

  it('keeps the chunks saved before storage filled up and reports StorageFullError', async () => {
    const n = addChunkSize + 10;
    const list = Array.from({ length: n }, (_, i) => ({
      item: makeItem('b', i),
      input: bytesBlob([1]),
    }));
    // The first chunk's inputs fit; the second chunk's do not.
    const spy = injectQuotaError('inputs', 'commit', addChunkSize);

    const error = await store.addItems(list).catch((e: unknown) => e);
    spy.mockRestore();

    expect(error).toBeInstanceOf(StorageFullError);
    expect((await store.getItems('b')).length).toBe(addChunkSize);
  });

  it('putItem and putItems update item records', async () => {
    await store.addItems([0, 1].map((i) => ({ item: makeItem('b', i), input: bytesBlob([i]) })));
    await store.putItem(makeItem('b', 0, { status: 'failed', reason: 'Not an image' }));
    await store.putItems([makeItem('b', 1, { status: 'skipped' })]);
    expect((await store.getItems('b')).map((i) => i.status)).toEqual(['failed', 'skipped']);
  });
});

describe('recoverInterrupted', () => {
  it('puts processing items, and done items without output, back to pending', async () => {
    const items = [
      makeItem('b', 0, { status: 'processing', progress: 0.6, stage: 'encode', attempts: 1 }),
      makeItem('b', 1, { status: 'done', progress: 1, outputSize: 50, attempts: 1 }),
      makeItem('b', 2, { status: 'done', progress: 1, outputSize: 9, attempts: 1 }),
      makeItem('b', 3, { status: 'failed', reason: 'Corrupt JPEG', attempts: 1 }),
      makeItem('b', 4, { status: 'pending' }),
    ];
    await store.addItems(items.map((item) => ({ item, input: bytesBlob([1]) })));
    // Item 1 has its output; item 2's was never written.
    await store.completeItem(items[1], bytesBlob([5]));

    const changed = await store.recoverInterrupted('b');

    expect(changed.map((i) => i.id)).toEqual(['b-item-0', 'b-item-2']);
    for (const item of changed) {
      expect(item).toMatchObject({ status: 'pending', progress: 0, attempts: 1 });
      expect(item.stage).toBeUndefined();
      expect(item.outputSize).toBeUndefined();
    }
    expect((await store.getItems('b')).map((i) => i.status)).toEqual([
      'pending',
      'done',
      'pending',
      'failed',
      'pending',
    ]);
    expect(await store.recoverInterrupted('b')).toEqual([]);
  });

  it('deletes outputs left by items that are no longer done', async () => {
    const done = makeItem('b', 0, { status: 'done', progress: 1 });
    await store.addItems([{ item: done, input: bytesBlob([1]) }]);
    await store.completeItem(done, bytesBlob([5]));
    // Retried, then interrupted: the old output belongs to no finished conversion.
    await store.putItem({ ...done, status: 'processing', progress: 0.3 });

    const changed = await store.recoverInterrupted('b');

    expect(changed.map((i) => i.status)).toEqual(['pending']);
    expect(await store.getOutput(done.id)).toBeUndefined();
  });

  it('after a crash marks the converting items, and fails one that crashed the page again', async () => {
    const items = [
      makeItem('b', 0, { status: 'processing', stage: 'encode', attempts: 1 }),
      makeItem('b', 1, { status: 'processing', stage: 'decode', attempts: 1 }),
      makeItem('b', 2, { status: 'pending' }),
    ];
    await store.addItems(items.map((item) => ({ item, input: bytesBlob([1]) })));

    // A clean reload leaves no mark.
    expect((await store.recoverInterrupted('b')).map((i) => i.crashed)).toEqual([
      undefined,
      undefined,
    ]);
    await store.putItems(items.slice(0, 2));

    // The first crash: both go back to the queue, marked.
    const first = await store.recoverInterrupted('b', true);
    expect(first.map((i) => [i.status, i.crashed])).toEqual([
      ['pending', true],
      ['pending', true],
    ]);

    // Item 0 converts alone and the page crashes again: it fails with the reason, and item 1
    // (still waiting its turn) keeps its mark.
    await store.putItem({ ...first[0], status: 'processing', stage: 'encode' });
    const second = await store.recoverInterrupted('b', true);
    expect(second).toHaveLength(1);
    expect(second[0]).toMatchObject({ id: 'b-item-0', status: 'failed', reason: crashReason });
    expect(second[0].crashed).toBeUndefined();
    expect((await store.getItems('b')).map((i) => [i.status, i.crashed])).toEqual([
      ['failed', undefined],
      ['pending', true],
      ['pending', undefined],
    ]);
  });
});
