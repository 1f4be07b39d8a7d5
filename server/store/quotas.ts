import type { Db } from './db.js';

/** What one API key has created on one UTC day. */
export interface Usage {
  files: number;
  bytes: number;
}

/** Per-key daily usage (PIXPOOL_API_KEYS_FILE quotas), kept across restarts. */
export class QuotaTable {
  constructor(private readonly db: Db) {}

  get(key: string, day: string): Usage {
    return (
      this.db
        .prepare<[string, string], Usage>(
          'SELECT files, bytes FROM quota_usage WHERE key_name = ? AND day = ?',
        )
        .get(key, day) ?? { files: 0, bytes: 0 }
    );
  }

  /**
   * Adds `add` to the key's day when the result stays within `max`, in one transaction, so
   * two batches created at once cannot both slip under a limit; returns the usage before.
   */
  take(key: string, day: string, add: Usage, max: Partial<Usage>): { ok: boolean; used: Usage } {
    return this.db.transaction(() => {
      const used = this.get(key, day);
      const over =
        used.files + add.files > (max.files ?? Infinity) ||
        used.bytes + add.bytes > (max.bytes ?? Infinity);
      if (over) return { ok: false, used };
      this.db
        .prepare(
          `INSERT INTO quota_usage (key_name, day, files, bytes) VALUES (?, ?, ?, ?)
           ON CONFLICT (key_name, day) DO UPDATE SET files = files + excluded.files,
             bytes = bytes + excluded.bytes`,
        )
        .run(key, day, add.files, add.bytes);
      return { ok: true, used };
    })();
  }

  /** Takes back what a batch that was not created had taken. */
  giveBack(key: string, day: string, add: Usage): void {
    this.db
      .prepare(
        `UPDATE quota_usage SET files = MAX(0, files - ?), bytes = MAX(0, bytes - ?)
         WHERE key_name = ? AND day = ?`,
      )
      .run(add.files, add.bytes, key, day);
  }
}
