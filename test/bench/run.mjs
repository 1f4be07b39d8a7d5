#!/usr/bin/env node
// `npm run bench`: 100 photos of 12 MP → WebP q75, long edge 2048, in the app in headless
// Chromium (2 workers, then 1), against a plain sharp loop (2 at a time) in the same run; then
// 1,000 files (the 100, hard-linked 10 times) for peak memory. Prints a table and writes
// test/bench/out/last.json. Options: --quick (skip the 1,000-file run, ~7 min), --rounds N
// (sharp and 2-worker runs, alternated; default 2), --port P (vite preview; default 4180),
// --max-wait S (before each run, wait up to S seconds for other processes on the machine to
// go quiet; default 900, 0 to not wait).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { runBatch } from './browser.mjs';
import { cleanupAll, installCleanupHandlers } from './cleanup.mjs';
import { ensureInputs, linkTree } from './inputs.mjs';
import { table, targets, verdictLines, verdicts } from './report.mjs';
import { waitForQuiet } from './procs.mjs';
import { build, preview } from './server.mjs';
import { runSharp } from './sharp-run.mjs';
import { median, summariseBrowserRun } from './stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const outDir = join(here, 'out');
const fixtures = resolve(repoRoot, '../shared/fixtures/exif-orientation');

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '2' },
    port: { type: 'string', default: '4180' },
    'max-wait': { type: 'string', default: '900' },
  },
});
const rounds = Math.max(1, Number(opts.rounds) || 2);
// One libuv thread per image in flight: sharp.concurrency() is 1 here (see sharp-yardstick.mjs).
const uvThreadpoolSize = 2;

const maxWaitMs = Math.max(0, Number(opts['max-wait']) || 0) * 1000;

const log = (...a) => console.log(...a);

/** Every timing here assumes the 2 cores are ours: wait for a busy neighbour to finish. */
async function quiet() {
  const { load, quiet } = await waitForQuiet({ maxWaitMs, log });
  if (!quiet)
    log(`  ! the machine is not quiet (others use ${load.toFixed(2)} cores); measuring anyway`);
  return load;
}

function chromiumVersion() {
  const r = spawnSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version'], {
    encoding: 'utf8',
  });
  // Debian's wrapper prints a harmless shell error line first.
  return r.stdout.trim().split('\n').pop();
}

