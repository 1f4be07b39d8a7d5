import type { BatchEvent } from './types.js';

type Listener = (event: BatchEvent) => void;

/**
 * Live events inside this process, per batch. The store publishes only after a commit, so a
 * listener never sees an event that SQLite would not replay.
 */
export class EventBus {
  #listeners = new Map<string, Set<Listener>>();
  #enders = new Map<string, Set<() => void>>();

  /** Calls `listener` for each new event of `batchId`; returns the unsubscribe function. */
  subscribe(batchId: string, listener: Listener): () => void {
    let set = this.#listeners.get(batchId);
    if (!set) this.#listeners.set(batchId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#listeners.get(batchId) === set) this.#listeners.delete(batchId);
    };
  }

  publish(event: BatchEvent): void {
    for (const listener of this.#listeners.get(event.batchId) ?? []) {
      try {
        listener(event);
      } catch {
        // One broken subscriber must not stop the others or the runner.
      }
    }
  }

  /** Calls `fn` when the batch is deleted (its streams close); returns the unsubscribe. */
  onEnd(batchId: string, fn: () => void): () => void {
    let set = this.#enders.get(batchId);
    if (!set) this.#enders.set(batchId, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0 && this.#enders.get(batchId) === set) this.#enders.delete(batchId);
    };
  }

  /** The batch is gone: ends its streams. */
  end(batchId: string): void {
    for (const fn of [...(this.#enders.get(batchId) ?? [])]) fn();
  }

  /** How many subscribers a batch has (tests, and closing streams of a deleted batch). */
  count(batchId: string): number {
    return this.#listeners.get(batchId)?.size ?? 0;
  }
}
