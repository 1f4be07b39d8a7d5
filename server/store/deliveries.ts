import type { Db } from './db.js';

/** A webhook POST waiting to be made, or made. */
export interface Delivery {
  id: string;
  url: string;
  secret: string;
  body: string;
  attempts: number;
  nextAt: number;
  status: 'pending' | 'delivered' | 'gave_up';
  lastError?: string;
}

interface DeliveryRow {
  id: string;
  url: string;
  secret: string;
  body: string;
  attempts: number;
  next_at: number;
  status: string;
  last_error: string | null;
}

const toDelivery = (r: DeliveryRow): Delivery => ({
  id: r.id,
  url: r.url,
  secret: r.secret,
  body: r.body,
  attempts: r.attempts,
  nextAt: r.next_at,
  status: r.status as Delivery['status'],
  ...(r.last_error !== null && { lastError: r.last_error }),
});

/** Webhook deliveries (server/webhooks/sender.ts makes them). */
export class DeliveryTable {
  constructor(private readonly db: Db) {}

  /** Adds a delivery due now; one with the same id is kept as it is. */
  add(d: Pick<Delivery, 'id' | 'url' | 'secret' | 'body' | 'nextAt'>): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO webhook_deliveries (id, url, secret, body, next_at, status)
         VALUES (?, ?, ?, ?, ?, 'pending')`,
      )
      .run(d.id, d.url, d.secret, d.body, d.nextAt);
  }

  /** Pending deliveries due at `now`, oldest first. */
  due(now: number, limit = 20): Delivery[] {
    return this.db
      .prepare<[number, number], DeliveryRow>(
        `SELECT * FROM webhook_deliveries WHERE status = 'pending' AND next_at <= ?
         ORDER BY next_at LIMIT ?`,
      )
      .all(now, limit)
      .map(toDelivery);
  }

  get(id: string): Delivery | undefined {
    const row = this.db
      .prepare<[string], DeliveryRow>('SELECT * FROM webhook_deliveries WHERE id = ?')
      .get(id);
    return row && toDelivery(row);
  }

  /** Records a try: delivered, to try again at `nextAt`, or given up. */
  tried(id: string, outcome: Pick<Delivery, 'status' | 'nextAt' | 'lastError'>): void {
    this.db
      .prepare(
        `UPDATE webhook_deliveries SET attempts = attempts + 1, status = ?, next_at = ?,
         last_error = ? WHERE id = ?`,
      )
      .run(outcome.status, outcome.nextAt, outcome.lastError ?? null, id);
  }
}
