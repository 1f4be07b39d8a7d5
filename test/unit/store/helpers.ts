// idb checks `instanceof IDBRequest` & co. against globals, so install fake-indexeddb's classes.
import 'fake-indexeddb/auto';
import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { vi } from 'vitest';
import { openStore, type Store } from '../../../app/store/index.js';
import { builtInPresets } from '../../../shared/presets/index.js';
import type { Batch, BatchItem } from '../../../shared/state/index.js';

/** A store on a fresh in-memory factory, so no test sees another's data. */
export function freshStore(): Promise<Store> {
  return openStore('pixpool-test', new IDBFactory());
}

export function makeBatch(id: string, over: Partial<Batch> = {}): Batch {
  return {
    id,
    name: `Batch ${id}`,
    createdAt: 1_700_000_000_000,
    status: 'draft',
    preset: builtInPresets[0],
    elapsedMs: 0,
    ...over,
  };
}

export function makeItem(batchId: string, order: number, over: Partial<BatchItem> = {}): BatchItem {
  return {
    id: `${batchId}-item-${order}`,
    batchId,
    path: `photos/img-${order}.jpg`,
    size: 3,
    format: 'jpeg',
    status: 'pending',
    progress: 0,
    attempts: 0,
    order,
    ...over,
  };
}

export function bytesBlob(bytes: number[], type = 'image/jpeg'): Blob {
  return new Blob([new Uint8Array(bytes)], { type });
}

export async function blobBytes(blob: Blob | undefined): Promise<number[] | undefined> {
  return blob && [...new Uint8Array(await blob.arrayBuffer())];
}

/** Internals of fake-indexeddb used to reproduce how browsers report a full disk. */
interface FakeTransaction {
  _abort(errorName: string | null): void;
  _execRequestAsync(request: { operation: () => unknown; source: unknown }): IDBRequest;
}

/**
 * Makes every put into `storeName` fail with a QuotaExceededError, the way browsers do:
 * - 'request': the put request itself errors (its default action aborts the transaction);
 * - 'commit': the put succeeds but the transaction then aborts with the error, as Chromium
 *   reports quota at commit time.
 * The first `okPuts` puts into the store still succeed. Returns the spy; call `mockRestore()`.
 */
export function injectQuotaError(storeName: string, when: 'request' | 'commit', okPuts = 0) {
  const realPut = IDBObjectStore.prototype.put;
  let puts = 0;
  return vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (
    this: IDBObjectStore,
    value: unknown,
    key?: IDBValidKey,
  ) {
    if (this.name !== storeName || ++puts <= okPuts) return realPut.call(this, value, key);
    const tx = this.transaction as unknown as FakeTransaction;
    if (when === 'request') {
      return tx._execRequestAsync({
        operation: () => {
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        },
        source: this,
      });
    }
    const request = realPut.call(this, value, key);
    request.addEventListener('success', () => tx._abort('QuotaExceededError'));
    return request;
  });
}
