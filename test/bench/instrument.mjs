/**
 * Runs in the page before the app (Playwright `addInitScript`), without changing the app:
 * wraps `Worker` to time every Comlink `convert` call from request to reply and keep the
 * per-stage timings the worker returns (the app's runner drops them), and notes when the
 * Convert button is clicked and when the batch badge first says 'done'.
 */
export function instrumentPage() {
  const log = { calls: [], workersStarted: 0, clickAt: undefined, doneAt: undefined };
  Object.defineProperty(window, '__bench', { value: log });

  const Base = window.Worker;
  window.Worker = class extends Base {
    #index;
    #pending = new Map();

    constructor(...args) {
      super(...args);
      this.#index = log.workersStarted++;
      this.addEventListener('message', (e) => {
        const call = this.#pending.get(e.data?.id);
        if (!call) return;
        this.#pending.delete(e.data.id);
        call.end = performance.now();
        // Comlink's wire format: a returned value is { id, type: 'RAW', value }.
        const ok = e.data.type === 'RAW' && e.data.value?.timings !== undefined;
        call.ok = ok;
        if (ok) call.timings = e.data.value.timings;
        log.calls.push(call);
      });
    }

    postMessage(message, transfer) {
      if (message?.type === 'APPLY' && message.path?.[0] === 'convert') {
        this.#pending.set(message.id, { worker: this.#index, start: performance.now() });
      }
      return super.postMessage(message, transfer);
    }
  };

  document.addEventListener(
    'click',
    (e) => {
      const button = e.target instanceof Element ? e.target.closest('button') : null;
      if (button?.textContent?.trim() === 'Convert') log.clickAt = performance.now();
    },
    true,
  );
  new MutationObserver(() => {
    if (log.clickAt === undefined || log.doneAt !== undefined) return;
    const badge = document.querySelector('[data-testid=batch-status]');
    if (badge?.textContent?.trim() === 'done') log.doneAt = performance.now();
  }).observe(document, { subtree: true, childList: true, characterData: true });
}

/** Runs in the page: every batch and item the app stored, read straight from IndexedDB. */
export async function readStore() {
  const db = await new Promise((resolve, reject) => {
    const r = indexedDB.open('pixpool');
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const all = (store) =>
    new Promise((resolve, reject) => {
      const r = db.transaction(store).objectStore(store).getAll();
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  const [batches, items] = await Promise.all([all('batches'), all('items')]);
  db.close();
  return {
    batches: batches.map(({ id, status, elapsedMs }) => ({ id, status, elapsedMs })),
    items: items.map((it) => ({
      path: it.path,
      status: it.status,
      reason: it.reason,
      durationMs: it.durationMs,
      size: it.size,
      outputSize: it.outputSize,
      outputWidth: it.outputWidth,
      outputHeight: it.outputHeight,
    })),
  };
}
