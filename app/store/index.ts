import type { Batch, BatchItem } from '../../shared/state/index.js';
import type { Preset } from '../../shared/presets/index.js';
import * as batches from './batches.js';
import * as blobs from './blobs.js';
import { openDatabase } from './db.js';
import * as items from './items.js';
import * as presets from './presets.js';
import * as settings from './settings.js';
import * as thumbnails from './thumbnails.js';
import type { ThumbnailRecord } from './db.js';

export { StorageFullError, isQuotaError } from './errors.js';
export { requestPersistentStorage } from './persistence.js';
export { addChunkSize } from './items.js';
export type { ThumbnailRecord } from './db.js';

/**
 * Everything Pixpool keeps between visits. Values are structured-cloned: pass plain objects
 * (`$state.snapshot(x)` or `$state.raw` data), not `$state` proxies. Writes reject with
 * StorageFullError when the browser's quota is reached.
 */
export interface Store {
  createBatch(batch: Batch): Promise<void>;
  /** Items with their input files, committed `addChunkSize` per transaction. */
  addItems(items: { item: BatchItem; input: Blob }[]): Promise<void>;
  putBatch(batch: Batch): Promise<void>;
  getBatch(id: string): Promise<Batch | undefined>;
  /** Newest first. */
  listBatches(): Promise<Batch[]>;
  /** The batch with its items, inputs, outputs and thumbnails. */
  deleteBatch(id: string): Promise<void>;
  putItem(item: BatchItem): Promise<void>;
  putItems(items: BatchItem[]): Promise<void>;
  /** The items with their inputs, outputs and thumbnails. */
  deleteItems(ids: readonly string[]): Promise<void>;
  /** In `order`. */
  getItems(batchId: string): Promise<BatchItem[]>;
  getInput(itemId: string): Promise<Blob | undefined>;
  /**
   * Output (with a ladder's other files, `more`) and item update in one transaction: both are
   * saved or neither.
   */
  completeItem(item: BatchItem, output: Blob, more?: Blob[]): Promise<void>;
  /** The output, or a ladder's `index`-th file (0 is the output). */
  getOutput(itemId: string, index?: number): Promise<Blob | undefined>;
  deleteOutput(itemId: string): Promise<void>;
  getThumbnail(itemId: string): Promise<ThumbnailRecord | undefined>;
  /** False (and nothing kept) when the item no longer exists. */
  putThumbnail(thumbnail: ThumbnailRecord): Promise<boolean>;
  /**
   * 'processing' items, and 'done' ones without output, back to 'pending'; after a crash the
   * 'processing' ones are marked, or failed the second time (items.ts). Returns them.
   */
  recoverInterrupted(batchId: string, crashed?: boolean): Promise<BatchItem[]>;
  /** Deletes done, cancelled and draft batches older than maxAgeMs; returns their ids. */
  pruneHistory(maxAgeMs: number, now?: number): Promise<string[]>;
  getSetting<T>(key: string, fallback: T): Promise<T>;
  putSetting(key: string, value: unknown): Promise<void>;
  listUserPresets(): Promise<Preset[]>;
  /** Throws an Error listing the validation messages when the preset is invalid. */
  putUserPreset(p: Preset): Promise<void>;
  deleteUserPreset(id: string): Promise<void>;
  close(): void;
}

/**
 * Opens the store. `factory` defaults to the browser's indexedDB; tests pass a fresh
 * fake-indexeddb `IDBFactory` (after `import 'fake-indexeddb/auto'`, which idb needs).
 */
export async function openStore(name = 'pixpool', factory?: IDBFactory): Promise<Store> {
  const db = await openDatabase(name, factory ?? indexedDB);
  return {
    createBatch: (batch) => batches.createBatch(db, batch),
    addItems: (list) => items.addItems(db, list),
    putBatch: (batch) => batches.putBatch(db, batch),
    getBatch: (id) => batches.getBatch(db, id),
    listBatches: () => batches.listBatches(db),
    deleteBatch: (id) => batches.deleteBatch(db, id),
    putItem: (item) => items.putItems(db, [item]),
    putItems: (list) => items.putItems(db, list),
    deleteItems: (ids) => items.deleteItems(db, ids),
    getItems: (batchId) => items.getItems(db, batchId),
    getInput: (itemId) => blobs.getInput(db, itemId),
    completeItem: (item, output, more) => blobs.completeItem(db, item, output, more),
    getOutput: (itemId, index) => blobs.getOutput(db, itemId, index),
    deleteOutput: (itemId) => blobs.deleteOutput(db, itemId),
    getThumbnail: (itemId) => thumbnails.getThumbnail(db, itemId),
    putThumbnail: (thumbnail) => thumbnails.putThumbnail(db, thumbnail),
    recoverInterrupted: (batchId, crashed) => items.recoverInterrupted(db, batchId, crashed),
    pruneHistory: (maxAgeMs, now) => batches.pruneHistory(db, maxAgeMs, now),
    getSetting: (key, fallback) => settings.getSetting(db, key, fallback),
    putSetting: (key, value) => settings.putSetting(db, key, value),
    listUserPresets: () => presets.listUserPresets(db),
    putUserPreset: (p) => presets.putUserPreset(db, p),
    deleteUserPreset: (id) => presets.deleteUserPreset(db, id),
    close: () => db.close(),
  };
}
