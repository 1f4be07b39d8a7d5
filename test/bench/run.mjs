#!/usr/bin/env node
// `npm run bench`: 100 photos of 12 MP → WebP q75, long edge 2048, in the app in headless
// Chromium (2 workers, then 1), against a plain sharp loop (2 at a time) in the same run; then
// 1,000 files (the 100, hard-linked 10 times) for peak memory. Prints a table and writes
// test/bench/out/last.json. Options:
//   --quick       skip the 1,000-file run (~5 min)
//   --rounds N    rounds of sharp, 2 workers, 1 worker (default 3; medians count)
//   --port P      vite preview's port (default 4180)
//   --max-wait S  before each run, wait up to S s for other processes to go quiet (default 900)
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { cleanupAll, installCleanupHandlers } from './cleanup.mjs';
import { ensureInputs, linkTree } from './inputs.mjs';
import { browserRun, disturbedAbove, measure, sharpRun, uvThreadpoolSize } from './measure.mjs';
import { detailLines, table, targets, verdictLines, verdicts } from './report.mjs';
import { build, preview } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const outDir = join(here, 'out');
const fixtures = resolve(repoRoot, '../shared/fixtures/exif-orientation');

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '3' },
    port: { type: 'string', default: '4180' },
    'max-wait': { type: 'string', default: '900' },
  },
});
const rounds = Math.max(1, Number(opts.rounds) || 3);
const maxWaitMs = Math.max(0, Number(opts['max-wait']) || 0) * 1000;
const log = (...a) => console.log(...a);

function chromiumVersion() {
  const r = spawnSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version'], {
    encoding: 'utf8',
  });
  // Debian's wrapper prints a harmless shell error line first.
  return r.stdout.trim().split('\n').pop();
}

/** The commit measured, and whether app code had uncommitted changes. */
function source() {
  const git = (...args) =>
    spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).stdout?.trim() ?? '';
  const dirty = git('status', '--porcelain', '--', 'app', 'shared', 'vite.config.ts') !== '';
  return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted app changes' : ''}`;
}

function machine() {
  return {
    source: source(),
    cores: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    chromium: chromiumVersion(),
    sharp: sharp.versions.sharp,
    libvips: sharp.versions.vips,
    loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** A browser run without its per-item lists, its timeline thinned to one sample a second. */
function forJson({ calls, items, timeline, discarded, ...rest }) {
  return {
    ...rest,
    timeline: timeline.filter((_, i) => i % 5 === 0),
    ...(discarded ? { discarded: discarded.map(forJson) } : {}),
  };
}

async function main() {
  installCleanupHandlers();
  mkdirSync(outDir, { recursive: true });
  const env = machine();
  log(
    `Pixpool bench — ${env.cores} cores, Node ${env.node}, ${env.chromium}, ` +
      `sharp ${env.sharp} (libvips ${env.libvips}), load ${env.loadAverageAtStart.join(' ')}, ` +
      `app at ${env.source}`,
  );

  const inputs = await ensureInputs(fixtures, join(outDir, 'inputs-100'));
  const inputMiB = inputs.manifest.files.reduce((s, f) => s + f.bytes, 0) / 2 ** 20;
  log(
    `inputs: ${inputs.files.length} JPEGs of 12 MP, ${inputMiB.toFixed(0)} MiB, ` +
      `${inputs.manifest.files.filter((f) => f.keep).length} with an EXIF orientation ≠ 1 ` +
      (inputs.cached ? '(cached)' : `(made in ${inputs.manifest.madeInSeconds} s)`),
  );
  const dir100 = join(outDir, 'inputs-100');
  const dir1000 = join(outDir, 'inputs-1000');
  if (!opts.quick) linkTree(inputs.files, dir1000, 10);

  const appDir = join(outDir, 'dist');
  log(`vite build → ${appDir} (${build(repoRoot, appDir).toFixed(1)} s)`);
  const server = await preview(repoRoot, appDir, Number(opts.port));
  const { url } = server;

  const step = (label, once) => {
    log(`\n▶ ${label}`);
    return measure(once, { maxWaitMs, log });
  };
  const inBrowser = (label, dir, count, workers) =>
    step(`${label}: ${count} files, ${workers} worker(s)`, () =>
      browserRun({ url, dir, count, workers, label, log }),
    );
  const withSharp = (label) =>
    step(`${label}: 100 files, 2 at a time, UV_THREADPOOL_SIZE=${uvThreadpoolSize}`, () =>
      sharpRun({ files: inputs.files, label, log }),
    );

  const sharpRuns = [];
  const pool2Runs = [];
  const pool1Runs = [];
  // Alternated, so a slow spell of the machine does not land on one side only.
  for (let r = 1; r <= rounds; r++) {
    sharpRuns.push(await withSharp(`sharp, round ${r}`));
    pool2Runs.push(await inBrowser(`browser 2 workers, round ${r}`, dir100, 100, 2));
    pool1Runs.push(await inBrowser(`browser 1 worker, round ${r}`, dir100, 100, 1));
  }
  const run1000 = opts.quick
    ? undefined
    : await inBrowser('browser 2 workers, 1,000 files', dir1000, 1000, 2);
  server.stop();

  const v = verdicts({ sharpRuns, pool2Runs, pool1Runs, run1000 });
  const browserRuns = [...pool2Runs, ...pool1Runs, ...(run1000 ? [run1000] : [])];
  log('\n' + table([...sharpRuns, ...browserRuns], v.sharpWallSeconds));
  log(`(× sharp: wall time per 100 files over the median sharp round; CPU s/img: this script's`);
  log(` processes, i.e. Chromium or sharp; others: cores the rest of the machine kept busy, a`);
  log(` run is flagged * and left out of the verdicts when others took > ${disturbedAbove})\n`);
  for (const l of verdictLines(v)) log(l);
  log('');
  for (const l of detailLines(sharpRuns, browserRuns)) log(l);

  const result = {
    date: new Date().toISOString(),
    command: `npm run bench${opts.quick ? ' -- --quick' : ''}`,
    options: { quick: opts.quick, rounds, uvThreadpoolSize, disturbedAbove },
    machine: env,
    inputs: { count: inputs.files.length, mib: inputMiB, manifest: inputs.manifest.files },
    targets,
    verdicts: v,
    sharp: sharpRuns,
    browser: browserRuns.map(forJson),
  };
  const file = join(outDir, 'last.json');
  writeFileSync(file, JSON.stringify(result, null, 2));
  log(`\nwrote ${file}`);
}

try {
  await main();
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await cleanupAll();
}
