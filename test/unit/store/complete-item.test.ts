import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StorageFullError, type Store } from '../../../app/store/index.js';
import {
  blobBytes,
  bytesBlob,
  freshStore,
  injectQuotaError,
  makeBatch,
  makeItem,
} from './helpers.js';

let store: Store;
const processing = makeItem('b', 0, { status: 'processing', progress: 0.9, stage: 'write' });
const done = makeItem('b', 0, { status: 'done', progress: 1, outputSize: 2, attempts: 1 });

beforeEach(async () => {
  store = await freshStore();
  await store.createBatch(makeBatch('b'));
  await store.addItems([{ item: processing, input: bytesBlob([1, 2, 3]) }]);
});
afterEach(() => {
  vi.restoreAllMocks();
  store.close();
});

describe('completeItem', () => {
  it('saves the output and the done item together', async () => {
    await store.completeItem(done, bytesBlob([4, 5], 'image/webp'));
    expect(await store.getItems('b')).toEqual([done]);
    const output = await store.getOutput(done.id);
    expect(output?.type).toBe('image/webp');
    expect(await blobBytes(output)).toEqual([4, 5]);
    // The input is untouched.
    expect(await blobBytes(await store.getInput(done.id))).toEqual([1, 2, 3]);
  });

  it('refuses an item that is not done', async () => {
    await expect(store.completeItem(processing, bytesBlob([1]))).rejects.toThrow(
      'completeItem expects a done item but photos/img-0.jpg is processing',
    );
    expect(await store.getOutput(processing.id)).toBeUndefined();
  });

  for (const when of ['request', 'commit'] as const) {
    it(`keeps the item processing and writes no output when storage is full (${when})`, async () => {
      injectQuotaError('outputs', when);

      const error = await store.completeItem(done, bytesBlob([4, 5])).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(StorageFullError);
      expect((error as Error).message).toBe(
        'Storage is full: the browser refused to save more (saving the output of ' +
          'photos/img-0.jpg). Everything finished so far is kept; free space or download the ' +
          'ZIP, then retry.',
      );
      expect(((error as Error).cause as DOMException).name).toBe('QuotaExceededError');
      vi.restoreAllMocks();
      expect(await store.getItems('b')).toEqual([processing]);
      expect(await store.getOutput(done.id)).toBeUndefined();
    });
  }

  it('keeps the earlier output when saving a retried item fails', async () => {
    await store.completeItem(done, bytesBlob([4, 5]));
    const retried = { ...done, attempts: 2, outputSize: 3 };
    injectQuotaError('outputs', 'commit');

    await expect(store.completeItem(retried, bytesBlob([6, 7, 8]))).rejects.toBeInstanceOf(
      StorageFullError,
    );

    vi.restoreAllMocks();
    expect(await store.getItems('b')).toEqual([done]);
    expect(await blobBytes(await store.getOutput(done.id))).toEqual([4, 5]);
  });

  it('deleteOutput removes only the output', async () => {
    await store.completeItem(done, bytesBlob([4, 5]));
    await store.deleteOutput(done.id);
    expect(await store.getOutput(done.id)).toBeUndefined();
    expect(await store.getItems('b')).toEqual([done]);
  });
});