function machine() {
  return {
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

async function browserRun(url, dir, count, workers, label) {
  log(`\n▶ ${label}: ${count} files, ${workers} worker(s)`);
  const otherCoresBefore = await quiet();
  const run = await runBatch({ url, dir, count, workers, log });
  const summary = summariseBrowserRun(run);
  if (!summary.allDone) {
    throw new Error(
      `${label}: not every item finished 'done': ${JSON.stringify(summary.statuses)}\n` +
        summary.failures.join('\n'),
    );
  }
  if (run.settingsWorkers !== workers) {
    throw new Error(`${label}: the app shows ${run.settingsWorkers} workers, expected ${workers}`);
  }
  const m = run.memory.converting;
  log(
    `  wall ${run.wallSeconds.toFixed(1)} s (batch clock ${run.batchElapsedSeconds.toFixed(1)} s), ` +
      `${summary.imagesPerSecond.toFixed(2)} img/s, peak RSS ${m.peakRssMiB.toFixed(0)} MiB, ` +
      `workers busy ${(summary.workerBusyShare * 100).toFixed(0)} %, other load ${m.otherCores.toFixed(2)} cores`,
  );
  if (run.errors.length) log(`  page errors: ${run.errors.slice(0, 3).join(' | ')}`);
  return { label, otherCoresBefore, ...run, summary };
}

async function sharpRun(files, label) {
  log(`\n▶ ${label}: ${files.length} files, 2 at a time, UV_THREADPOOL_SIZE=${uvThreadpoolSize}`);
  const otherCoresBefore = await quiet();
  const r = await runSharp(files, { threadpool: uvThreadpoolSize });
  const wallSeconds = r.wallMs / 1000;
  log(
    `  wall ${wallSeconds.toFixed(1)} s, ${(files.length / wallSeconds).toFixed(2)} img/s, ` +
      `sharp.concurrency()=${r.sharpConcurrency}, UV_THREADPOOL_SIZE=${r.uvThreadpoolSize}, ` +
      `other load ${r.memory.otherCores.toFixed(2)} cores`,
  );
  return { label, otherCoresBefore, wallSeconds, ...r };
}

async function main() {
  installCleanupHandlers();
  mkdirSync(outDir, { recursive: true });
  const env = machine();
  log(
    `Pixpool bench — ${env.cores} cores, Node ${env.node}, ${env.chromium}, ` +
      `sharp ${env.sharp} (libvips ${env.libvips}), load ${env.loadAverageAtStart.join(' ')}`,
  );

  const inputs = await ensureInputs(fixtures, join(outDir, 'inputs-100'));
  const inputMiB = inputs.manifest.files.reduce((s, f) => s + f.bytes, 0) / 2 ** 20;
  log(
    `inputs: ${inputs.files.length} JPEGs of 12 MP, ${inputMiB.toFixed(0)} MiB, ` +
      `${inputs.manifest.files.filter((f) => f.keep).length} with an EXIF orientation ≠ 1 ` +
      (inputs.cached ? '(cached)' : `(made in ${inputs.manifest.madeInSeconds} s)`),
  );
  const tree1000 = join(outDir, 'inputs-1000');
  if (!opts.quick) linkTree(inputs.files, tree1000, 10);

  const appDir = join(outDir, 'dist');
  log(`vite build → ${appDir} (${build(repoRoot, appDir).toFixed(1)} s)`);
  const server = await preview(repoRoot, appDir, Number(opts.port));

  const dir100 = join(outDir, 'inputs-100');
  const sharpRuns = [];
  const pool2Runs = [];
  let pool1Run;
  // Alternated, so a neighbour's burst of work does not land on one side only.
  for (let r = 1; r <= rounds; r++) {
    sharpRuns.push(await sharpRun(inputs.files, `sharp, round ${r}`));
    pool2Runs.push(await browserRun(server.url, dir100, 100, 2, `browser 2 workers, round ${r}`));
    if (r === 1) pool1Run = await browserRun(server.url, dir100, 100, 1, 'browser 1 worker');
  }
  const run1000 = opts.quick
    ? undefined
    : await browserRun(server.url, tree1000, 1000, 2, 'browser 2 workers, 1,000 files');
  server.stop();

  const v = verdicts({ sharpRuns, pool2Runs, pool1Run, run1000 });
  const sharpBest = v.sharpWallSeconds;
  const row = (r, files) => ({
    label: r.label,
    files,
    wallSeconds: r.wallSeconds,
    ratio: (r.wallSeconds / sharpBest) * (100 / files),
    peakRssMiB: (r.memory.converting ?? r.memory).peakRssMiB,
    peakPssMiB: (r.memory.converting ?? r.memory).peakPssMiB,
    otherCores: (r.memory.converting ?? r.memory).otherCores,
  });
  const rows = [
    ...sharpRuns.map((r) => row(r, 100)),
    ...pool2Runs.map((r) => row(r, 100)),
    row(pool1Run, 100),
    ...(run1000 ? [row(run1000, 1000)] : []),
  ];
  log('\n' + table(rows));
  log('(× sharp: wall time over the best sharp round, per 100 files; other cores: CPU the rest');
  log(' of the machine used meanwhile, outside this script, Chromium, vite preview and sharp)\n');
  for (const l of verdictLines(v)) log(l);
  log('\nper image, medians (ms): decode+resize · encode · in worker · item (runner)');
  for (const r of [...pool2Runs, pool1Run, ...(run1000 ? [run1000] : [])]) {
    const m = r.summary.medianMs;
    log(
      `  ${r.label.padEnd(32)} ${m.decodeAndResize.toFixed(0)} · ${m.encode.toFixed(0)} · ` +
        `${m.inWorker.toFixed(0)} · ${m.item.toFixed(0)}   workers busy ` +
        `${(r.summary.workerBusyShare * 100).toFixed(1)} %, ${r.summary.workersStarted} workers started`,
    );
  }
  log(
    `sharp per image (2 in flight), median ${sharpRuns.map((r) => median(r.perImageMs).toFixed(0)).join(', ')} ms`,
  );

  const strip = ({ calls, items, timeline, ...rest }) => ({
    ...rest,
    // The 1,000-file timeline at 1 s, the rest at 200 ms.
    timeline: timeline.filter((_, i) => rest.count < 1000 || i % 5 === 0),
  });
  const result = {
    date: new Date().toISOString(),
    command: `npm run bench${opts.quick ? ' -- --quick' : ''}`,
    options: { quick: opts.quick, rounds, uvThreadpoolSize },
    machine: env,
    inputs: { count: inputs.files.length, mib: inputMiB, manifest: inputs.manifest.files },
    targets,
    verdicts: v,
    table: rows,
    sharp: sharpRuns.map(({ perImageMs, ...r }) => ({
      ...r,
      medianPerImageMs: median(perImageMs),
    })),
    browser: [...pool2Runs, pool1Run, ...(run1000 ? [run1000] : [])].map(strip),
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
