import {
  canTransitionBatch,
  canTransitionItem,
  type BatchStatus,
  type ItemStatus,
} from '../../shared/state/index.js';
import type { EventData } from '../events/types.js';
import type { OutputFacts, UploadFacts } from '../store/items.js';
import type { Store, ServerItem } from '../store/index.js';
import { scheduleWebhook } from '../webhooks/payload.js';
import { progressOf } from './progress.js';

type Emit = (batchId: string, event: EventData) => void;

/** A request the batch's or item's current state does not allow (answered with 409). */
export class StateConflict extends Error {
  override name = 'StateConflict';
  constructor(
    message: string,
    readonly status: string,
  ) {
    super(message);
  }
}

/**
 * What a distributed queue's job, queued when its item had `queued` claims, still stands for:
 * the item waiting for that very job, or the item in a run claimed since the job was queued
 * (its own claim, or a takeover's); undefined when the job is stale.
 */
function jobFinds(item: ServerItem, queued: number): 'pending' | 'processing' | undefined {
  if (item.status === 'pending' && item.attempts === queued) return 'pending';
  if (item.status === 'processing' && item.attempts > queued) return 'processing';
  return undefined;
}

/**
 * Every state change of batches and items: each checks the shared state machine, writes the
 * rows and appends its events in one transaction, so SSE replay and the rows always agree.
 */
