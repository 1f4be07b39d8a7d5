import type { PixpoolDb } from './db.js';
import { inTransaction } from './errors.js';

/** A stored setting, or `fallback` when it was never set. */
export async function getSetting<T>(db: PixpoolDb, key: string, fallback: T): Promise<T> {
  const value = await db.get('settings', key);
  return value === undefined ? fallback : (value as T);
}

/** Stores any structured-cloneable value (plain data; not a Svelte $state proxy). */
export async function putSetting(db: PixpoolDb, key: string, value: unknown): Promise<void> {
  const tx = db.transaction('settings', 'readwrite');
  await inTransaction(tx, `saving setting ${key}`, () => tx.store.put(value, key));
}
