/**
 * Asks the browser not to evict our data under storage pressure (`navigator.storage.persist`).
 * Resolves false where the API is missing, the browser says no, or it throws.
 */
export async function requestPersistentStorage(): Promise<boolean> {
  const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
  if (!storage?.persist) return false;
  try {
    if (storage.persisted && (await storage.persisted())) return true;
    return await storage.persist();
  } catch {
    return false;
  }
}
