import { wrap, type DBSchema, type IDBPDatabase } from 'idb';
import type { Batch, BatchItem } from '../../shared/state/index.js';
import type { Preset } from '../../shared/presets/index.js';

/**
 * An input or output file. Kept as a Blob: a File from `<input type="file">` or a drop is a
 * Blob, and IndexedDB copies its bytes, so it survives a reload. FileSystemFileHandles would
 * avoid the copy, but they come only from the File System Access API (Chromium's pickers, or
 * `DataTransferItem.getAsFileSystemHandle()` on a drop), not from file inputs or Firefox and
 * Safari, and reading one again after a reload needs a permission prompt. Blobs work
 * everywhere. Outputs live in their own store, not inside item records, so listing 10,000
 * items reads no image bytes.
 *
 * In Node tests fake-indexeddb keeps Blob values through structuredClone, which Node 20
 * supports for Blob (a File comes back as a plain Blob, losing its name; nothing here reads
 * the name, the item record has the path).
 */
export interface BlobRecord {
  itemId: string;
  batchId: string;
  blob: Blob;
  /** Outputs only: a size ladder's other files, in the item's `ladder` order after `blob`. */
  more?: Blob[];
}

/**
 * A queue row's small preview of its input (app/workers/preview.ts), made once and kept, so
 * a reload shows it without decoding the file again. Its own store, like outputs: listing
 * items reads none of them.
 */
export interface ThumbnailRecord {
  itemId: string;
  batchId: string;
  /** Null when the file could not be decoded: the row keeps its placeholder, not tried again. */
  blob: Blob | null;
  width: number;
  height: number;
}

export interface PixpoolSchema extends DBSchema {
  batches: { key: string; value: Batch; indexes: { createdAt: number } };
  items: {
    key: string;
    value: BatchItem;
    indexes: { batchId: string; batchOrder: [string, number] };
  };
  inputs: { key: string; value: BlobRecord; indexes: { batchId: string } };
  outputs: { key: string; value: BlobRecord; indexes: { batchId: string } };
  settings: { key: string; value: unknown };
  presets: { key: string; value: Preset };
  thumbnails: { key: string; value: ThumbnailRecord; indexes: { batchId: string } };
}

export type PixpoolDb = IDBPDatabase<PixpoolSchema>;

export const dbVersion = 2;

/** Creates the object stores; each `oldVersion` step adds what that version introduced. */
function upgrade(db: PixpoolDb, oldVersion: number): void {
  if (oldVersion < 1) {
    db.createObjectStore('batches', { keyPath: 'id' }).createIndex('createdAt', 'createdAt');
    const items = db.createObjectStore('items', { keyPath: 'id' });
    items.createIndex('batchId', 'batchId');
    items.createIndex('batchOrder', ['batchId', 'order']);
    db.createObjectStore('inputs', { keyPath: 'itemId' }).createIndex('batchId', 'batchId');
    db.createObjectStore('outputs', { keyPath: 'itemId' }).createIndex('batchId', 'batchId');
    db.createObjectStore('settings');
    db.createObjectStore('presets', { keyPath: 'id' });
  }
  if (oldVersion < 2) {
    db.createObjectStore('thumbnails', { keyPath: 'itemId' }).createIndex('batchId', 'batchId');
  }
}

/**
 * Opens (and creates or upgrades) the database through `factory`. idb's openDB always uses the
 * global indexedDB, so this does the same with a factory of our choosing; idb still needs the
 * IDB* classes as globals (in Node tests: `import 'fake-indexeddb/auto'`).
 */
export async function openDatabase(name: string, factory: IDBFactory): Promise<PixpoolDb> {
  const request = factory.open(name, dbVersion);
  request.addEventListener('upgradeneeded', (event) => {
    upgrade(wrap(request.result) as unknown as PixpoolDb, event.oldVersion);
  });
  const db = (await wrap(request)) as unknown as PixpoolDb;
  // Another tab wants a newer schema: step aside instead of blocking its upgrade forever.
  db.addEventListener('versionchange', () => db.close());
  return db;
}
