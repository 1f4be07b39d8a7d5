import type { EventBus } from '../events/bus.js';
import type { BatchEvent, EventData } from '../events/types.js';
import { BatchTable } from './batches.js';
import { DeliveryTable } from './deliveries.js';
import { QuotaTable } from './quotas.js';
import { openDatabase, type Db } from './db.js';
import { EventTable } from './events.js';
import { ItemTable } from './items.js';

export type { ServerBatch, ServerItem } from './rows.js';

/**
 * The job store: batches, items and the event log in one SQLite file. State changes go
 * through `transaction`, which appends their events in the same transaction and publishes
 * them on the bus only once committed.
 */
export class Store {
  readonly batches: BatchTable;
  readonly items: ItemTable;
  readonly events: EventTable;
  readonly deliveries: DeliveryTable;
  readonly quotas: QuotaTable;
  #pending: BatchEvent[] | null = null;

  constructor(
    readonly db: Db,
    private readonly bus: EventBus,
  ) {
    this.batches = new BatchTable(db);
    this.items = new ItemTable(db);
    this.events = new EventTable(db);
    this.deliveries = new DeliveryTable(db);
    this.quotas = new QuotaTable(db);
  }

  /** Opens `file` (created when missing) with the current schema. */
  static open(file: string, bus: EventBus): Store {
    return new Store(openDatabase(file), bus);
  }

  /** Runs `fn` in one transaction; `emit` appends an event that is published after commit. */
  transaction<T>(fn: (emit: (batchId: string, event: EventData) => void) => T): T {
    if (this.#pending) throw new Error('Store.transaction does not nest');
    const pending: BatchEvent[] = [];
    this.#pending = pending;
    let result: T;
    try {
      result = this.db.transaction(() =>
        fn((batchId, event) => pending.push(this.events.append(batchId, event))),
      )();
    } finally {
      this.#pending = null;
    }
    for (const event of pending) this.bus.publish(event);
    return result;
  }

  close(): void {
    this.db.close();
  }
}
