import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presetCommand } from '../../../shared/presets/index.js';
import { fixtures, repoRoot } from '../../unit/server/helpers.js';
import { edited } from '../../unit/shared/edited-presets.js';
import { compileServer, outDir, spawnReady, startServer } from '../server/process.js';

// The real bin (bin/pixpool.cjs, beside a build/ that is this test's compiled server) on a
// folder tree made from the fixtures.

const work = mkdtempSync(path.join(tmpdir(), 'pixpool-cli-'));
const tree = path.join(work, 'photos');
const out = path.join(work, 'out');
const bin = path.join(work, 'package/bin/pixpool.cjs');

beforeAll(() => {
  compileServer();
  cpSync(path.join(repoRoot, 'bin'), path.dirname(bin), { recursive: true });
  symlinkSync(outDir, path.join(work, 'package/build'));
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
  const r = spawnSync(process.execPath, [bin, ...args], {
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

  it('shows a progress bar with an ETA on a terminal, plain lines elsewhere', () => {
    const shown = path.join(work, 'out-tty');
    // script(1) gives the run a pseudo-terminal, as a person's shell would.
    const tty = execFileSync(
      'script',
      ['-qc', `"${process.execPath}" "${bin}" convert "${tree}/a.jpg" -o "${shown}"`, '/dev/null'],
      { encoding: 'utf8' },
    );
    expect(tty).toMatch(/█+ 1\/1 files · ETA \d+s · a\.jpg/);
    expect(tty).not.toContain('done  a.jpg');
    const plain = pixpool('convert', path.join(tree, 'a.jpg'), '-o', shown);
    expect(plain.stdout).toContain('kept  a.jpg → a.webp');
    expect(plain.stdout + plain.stderr).not.toContain('ETA');
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
      [bin, 'serve', '--port', '0'],
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

/** The files a run put in `dir`, reports and manifest aside. */
const outputsIn = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => !f.includes('pixpool-') && statSync(path.join(dir, f)).isFile())
    .sort();

describe('pixpool convert --server', () => {
  it('converts on the sync server into the same tree, with the same skip rule', async () => {
    // Two files per batch: the four images that go up make two batches, one after the other.
    const server = await startServer({
      DATA_DIR: path.join(work, 'server-data'),
      STATIC_DIR: path.join(work, 'no-dist'),
      MAX_FILES_PER_BATCH: '2',
    });
    const remoteOut = path.join(work, 'out-server');
    const onServer = ['convert', tree, '-o', remoteOut, '-p', 'thumbnails-webp-400'];
    try {
      const r = pixpool(...onServer, '--server', server.url);
      expect(r.stdout).toContain('3 converted, 0 already there, 1 skipped, 1 failed');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('failed: photos/broken.jpg: Could not decode JPEG');
      // The tree and names a local run makes, every output a 400 px WebP.
      expect(outputsIn(remoteOut)).toEqual([
        'photos/a.webp',
        'photos/trip/b.webp',
        'photos/trip/day1/c.webp',
      ]);
      for (const file of outputsIn(remoteOut)) {
        const meta = await sharp(path.join(remoteOut, file)).metadata();
        expect([meta.format, Math.max(meta.width!, meta.height!)], file).toEqual(['webp', 400]);
      }
      const report = JSON.parse(readFileSync(path.join(remoteOut, 'pixpool-report.json'), 'utf8'));
      expect(
        report.rows.find((row: { path: string }) => row.path === 'photos/a.jpg'),
      ).toMatchObject({
        status: 'done',
        outputPath: 'photos/a.webp',
        inputWidth: 1800,
      });
      const again = pixpool(...onServer, '--server', server.url);
      expect(again.stdout).toContain('0 converted, 3 already there');
      // Each batch is gone from the server once its files are home.
      expect(server.output().match(/batch deleted/g)).toHaveLength(2);
    } finally {
      await server.stop();
    }
  });

  it('says so when the server cannot be reached', () => {
    const r = pixpool(
      'convert',
      tree,
      '-o',
      path.join(work, 'out-none'),
      '--server',
      'http://127.0.0.1:9',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('The server at http://127.0.0.1:9 could not be reached');
  });
});

describe('pixpool convert --watch', () => {
  it('converts files added while its first pass runs and after, and nothing twice', async () => {
    const watched = path.join(work, 'watched');
    const watchOut = path.join(work, 'out-watch');
    mkdirSync(path.join(watched, 'in'), { recursive: true });
    // A first pass long enough (8 files, one at a time) to add a file while it runs.
    const first = Array.from({ length: 8 }, (_, k) => `a${k}`);
    for (const name of first) {
      copyFileSync(path.join(tree, 'a.jpg'), path.join(watched, `${name}.jpg`));
    }
    const run = await spawnReady(
      process.execPath,
      [bin, 'convert', watched, '-o', watchOut, '-p', 'thumbnails-webp-400', '-j', '1', '--watch'],
      { CONCURRENCY: '1' },
      /^done /m,
    );
    const made = (name: string) => path.join(watchOut, 'watched/in', `${name}.webp`);
    const settled = async (file: string) => {
      await expect.poll(() => existsSync(file), { timeout: 15_000 }).toBe(true);
      expect((await sharp(file).metadata()).height).toBe(400);
    };
    try {
      // The first pass is still on its files: this one is no part of it.
      copyFileSync(path.join(tree, 'trip/b.jpg'), path.join(watched, 'in/early.jpg'));
      await expect.poll(() => run.output(), { timeout: 15_000 }).toContain('Watching');
      expect(run.output()).toContain('8 converted');
      // With nothing else arriving to start a pass that would find it.
      await settled(made('early'));
      copyFileSync(path.join(tree, 'trip/b.jpg'), path.join(watched, 'in/late.jpg'));
      await settled(made('late'));
      // Each file converted once: the later passes kept the rest, and say nothing of them.
      const doneLines = () =>
        run
          .output()
          .match(/^done {2}\S+/gm)
          ?.sort();
      await expect
        .poll(doneLines, { timeout: 5000 })
        .toEqual([...first, 'in/early', 'in/late'].map((f) => `done  watched/${f}.jpg`));
      expect(run.output()).not.toContain('kept');
    } finally {
      run.child.kill('SIGINT');
      await new Promise((r) => run.child.once('exit', r));
    }
    expect(run.child.exitCode).toBe(0);
  });
});

describe('Copy as command', () => {
  it('converts with the same settings as the preset it was copied from', () => {
    const input = path.join(work, 'one');
    mkdirSync(input);
    copyFileSync(path.join(tree, 'a.jpg'), path.join(input, 'a.jpg'));
    for (const [k, preset] of edited.entries()) {
      const dir = path.join(work, `round-trip-${k}`);
      const line = presetCommand(preset, input, dir);
      // The line as sh splits it, run with the real bin.
      const words = execFileSync('sh', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' })
        .split('\0')
        .slice(0, -1);
      expect(words[0]).toBe('pixpool');
      const made = pixpool(...words.slice(1));
      expect(made.code, `${line}\n${made.stderr}`).toBe(0);
      // The preset itself as a file makes the same settings: its run finds the files made.
      const file = path.join(work, `preset-${k}.json`);
      writeFileSync(file, JSON.stringify(preset));
      const same = pixpool('convert', input, '-o', dir, '-p', file);
      expect(same.stdout, preset.name).toContain('0 converted, 1 already there');
    }
  });
});
