import type { BatchEvent, EventData } from '../events/types.js';
import type { Db } from './db.js';

interface EventRow {
  seq: number;
  batch_id: string;
  type: string;
  data: string;
}

const toEvent = (r: EventRow): BatchEvent =>
  ({ seq: r.seq, batchId: r.batch_id, type: r.type, data: JSON.parse(r.data) }) as BatchEvent;

/** The event log SSE clients replay from; AUTOINCREMENT keeps seq from ever being reused. */
export class EventTable {
  #insert;
  #after;

  constructor(db: Db) {
    this.#insert = db.prepare('INSERT INTO events (batch_id, type, data) VALUES (?, ?, ?)');
    this.#after = db.prepare<[string, number], EventRow>(
      'SELECT * FROM events WHERE batch_id = ? AND seq > ? ORDER BY seq',
    );
  }

  append(batchId: string, event: EventData): BatchEvent {
    const r = this.#insert.run(batchId, event.type, JSON.stringify(event.data));
    return { ...event, seq: Number(r.lastInsertRowid), batchId } as BatchEvent;
  }

  /** The batch's events with seq above `after`, oldest first. */
  after(batchId: string, after: number): BatchEvent[] {
    return this.#after.all(batchId, after).map(toEvent);
  }
}
