/**
 * The browser refused to store more data. Thrown for a `QuotaExceededError`, whether a request
 * failed with it or the transaction aborted with it at commit (Chromium reports quota there).
 */
export class StorageFullError extends Error {
  override name = 'StorageFullError';

  constructor(context: string, options?: { cause?: unknown }) {
    super(
      `Storage is full: the browser refused to save more (${context}). Everything finished so ` +
        'far is kept; free space or download the ZIP, then retry.',
      options,
    );
  }
}

/** True for the DOMException browsers raise when a write would exceed the origin's quota. */
export function isQuotaError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { name, code } = err as { name?: unknown; code?: unknown };
  // code 22 is the legacy QUOTA_EXCEEDED_ERR constant some engines still set.
  return name === 'QuotaExceededError' || code === 22;
}

/** Maps a quota failure to StorageFullError and passes any other error through. */
export function toStoreError(err: unknown, context: string): unknown {
  if (err instanceof StorageFullError) return err;
  return isQuotaError(err) ? new StorageFullError(context, { cause: err }) : err;
}

interface TransactionLike {
  readonly done: Promise<void>;
  readonly error: DOMException | null;
  abort(): void;
}

/**
 * Runs `body` inside `tx` and waits for the commit. If the body throws, the transaction is
 * aborted so nothing it queued is kept; either way the error comes out mapped by toStoreError,
 * preferring the transaction's own error (a request may reject with a bare AbortError before
 * the transaction says why it aborted).
 */
export async function inTransaction<T>(
  tx: TransactionLike,
  context: string,
  body: () => Promise<T>,
): Promise<T> {
  let result: T;
  try {
    result = await body();
  } catch (err) {
    try {
      tx.abort();
    } catch {
      // Already aborted or finished: nothing more to undo.
    }
    await tx.done.catch(() => undefined);
    throw toStoreError(tx.error ?? err, context);
  }
  try {
    await tx.done;
  } catch (err) {
    throw toStoreError(tx.error ?? err, context);
  }
  return result;
}
