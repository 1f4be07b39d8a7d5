import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from '../../unit/server/helpers.js';
import { compileServer, outDir, spawnReady } from '../server/process.js';

// The compiled CLI (what bin/pixpool.cjs loads) on a folder tree made from the fixtures.

const work = mkdtempSync(path.join(tmpdir(), 'pixpool-cli-'));
const tree = path.join(work, 'photos');
const out = path.join(work, 'out');

beforeAll(() => {
  compileServer();
  mkdirSync(path.join(tree, 'trip/day1'), { recursive: true });
  const exif = (name: string) => path.join(fixtures, 'exif-orientation', name);
  copyFileSync(exif('Landscape_1.jpg'), path.join(tree, 'a.jpg'));
  copyFileSync(exif('Portrait_6.jpg'), path.join(tree, 'trip/b.jpg'));
  copyFileSync(exif('Landscape_3.jpg'), path.join(tree, 'trip/day1/c.jpg'));
  writeFileSync(path.join(tree, 'trip/notes.txt'), 'not an image');
  writeFileSync(
    path.join(tree, 'broken.jpg'),
    readFileSync(exif('Landscape_2.jpg')).subarray(0, 3000),
  );
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The fixture tree to `out` as thumbnails: the runs below differ only in what they add. */
const thumbnails = ['convert', tree, '-o', out, '--preset', 'thumbnails-webp-400'];

function pixpool(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(outDir, 'server/cli/start.cjs'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, CONCURRENCY: '2' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('pixpool convert', () => {
  it('keeps the tree and names, writes the report, and fails with the reasons of bad files', async () => {
    const r = pixpool(...thumbnails);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('3 converted, 0 already there, 1 skipped, 1 failed');
    expect(r.stderr).toContain('failed: photos/broken.jpg: Could not decode JPEG');
    for (const [file, wide] of [
      ['photos/a.webp', true],
      ['photos/trip/b.webp', false],
      ['photos/trip/day1/c.webp', true],
    ] as const) {
      const meta = await sharp(path.join(out, file)).metadata();
      expect(meta.format, file).toBe('webp');
      expect(Math.max(meta.width!, meta.height!), file).toBe(400);
      expect(wide ? meta.width! > meta.height! : meta.height! > meta.width!, file).toBe(true);
    }
    const report = JSON.parse(readFileSync(path.join(out, 'pixpool-report.json'), 'utf8'));
    const rows = new Map(report.rows.map((row: { path: string }) => [row.path, row]));
    expect(rows.get('photos/trip/b.jpg')).toMatchObject({
      status: 'done',
      outputPath: 'photos/trip/b.webp',
    });
    expect(rows.get('photos/trip/notes.txt')).toMatchObject({ status: 'skipped' });
    expect(rows.get('photos/broken.jpg')).toMatchObject({ status: 'failed' });
    expect(readFileSync(path.join(out, 'pixpool-report.csv'), 'utf8')).toContain(
      'photos/trip/day1/c.jpg',
    );
  });

  it('converts nothing again, and replaces nothing unless asked', () => {
    const before = statSync(path.join(out, 'photos/a.webp')).mtimeMs;
    const again = pixpool(...thumbnails);
    expect(again.stdout).toContain('0 converted, 3 already there');
    // The report still counts what the kept files weigh.
    const report = JSON.parse(readFileSync(path.join(out, 'pixpool-report.json'), 'utf8'));
    const kept = report.rows.find((row: { path: string }) => row.path === 'photos/a.jpg');
    expect(kept.outputBytes).toBe(statSync(path.join(out, 'photos/a.webp')).size);
    expect(statSync(path.join(out, 'photos/a.webp')).mtimeMs).toBe(before);
    // Other settings would replace the files: refused without --overwrite.
    const other = pixpool(...thumbnails, '-q', '40');
    expect(other.stderr).toContain('is already there; pass --overwrite to replace it');
    expect(statSync(path.join(out, 'photos/a.webp')).mtimeMs).toBe(before);
    const replaced = pixpool(...thumbnails, '-q', '40', '--overwrite');
    expect(replaced.stdout).toContain('3 converted');
  });

  it('checks its flags with the app’s own messages', () => {
    const r = pixpool('convert', tree, '-o', out, '-q', '500');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Expected integer between 0 and 100 for output.options.quality');
    expect(pixpool('presets').stdout).toContain('thumbnails-webp-400');
  });

  it('serves the sync server and runs a worker under one command', async () => {
    const server = await spawnReady(
      process.execPath,
      [path.join(outDir, 'server/cli/start.cjs'), 'serve', '--port', '0'],
      { DATA_DIR: path.join(work, 'data'), STATIC_DIR: path.join(work, 'no-dist') },
      /listening url=(http:\/\/\S+)/,
    );
    try {
      const health = await (await fetch(`${server.ready[1]}/api/health`)).json();
      expect(health.status).toBe('ok');
    } finally {
      await server.stop();
    }
    // A worker without its settings says which one is missing.
    const worker = pixpool('worker');
    expect(worker.code).toBe(1);
    expect(worker.stderr).toContain('PIXPOOL_SERVER_URL');
  });
});
