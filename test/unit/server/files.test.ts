import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFiles } from '../../../server/files.js';

const dir = mkdtempSync(path.join(tmpdir(), 'pixpool-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytes = (n: number) => new Uint8Array(n).fill(n);

describe('an item’s files on disk', () => {
  it('writes the output as out/<item> and a ladder’s further files as out/<item>.<k>', async () => {
    const files = new DataFiles(path.join(dir, 'one'));
    await files.createBatchDirs('batch0001');
    await files.writeOutputs(
      'batch0001',
      'item0001',
      [bytes(3), bytes(2), bytes(1)],
      new AbortController().signal,
    );
    const out = path.join(files.batchDir('batch0001'), 'out');
    expect(readdirSync(out).sort()).toEqual(['item0001', 'item0001.1', 'item0001.2']);
    expect([...readFileSync(files.output('batch0001', 'item0001', 1))]).toEqual([2, 2]);
    await files.removeOutputs('batch0001', 'item0001', 3);
    expect(readdirSync(out)).toEqual([]);
  });

  it('removes what it wrote when a later file cannot be written, and leaves no temporary file', async () => {
    const files = new DataFiles(path.join(dir, 'two'));
    await files.createBatchDirs('batch0001');
    // A folder where the second file goes: renaming a file over it fails.
    mkdirSync(files.output('batch0001', 'item0001', 1));
    const write = files.writeOutputs(
      'batch0001',
      'item0001',
      [bytes(3), bytes(2)],
      new AbortController().signal,
    );
    await expect(write).rejects.toMatchObject({ code: expect.stringMatching(/^E/) });
    const out = path.join(files.batchDir('batch0001'), 'out');
    expect(readdirSync(out)).toEqual(['item0001.1']);
  });

  it('writes nothing once the item is cancelled', async () => {
    const files = new DataFiles(path.join(dir, 'three'));
    await files.createBatchDirs('batch0001');
    const cancel = new AbortController();
    cancel.abort(new Error('cancelled'));
    const write = files.writeOutputs('batch0001', 'item0001', [bytes(3), bytes(2)], cancel.signal);
    await expect(write).rejects.toThrow('cancelled');
    expect(readdirSync(path.join(files.batchDir('batch0001'), 'out'))).toEqual([]);
  });
});