export class Lifecycle {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  #batchEvent(emit: Emit, batchId: string): void {
    const batch = this.store.batches.get(batchId);
    if (!batch) return;
    const progress = progressOf(this.store.items.counts(batchId));
    emit(batchId, { type: 'batch', data: { status: batch.status, progress } });
  }

  /** After an item settled: a running batch with nothing left to do is done. */
  #settle(emit: Emit, batchId: string): void {
    const batch = this.store.batches.get(batchId);
    if (!batch) return;
    const counts = this.store.items.counts(batchId);
    if (batch.status === 'running' && counts.pending + counts.processing === 0) {
      this.store.batches.setStatus(batchId, 'done', this.now());
      scheduleWebhook(this.store, batchId, this.now());
    }
    this.#batchEvent(emit, batchId);
  }

  #setBatch(batchId: string, to: BatchStatus): void {
    const batch = this.store.batches.get(batchId);
    if (!batch) throw new StateConflict('The batch no longer exists', 'deleted');
    if (!canTransitionBatch(batch.status, to)) {
      throw new StateConflict(`A batch cannot go from ${batch.status} to ${to}`, batch.status);
    }
    this.store.batches.setStatus(batchId, to, this.now());
  }

  #setItem(emit: Emit, item: ServerItem, to: ItemStatus, reason?: string): void {
    this.store.items.setStatus(item.id, to, reason ?? null);
    emit(item.batchId, {
      type: 'item',
      data: { id: item.id, status: to, ...(reason !== undefined && { error: reason }) },
    });
  }

  /** Records a complete upload; `skipReason` marks a file that is not an image we read. */
  uploaded(batchId: string, itemId: string, facts: UploadFacts, skipReason?: string): ServerItem {
    return this.store.transaction((emit) => {
      const item = this.store.items.get(batchId, itemId);
      if (!item) throw new StateConflict('The item no longer exists', 'deleted');
      if (item.status !== 'pending') {
        throw new StateConflict(`The file cannot be replaced while ${item.status}`, item.status);
      }
      this.store.batches.touch(batchId, this.now());
      this.store.items.setUploaded(itemId, facts, skipReason === undefined);
      if (skipReason === undefined) this.store.items.markDuplicate(batchId, itemId);
      const { width, height } = facts;
      if (skipReason !== undefined) {
        this.#setItem(emit, item, 'skipped', skipReason);
        this.#settle(emit, batchId);
      } else {
        const data = {
          id: itemId,
          status: 'pending' as const,
          uploaded: true,
          size: facts.received,
        };
        emit(batchId, { type: 'item', data: { ...data, width, height } });
      }
      return this.store.items.get(batchId, itemId)!;
    });
  }

  /**
   * Marks the item processing when it is still runnable; null when it is not (any more).
   *
   * `queued` is the job's claim count when it was queued (Job.attempts), from a distributed
   * queue, which can hand one job out again: a job whose worker died or lost its lock goes to
   * another worker. That job takes the item over while it is processing under a claim made
   * since it was queued (attempts > queued: its own, or a takeover's); the new claim makes
   * the old run's result stale. A pending item is claimed only by the job queued for its
   * current count, so a stale job from before a retry does nothing.
   */
  claim(batchId: string, itemId: string, queued?: number): ServerItem | null {
    return this.store.transaction((emit) => {
      const batch = this.store.batches.get(batchId);
      const item = this.store.items.get(batchId, itemId);
      if (!batch || batch.status !== 'running' || !item?.uploaded) return null;
      const runnable =
        queued === undefined ? item.status === 'pending' : jobFinds(item, queued) !== undefined;
      if (!runnable) return null;
      this.store.items.start(itemId);
      emit(batchId, { type: 'item', data: { id: itemId, status: 'processing', stage: 'decode' } });
      return this.store.items.get(batchId, itemId)!;
    });
  }

  /**
   * Records a conversion; false when the item was cancelled, timed out or deleted meanwhile.
   * `attempt` is the one claim() returned, so a stale run never settles a newer one.
   */
  done(batchId: string, itemId: string, attempt: number, facts: OutputFacts): boolean {
    return this.store.transaction((emit) => {
      const item = this.store.items.get(batchId, itemId);
      if (item?.status !== 'processing' || item.attempts !== attempt) return false;
      this.store.items.setOutput(itemId, facts);
      emit(batchId, { type: 'item', data: { id: itemId, status: 'done', ...facts } });
      this.#settle(emit, batchId);
      return true;
    });
  }

  /** Records a failure with its reason; false when the item was cancelled meanwhile. */
  failed(
    batchId: string,
    itemId: string,
    attempt: number,
    reason: string,
    durationMs: number | null,
  ): boolean {
    return this.store.transaction((emit) => {
      const item = this.store.items.get(batchId, itemId);
      if (item?.status !== 'processing' || item.attempts !== attempt) return false;
      this.store.items.setFailed(itemId, reason, durationMs);
      const data = { id: itemId, status: 'failed' as const, error: reason };
      emit(batchId, { type: 'item', data: durationMs === null ? data : { ...data, durationMs } });
      this.#settle(emit, batchId);
      return true;
    });
  }

  /**
   * An item whose job the distributed queue gave up on (retries spent on transient faults,
   * or its worker lost too often). A claimed item fails with the queue's reason; one never
   * claimed (no worker reached this server) is still pending and says so, for its job to be
   * queued again; 'stale' when the item moved on since that job was queued (`queued`, as in
   * claim).
   */
  gaveUp(
    batchId: string,
    itemId: string,
    queued: number,
    reason: string,
  ): 'failed' | 'pending' | 'stale' {
    return this.store.transaction((emit) => {
      const item = this.store.items.get(batchId, itemId);
      const found = item && jobFinds(item, queued);
      if (found !== 'processing') return found ?? 'stale';
      const why = `Conversion was given up after repeated faults outside the image (${reason})`;
      this.store.items.setFailed(itemId, why, null);
      emit(batchId, { type: 'item', data: { id: itemId, status: 'failed', error: why } });
      this.#settle(emit, batchId);
      return 'failed';
    });
  }

  /**
   * Puts a processing item back to pending after its run stopped for a reason outside the
   * image (a full disk, a database error), so it is converted again; a no-op when the item
   * moved on meanwhile (cancelled, deleted, or claimed again: `attempt` no longer matches).
   */
  requeue(batchId: string, itemId: string, attempt: number): void {
    this.store.transaction((emit) => {
      const item = this.store.items.get(batchId, itemId);
      if (item?.status !== 'processing' || item.attempts !== attempt) return;
      this.#setItem(emit, item, 'pending');
    });
  }

  /** Cancels one pending or processing item; returns the status it had. */
  cancelItem(batchId: string, itemId: string): ItemStatus {
    return this.store.transaction((emit) => {
      const item = this.store.items.get(batchId, itemId);
      if (!item) throw new StateConflict('The item no longer exists', 'deleted');
      if (!canTransitionItem(item.status, 'cancelled')) {
        throw new StateConflict(`An item cannot go from ${item.status} to cancelled`, item.status);
      }
      this.#setItem(emit, item, 'cancelled');
      this.#settle(emit, batchId);
      return item.status;
    });
  }

  pause(batchId: string): void {
    this.store.transaction((emit) => {
      this.#setBatch(batchId, 'paused');
      this.#batchEvent(emit, batchId);
    });
  }

  resume(batchId: string): void {
    this.store.transaction((emit) => {
      this.#setBatch(batchId, 'running');
      this.#settle(emit, batchId);
    });
  }

  /** Cancels the batch and every unfinished item; returns the ids that were processing. */
  cancel(batchId: string): string[] {
    return this.store.transaction((emit) => {
      this.#setBatch(batchId, 'cancelled');
      const running = this.store.items.idsWithStatus(batchId, ['processing']);
      for (const id of this.store.items.idsWithStatus(batchId, ['pending', 'processing'])) {
        this.#setItem(emit, this.store.items.get(batchId, id)!, 'cancelled');
      }
      scheduleWebhook(this.store, batchId, this.now());
      this.#batchEvent(emit, batchId);
      return running;
    });
  }

  /**
   * Puts failed and cancelled items (or just `only`) back to pending; a settled batch runs
   * again.
   */
  retry(batchId: string, only?: string): string[] {
    return this.store.transaction((emit) => {
      const batch = this.store.batches.get(batchId);
      if (!batch) throw new StateConflict('The batch no longer exists', 'deleted');
      let ids = this.store.items.idsWithStatus(batchId, ['failed', 'cancelled']);
      if (only !== undefined) {
        const item = this.store.items.get(batchId, only);
        if (!item || !ids.includes(only)) {
          const status = item?.status ?? 'deleted';
          throw new StateConflict(
            `Only a failed or cancelled file can be retried (${status})`,
            status,
          );
        }
        ids = [only];
      }
      for (const id of ids) this.#setItem(emit, this.store.items.get(batchId, id)!, 'pending');
      if (batch.status === 'done' || batch.status === 'cancelled') {
        this.#setBatch(batchId, 'running');
      }
      this.#settle(emit, batchId);
      return ids;
    });
  }

  /** After a restart: items a stopped server left processing go back to pending. */
  recover(): number {
    const stuck = this.store.items.processing();
    this.store.transaction((emit) => {
      for (const { itemId, batchId } of stuck) {
        this.#setItem(emit, this.store.items.get(batchId, itemId)!, 'pending');
      }
    });
    return stuck.length;
  }
}
