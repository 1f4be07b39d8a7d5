import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export type Db = Database.Database;

// One schema version per entry; a database is brought up to date by running the ones it lacks.
// Times are milliseconds since the epoch; JSON columns hold what shared/ types describe.
export const migrations: readonly string[] = [
  `CREATE TABLE batches (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     status TEXT NOT NULL,
     preset TEXT NOT NULL,
     token_hash TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     started_at INTEGER,
     finished_at INTEGER,
     elapsed_ms INTEGER NOT NULL DEFAULT 0,
     last_activity_at INTEGER NOT NULL
   );
   CREATE TABLE items (
     id TEXT PRIMARY KEY,
     batch_id TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
     ord INTEGER NOT NULL,
     path TEXT NOT NULL,
     output_path TEXT NOT NULL,
     output_format TEXT NOT NULL,
     size INTEGER NOT NULL,
     uploaded INTEGER NOT NULL DEFAULT 0,
     received INTEGER NOT NULL DEFAULT 0,
     format TEXT,
     status TEXT NOT NULL,
     reason TEXT,
     override TEXT,
     width INTEGER,
     height INTEGER,
     output_width INTEGER,
     output_height INTEGER,
     output_size INTEGER,
     duration_ms INTEGER,
     attempts INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX items_by_batch ON items(batch_id, ord);
   CREATE INDEX items_by_status ON items(status, uploaded);
   CREATE TABLE events (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     batch_id TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
     type TEXT NOT NULL,
     data TEXT NOT NULL
   );
   CREATE INDEX events_by_batch ON events(batch_id, seq);`,
  // How a size or visual target was met (shared/target TargetReport as JSON).
  `ALTER TABLE items ADD COLUMN target TEXT;`,
  // Never bigger: the output is the input as it came.
  `ALTER TABLE items ADD COLUMN kept_original INTEGER NOT NULL DEFAULT 0;`,
  // A size ladder's files (shared/ladder LadderOutput[] as JSON); the output is the first.
  `ALTER TABLE items ADD COLUMN ladder TEXT;`,
  // Duplicates within a batch: the input's SHA-256, and the earlier item with the same bytes
  // and settings whose result this one copies instead of converting again.
  `ALTER TABLE items ADD COLUMN input_hash TEXT;
   ALTER TABLE items ADD COLUMN same_as TEXT;`,
  // Completion webhooks: the batch's request (shared/api.ts WebhookRequest as JSON), and
  // each delivery until it is answered 2xx or given up; they outlive a deleted batch.
  `ALTER TABLE batches ADD COLUMN webhook TEXT;
   CREATE TABLE webhook_deliveries (
     id TEXT PRIMARY KEY,
     url TEXT NOT NULL,
     secret TEXT NOT NULL,
     body TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     next_at INTEGER NOT NULL,
     status TEXT NOT NULL,
     last_error TEXT
   );
   CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_at);`,
  // What each API key of PIXPOOL_API_KEYS_FILE created per UTC day (its quota).
  `CREATE TABLE quota_usage (
     key_name TEXT NOT NULL,
     day TEXT NOT NULL,
     files INTEGER NOT NULL,
     bytes INTEGER NOT NULL,
     PRIMARY KEY (key_name, day)
   );`,
];

/**
 * Opens (creating if needed) the job database at `file` in WAL mode: readers never block the
 * writer, and a killed process loses no committed transaction.
 */
export function openDatabase(file: string): Db {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a process crash (kill -9); only a power cut can lose the last
  // transactions, which the runner would then redo.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let v = version; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return db;
}
