// Files handed to Pixpool while no page was there to take them (a share from another app):
// the service worker parks them here, the page drains them at start. A database of its own,
// so the service worker never has to know the main store's schema or version.

const dbName = 'pixpool-inbox';
const storeName = 'files';

export interface InboxFile {
  name: string;
  blob: Blob;
  receivedAt: number;
}

function open(idb: IDBFactory): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = idb.open(dbName, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(storeName, { autoIncrement: true });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error);
  });
}

/** Parks files for the page (called by the service worker). */
export async function putInbox(files: InboxFile[], idb: IDBFactory = indexedDB): Promise<void> {
  const db = await open(idb);
  const tx = db.transaction(storeName, 'readwrite');
  for (const f of files) tx.objectStore(storeName).add(f);
  await done(tx);
  db.close();
}

/** Takes every parked file out, oldest first (called by the page). */
export async function drainInbox(idb: IDBFactory = indexedDB): Promise<InboxFile[]> {
  const db = await open(idb);
  const tx = db.transaction(storeName, 'readwrite');
  const store = tx.objectStore(storeName);
  const req = store.getAll();
  store.clear();
  await done(tx);
  db.close();
  return req.result as InboxFile[];
}
