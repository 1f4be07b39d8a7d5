import type { WebhookRequest } from '../../shared/api.js';
import type { Preset } from '../../shared/presets/index.js';
import type { BatchStatus } from '../../shared/state/index.js';
import type { Db } from './db.js';
import { toBatch, type BatchRow, type ServerBatch } from './rows.js';

export interface NewBatch {
  id: string;
  name: string;
  preset: Preset;
  tokenHash: string;
  now: number;
  webhook?: WebhookRequest;
}

/** Batch rows. Status changes keep `elapsed_ms` as the sum of running stretches. */
export class BatchTable {
  #get;
  #insert;
  #touch;
  #delete;
  #expired;

  constructor(private readonly db: Db) {
    this.#get = db.prepare<[string], BatchRow>('SELECT * FROM batches WHERE id = ?');
    this.#insert = db.prepare(
      `INSERT INTO batches (id, name, status, preset, token_hash, created_at, started_at,
         elapsed_ms, last_activity_at, webhook)
       VALUES (@id, @name, 'running', @preset, @tokenHash, @now, @now, 0, @now, @webhook)`,
    );
    this.#touch = db.prepare('UPDATE batches SET last_activity_at = ? WHERE id = ?');
    this.#delete = db.prepare('DELETE FROM batches WHERE id = ?');
    // Finished batches past their TTL, and batches still waiting for files that saw no upload
    // for the upload TTL.
    this.#expired = db.prepare<[number, number], { id: string }>(
      `SELECT id FROM batches b
       WHERE (status IN ('done', 'cancelled') AND COALESCE(finished_at, created_at) < ?)
          OR (last_activity_at < ? AND EXISTS (
                SELECT 1 FROM items i
                WHERE i.batch_id = b.id AND i.uploaded = 0 AND i.status = 'pending'))`,
    );
  }

  /** Inserts a batch; it starts running at once, converting files as they arrive. */
  insert(batch: NewBatch): void {
    const webhook = batch.webhook ? JSON.stringify(batch.webhook) : null;
    this.#insert.run({ ...batch, preset: JSON.stringify(batch.preset), webhook });
  }

  get(id: string): ServerBatch | undefined {
    const row = this.#get.get(id);
    return row && toBatch(row);
  }

  /** Moves a batch to `status`, closing or opening a running stretch as needed. */
  setStatus(id: string, status: BatchStatus, now: number): void {
    const b = this.get(id);
    if (!b) return;
    const running = b.status === 'running' && b.startedAt !== undefined;
    const elapsed = b.elapsedMs + (running && status !== 'running' ? now - b.startedAt! : 0);
    const startedAt = status === 'running' ? (running ? b.startedAt! : now) : null;
    const finishedAt = status === 'done' || status === 'cancelled' ? now : null;
    this.db
      .prepare(
        `UPDATE batches SET status = ?, elapsed_ms = ?, started_at = ?, finished_at = ?
         WHERE id = ?`,
      )
      .run(status, Math.max(0, elapsed), startedAt, finishedAt, id);
  }

  touch(id: string, now: number): void {
    this.#touch.run(now, id);
  }

  delete(id: string): void {
    this.#delete.run(id);
  }

  /** Ids of batches to clean up at `now`. */
  expired(now: number, batchTtlMs: number, uploadTtlMs: number): string[] {
    return this.#expired.all(now - batchTtlMs, now - uploadTtlMs).map((r) => r.id);
  }

  /** Ids of batches in `status`. */
  withStatus(status: BatchStatus): string[] {
    return this.db
      .prepare<[string], { id: string }>('SELECT id FROM batches WHERE status = ?')
      .all(status)
      .map((r) => r.id);
  }
}
