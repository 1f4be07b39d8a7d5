import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrations, openDatabase } from '../../../server/store/db.js';
import { ItemTable } from '../../../server/store/items.js';
import type { LadderOutput } from '../../../shared/ladder/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'pixpool-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A database as version `version` of the schema left it, with one converted item. */
function databaseAt(version: number): string {
  const file = path.join(dir, `v${version}.db`);
  const db = new Database(file);
  for (const sql of migrations.slice(0, version)) db.exec(sql);
  db.pragma(`user_version = ${version}`);
  db.prepare(
    `INSERT INTO batches (id, name, status, preset, token_hash, created_at, last_activity_at)
     VALUES ('b', 'Old', 'done', '{}', 'h', 1, 1)`,
  ).run();
  db.prepare(
    `INSERT INTO items (id, batch_id, ord, path, output_path, output_format, size, uploaded,
       status, output_size, output_width, output_height, target)
     VALUES ('i', 'b', 0, 'a.jpg', 'a.webp', 'webp', 1000, 1, 'done', 400, 40, 30,
       '{"quality":70,"attempts":3,"scale":1,"trials":[]}')`,
  ).run();
  db.close();
  return file;
}

describe('the job database', () => {
  it('adds the ladder column to a version 3 database and keeps its items as they were', () => {
    const db = openDatabase(databaseAt(3));
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
      const items = new ItemTable(db);
      const old = items.get('b', 'i')!;
      expect(old).toMatchObject({
        status: 'done',
        outputPath: 'a.webp',
        outputSize: 400,
        target: { quality: 70, attempts: 3 },
      });
      expect(old.ladder).toBeUndefined();
      expect(old.keptOriginal).toBeUndefined();

      const ladder: LadderOutput[] = [
        { format: 'avif', width: 40, height: 30, size: 300, hash8: '0a1b2c3d', path: 'a-40.avif' },
        { format: 'webp', width: 20, height: 15, size: 90, hash8: '4e5f6a7b', path: 'a-20.webp' },
      ];
      const facts = {
        outputFormat: 'avif' as const,
        outputPath: 'a.webp',
        outputSize: 300,
        outputWidth: 40,
        outputHeight: 30,
        width: 40,
        height: 30,
        durationMs: 5,
      };
      items.setOutput('i', { ...facts, ladder });
      expect(items.get('b', 'i')!.ladder).toEqual(ladder);
      // Converted again without a ladder: the old files are not listed any more.
      items.setOutput('i', facts);
      expect(items.get('b', 'i')!.ladder).toBeUndefined();
    } finally {
      db.close();
    }
  });

  it('opens an up-to-date database without running a migration again', () => {
    const file = databaseAt(migrations.length);
    openDatabase(file).close();
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    db.close();
  });
});
