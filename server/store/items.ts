import type { FormatId, OutputFormatId } from '../../shared/formats/index.js';
import type { ItemOutput } from '../../shared/output-facts.js';
import type { PresetOverride } from '../../shared/presets/index.js';
import { itemStatuses, type ItemStatus } from '../../shared/state/index.js';
import type { Job } from '../queue/types.js';
import type { Db } from './db.js';
import { toItem, type ItemRow, type ServerItem } from './rows.js';

/** A job's priority (Job.priority) in SQL over items `i`: its batch's file count. */
const priority = '(SELECT COUNT(*) FROM items n WHERE n.batch_id = i.batch_id)';

/**
 * True for an item `i` that waits to copy the result of its duplicate (same_as), which has
 * yet to run: it needs no job. Once that one is cancelled (or anything but converted), it
 * runs on its own.
 */
const copies = `EXISTS (SELECT 1 FROM items l WHERE l.id = i.same_as
  AND l.input_hash = i.input_hash AND l.status IN ('pending', 'processing'))`;

/** An item `i` as a Job (queue/types.ts): under its claim count, with its priority. */
const jobColumns = `i.id AS itemId, i.batch_id AS batchId, i.attempts, ${priority} AS priority`;

export interface NewItem {
  id: string;
  batchId: string;
  order: number;
  path: string;
  outputPath: string;
  outputFormat: OutputFormatId;
  size: number;
  override?: PresetOverride;
}

/** What an upload learnt about the file. */
export interface UploadFacts {
  received: number;
  /** The input's SHA-256 (hex), for an image. */
  hash?: string;
  format: FormatId | null;
  width?: number;
  height?: number;
}

/** A finished conversion's numbers. */
export interface OutputFacts extends ItemOutput {
  durationMs: number;
}

/** Item rows. Callers check transitions (shared/state); this only reads and writes. */
export class ItemTable {
  #get;
  #insert;
  #byBatch;
  #counts;

  constructor(private readonly db: Db) {
    this.#get = db.prepare<[string, string], ItemRow>(
      'SELECT * FROM items WHERE id = ? AND batch_id = ?',
    );
    this.#insert = db.prepare(
      `INSERT INTO items (id, batch_id, ord, path, output_path, output_format, size, status,
         override)
       VALUES (@id, @batchId, @order, @path, @outputPath, @outputFormat, @size, 'pending',
         @override)`,
    );
    this.#byBatch = db.prepare<[string], ItemRow>(
      'SELECT * FROM items WHERE batch_id = ? ORDER BY ord',
    );
    this.#counts = db.prepare<[string], { status: string; n: number }>(
      'SELECT status, COUNT(*) AS n FROM items WHERE batch_id = ? GROUP BY status',
    );
  }

  insert(item: NewItem): void {
    this.#insert.run({
      ...item,
      override: item.override ? JSON.stringify(item.override) : null,
    });
  }

  get(batchId: string, id: string): ServerItem | undefined {
    const row = this.#get.get(id, batchId);
    return row && toItem(row);
  }

  list(batchId: string): ServerItem[] {
    return this.#byBatch.all(batchId).map(toItem);
  }

  /** Items per status, every status present (0 when none). */
  counts(batchId: string): Record<ItemStatus, number> {
    const out = Object.fromEntries(itemStatuses.map((s) => [s, 0])) as Record<ItemStatus, number>;
    for (const { status, n } of this.#counts.all(batchId)) out[status as ItemStatus] = n;
    return out;
  }

  setStatus(id: string, status: ItemStatus, reason: string | null = null): void {
    this.db.prepare('UPDATE items SET status = ?, reason = ? WHERE id = ?').run(status, reason, id);
  }

  /** processing, with one more attempt counted. */
  start(id: string): void {
    this.db
      .prepare(
        `UPDATE items SET status = 'processing', reason = NULL, attempts = attempts + 1
         WHERE id = ?`,
      )
      .run(id);
  }

  /** Records a complete upload; `uploaded` stays 0 for a file that was not an image. */
  setUploaded(id: string, facts: UploadFacts, uploaded: boolean): void {
    this.db
      .prepare(
        `UPDATE items SET uploaded = ?, received = ?, size = ?, format = ?, width = ?, height = ?,
         input_hash = ?, same_as = NULL WHERE id = ?`,
      )
      .run(
        uploaded ? 1 : 0,
        facts.received,
        facts.received,
        facts.format,
        facts.width ?? null,
        facts.height ?? null,
        facts.hash ?? null,
        id,
      );
  }

  /**
   * Marks the item a duplicate of the batch's first other item with the same input bytes and
   * settings (override) that is not itself one; returns that item's id, if any.
   */
  markDuplicate(batchId: string, itemId: string): string | undefined {
    const leader = this.db
      .prepare<[string, string], { id: string }>(
        `SELECT l.id FROM items l JOIN items i ON i.id = ?
         WHERE l.batch_id = ? AND l.id <> i.id AND l.uploaded = 1 AND l.same_as IS NULL
           AND l.input_hash = i.input_hash AND l.override IS i.override
         ORDER BY l.ord LIMIT 1`,
      )
      .get(itemId, batchId);
    if (leader) this.db.prepare('UPDATE items SET same_as = ? WHERE id = ?').run(leader.id, itemId);
    return leader?.id;
  }

  /** Pending items waiting to copy `leaderId`'s result, in queue order. */
  duplicatesOf(batchId: string, leaderId: string): string[] {
    return this.db
      .prepare<[string, string], { id: string }>(
        `SELECT i.id FROM items i JOIN items l ON l.id = i.same_as
         WHERE i.batch_id = ? AND i.same_as = ? AND i.status = 'pending' AND i.uploaded = 1
           AND i.input_hash = l.input_hash ORDER BY i.ord`,
      )
      .all(batchId, leaderId)
      .map((r) => r.id);
  }

  /** An upload attempt that did not complete: the file is not there. */
  setIncomplete(id: string, received: number): void {
    this.db.prepare('UPDATE items SET uploaded = 0, received = ? WHERE id = ?').run(received, id);
  }

  setOutput(id: string, o: OutputFacts): void {
    this.db
      .prepare(
        `UPDATE items SET status = 'done', reason = NULL, output_format = ?, output_path = ?,
           kept_original = ?, output_size = ?, output_width = ?, output_height = ?, width = ?,
           height = ?, duration_ms = ?, target = ?, ladder = ?
         WHERE id = ?`,
      )
      .run(
        o.outputFormat,
        o.outputPath,
        o.keptOriginal ? 1 : 0,
        o.outputSize,
        o.outputWidth,
        o.outputHeight,
        o.width,
        o.height,
        o.durationMs,
        o.target ? JSON.stringify(o.target) : null,
        o.ladder ? JSON.stringify(o.ladder) : null,
        id,
      );
  }

  setFailed(id: string, reason: string, durationMs: number | null): void {
    this.db
      .prepare(`UPDATE items SET status = 'failed', reason = ?, duration_ms = ? WHERE id = ?`)
      .run(reason, durationMs, id);
  }

  /** Ids of items in `status` in one batch. */
  idsWithStatus(batchId: string, statuses: readonly ItemStatus[]): string[] {
    const marks = statuses.map(() => '?').join(', ');
    return this.db
      .prepare<unknown[], { id: string }>(
        `SELECT id FROM items WHERE batch_id = ? AND status IN (${marks}) ORDER BY ord`,
      )
      .all(batchId, ...statuses)
      .map((r) => r.id);
  }

  /** Items ready to convert: uploaded, pending, in a running batch, in queue order. */
  runnable(batchId?: string): Job[] {
    const where = batchId ? 'AND b.id = ?' : '';
    return this.db
      .prepare<unknown[], Job>(
        `SELECT ${jobColumns}
         FROM items i JOIN batches b ON b.id = i.batch_id
         WHERE i.status = 'pending' AND i.uploaded = 1 AND b.status = 'running'
           AND NOT ${copies} ${where}
         ORDER BY b.created_at, i.ord`,
      )
      .all(...(batchId ? [batchId] : []));
  }

  /** Every item processing (in one batch), as a job under its current claim count. */
  processing(batchId?: string): Job[] {
    const where = batchId ? 'AND i.batch_id = ?' : '';
    return this.db
      .prepare<unknown[], Job>(
        `SELECT ${jobColumns}
         FROM items i WHERE i.status = 'processing' ${where}`,
      )
      .all(...(batchId ? [batchId] : []));
  }

  /**
   * The job that converts one item now (its claim count and priority as they stand);
   * undefined for one that copies its duplicate's result instead.
   */
  job(batchId: string, itemId: string): Job | undefined {
    return this.db
      .prepare<[string, string], Job>(
        `SELECT ${jobColumns}
         FROM items i WHERE i.batch_id = ? AND i.id = ? AND NOT ${copies}`,
      )
      .get(batchId, itemId);
  }
}
