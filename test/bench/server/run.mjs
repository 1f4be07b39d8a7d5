#!/usr/bin/env node
// `npm run bench:server`: the sync server against a bare sharp loop on the same 100 photos of
// 12 MP → WebP q75 effort 4, long edge 2048 (preset web-webp-2048), CONCURRENCY=2 on both
// sides, alternated for 2 rounds; then one 100-file batch with a status poller for SSE
// latency, and a 1,000-file batch (the 100 hard-linked 10 times) with its ZIP download for the
// server's peak memory. Prints a table and writes test/bench/out/server-last.json. Options:
//   --no-build    use build/ as it is (otherwise `npm run build` first)
//   --quick       skip the 1,000-file run
//   --count N     the first N of the 100 inputs (default 100; for smoke tests)
//   --rounds N    sharp/server rounds (default 2)
//   --copies N    copies of the inputs in the memory run (default 10)
//   --poll-ms M   status poll interval in the latency run (default 20)
//   --max-wait S  wait up to S s for the machine (and the browser bench) to go quiet (default 900)
// And a batch of 12 HEICs of 12 MP with GET /api/health every 20 ms (does wasm decoding block
// the server's event loop?); its own options:
//   --only heic       run only that batch (writes test/bench/out/server-heic-last.json)
//   --heic-copies N   copies of the 4 HEICs (default 3)
//   --server-root D   measure the server built in D/build (e.g. a git worktree of an older
//                     commit, compiled with `npx tsc -p tsconfig.server.json`); implies --no-build
//   --wasm-threads N  WASM_THREADS for the server (default: its own default)
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { cleanupAll, installCleanupHandlers } from '../cleanup.mjs';
import { ensureInputs, linkTree } from '../inputs.mjs';
import { measure, sharpRun } from '../measure.mjs';
import { waitForQuiet } from '../quiet.mjs';
import { serverBatch } from './batch.mjs';
import { heicHealthRun } from './heic-health.mjs';
import {
  browserNumbers,
  comparisonLines,
  table,
  targets,
  verdictLines,
  verdicts,
} from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const outDir = resolve(here, '../out');
const fixtures = resolve(repoRoot, '../shared/fixtures/exif-orientation');

const { values: opts } = parseArgs({
  options: {
    'no-build': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    count: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '2' },
    copies: { type: 'string', default: '10' },
    'poll-ms': { type: 'string', default: '20' },
    'max-wait': { type: 'string', default: '900' },
    only: { type: 'string' },
    'heic-copies': { type: 'string', default: '3' },
    'server-root': { type: 'string' },
    'wasm-threads': { type: 'string' },
  },
});
const count = Math.min(100, Math.max(1, Number(opts.count) || 100));
const rounds = Math.max(1, Number(opts.rounds) || 2);
const copies = Math.max(1, Number(opts.copies) || 10);
const pollMs = Math.max(5, Number(opts['poll-ms']) || 20);
const maxWaitMs = Math.max(0, Number(opts['max-wait']) || 0) * 1000;
const heicCopies = Math.max(1, Number(opts['heic-copies']) || 3);
if (opts.only !== undefined && opts.only !== 'heic') throw new Error('--only takes: heic');
/** Where the measured server is built; the benchmark's own code and inputs stay here. */
const serverRoot = opts['server-root'] ? resolve(opts['server-root']) : repoRoot;
const serverEnv = opts['wasm-threads'] ? { WASM_THREADS: opts['wasm-threads'] } : {};
const log = (...a) => console.log(...a);

// The server's defaults on this machine, matched by the sharp loop: CONCURRENCY images at
// once, one libvips thread each (server/convert/sharp-setup.ts), UV_THREADPOOL_SIZE =
// CONCURRENCY + 4 (server/start.cts).
const concurrency = 2;
const threadpool = concurrency + 4;

/** The commit measured, and whether server or shared code had uncommitted changes. */
function source() {
  const git = (...args) =>
    spawnSync('git', args, { cwd: serverRoot, encoding: 'utf8' }).stdout?.trim() ?? '';
  const dirty = git('status', '--porcelain', '--', 'server', 'shared') !== '';
  return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted server/shared changes' : ''}`;
}

function machine() {
  return {
    source: source(),
    cores: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    sharp: sharp.versions.sharp,
    libvips: sharp.versions.vips,
    loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

function build() {
  const started = performance.now();
  const r = spawnSync('npm', ['run', 'build'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (r.status !== 0)
    throw new Error(`npm run build failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return (performance.now() - started) / 1000;
}

/** Whether the browser benchmark (test/bench/run.mjs) is running: its timings and ours would mix. */
const browserBenchRunning = () =>
  spawnSync('pgrep', ['-f', 'test/bench/run.mjs'], { encoding: 'utf8' }).stdout.trim() !== '';

/** Waits (polling every 30 s, up to `maxWaitMs`) for the browser benchmark to finish. */
async function waitForBrowserBench() {
  const deadline = Date.now() + maxWaitMs;
  if (!browserBenchRunning()) return true;
  log('  the browser benchmark (test/bench/run.mjs) is running: waiting for it to finish…');
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 30_000));
    if (!browserBenchRunning()) return true;
  }
  log('  ! it is still running; measuring anyway (numbers will be disturbed)');
  return false;
}

async function main() {
  installCleanupHandlers();
  mkdirSync(outDir, { recursive: true });
  // The yardstick reads these; set here so it runs exactly CONCURRENCY images at once.
  process.env.BENCH_SHARP_IN_FLIGHT = String(concurrency);
  process.env.BENCH_SHARP_CONCURRENCY = '1';

  if (!opts['no-build'] && !opts['server-root']) log(`npm run build (${build().toFixed(1)} s)`);
  const { builtInPresets } = await import(
    pathToFileURL(join(serverRoot, 'build/shared/presets/index.js')).href
  );
  const preset = builtInPresets.find((p) => p.id === 'web-webp-2048');
  if (!preset) throw new Error('no built-in preset web-webp-2048 in build/shared/presets');
  const heic = () =>
    heicHealthRun({
      serverRoot,
      fixtures,
      outDir,
      preset,
      concurrency,
      copies: heicCopies,
      everyMs: pollMs,
      env: serverEnv,
      log,
    });

  if (opts.only === 'heic') {
    await waitForQuiet({ maxWaitMs, log });
    const env = machine();
    log(`Pixpool server bench, HEIC only — server at ${env.source}, CONCURRENCY=${concurrency}`);
    const run = await heic();
    const file = join(outDir, 'server-heic-last.json');
    const command = `npm run bench:server -- ${process.argv.slice(2).join(' ')}`;
    writeFileSync(file, JSON.stringify({ date: new Date(), command, machine: env, run }, null, 2));
    log(`\nwrote ${file}`);
    return;
  }

  // Always the full cached set of 100 (asking ensureInputs for fewer would rebuild the cache
  // the browser benchmark shares); --count takes the first N.
  const dir100 = join(outDir, 'inputs-100');
  const inputs = await ensureInputs(fixtures, dir100);
  const files = inputs.files.slice(0, count);
  const inputMiB = inputs.manifest.files.slice(0, count).reduce((s, f) => s + f.bytes, 0) / 2 ** 20;
  // Our own tree: the browser benchmark rebuilds inputs-1000 whenever it starts.
  const dir1000 = join(outDir, 'server-inputs-1000');
  const tree = opts.quick
    ? []
    : (linkTree(files, dir1000, copies),
      Array.from({ length: copies }, (_, c) =>
        files.map((f) => join(dir1000, `set-${String(c).padStart(2, '0')}`, f.split('/').pop())),
      ).flat());

  await waitForBrowserBench();
  const env = machine();
  log(
    `Pixpool server bench — ${env.cores} cores, Node ${env.node}, sharp ${env.sharp} ` +
      `(libvips ${env.libvips}), load ${env.loadAverageAtStart.join(' ')}, server at ${env.source}`,
  );
  log(
    `inputs: ${files.length} JPEGs of 12 MP, ${inputMiB.toFixed(0)} MiB; preset ${preset.id}; ` +
      `CONCURRENCY=${concurrency}, UV_THREADPOOL_SIZE=${threadpool}, sharp.concurrency(1)`,
  );

  const step = (label, once) => {
    log(`\n▶ ${label}`);
    return measure(once, { maxWaitMs, log });
  };
  const once =
    (label, more = {}) =>
    () =>
      serverBatch({
        repoRoot: serverRoot,
        files,
        root: dir100,
        preset,
        concurrency,
        label,
        log,
        env: serverEnv,
        ...more,
      });

  const sharpRuns = [];
  const serverRuns = [];
  // Alternated, so a slow spell of the machine does not land on one side only.
  for (let r = 1; r <= rounds; r++) {
    sharpRuns.push(
      await step(`sharp loop, round ${r}: ${files.length} files`, () =>
        sharpRun({
          files,
          preset,
          buildDir: join(serverRoot, 'build'),
          label: `sharp, round ${r}`,
          log,
          threadpool,
        }),
      ),
    );
    serverRuns.push(
      await step(`server, round ${r}: ${files.length} files`, once(`server, round ${r}`)),
    );
  }

  log(`\n▶ server with a status poll every ${pollMs} ms (SSE latency): ${files.length} files`);
  await waitForQuiet({ maxWaitMs, log });
  const latencyRun = await once('server + poller', { poll: pollMs, check: 0 })();
  const l = latencyRun.latency;
  log(
    `  SSE − first poll showing done: p50 ${l.sseMinusPollMs.p50} ms, p95 ${l.sseMinusPollMs.p95}` +
      ` ms; SSE − last poll sent before done (upper bound): p50 ${l.upperBoundMs.p50}, p95 ` +
      `${l.upperBoundMs.p95} ms; poll round trip p50 ${l.pollRoundTripMs.p50} ms`,
  );

  log(`\n▶ server with GET /api/health every ${pollMs} ms while converting HEIC`);
  await waitForQuiet({ maxWaitMs, log });
  const heicRun = await heic();

  let memoryRun;
  if (!opts.quick) {
    log(`\n▶ server, ${tree.length} files (the ${files.length} × ${copies}) + ZIP download`);
    await waitForQuiet({ maxWaitMs, log });
    memoryRun = await serverBatch({
      repoRoot: serverRoot,
      env: serverEnv,
      files: tree,
      root: dir1000,
      preset,
      concurrency,
      label: `server, ${tree.length} files + ZIP`,
      log,
      zip: true,
    });
  }

  const v = verdicts({ sharpRuns, serverRuns, latencyRun, memoryRun });
  const browser = browserNumbers(join(outDir, 'last.json'));
  const runs = [...sharpRuns, ...serverRuns, latencyRun, ...(memoryRun ? [memoryRun] : [])];
  log('\n' + table(runs, v.sharpWallSeconds / files.length));
  log(
    "(× sharp: wall per file over the median sharp round's; CPU s/img: the sharp process or the" +
      ' server process; peak RSS: the same; others: cores the rest of the machine kept busy, * =' +
      ' disturbed)\n',
  );
  for (const line of verdictLines(v, memoryRun)) log(line);
  log('');
  for (const line of comparisonLines(v, files.length, memoryRun, browser)) log(line);
  log('');
  log("where the server's CPU went while converting (cores; 2 = the whole machine):");
  for (const r of [...serverRuns, latencyRun, heicRun, ...(memoryRun ? [memoryRun] : [])]) {
    const t = r.serverThreads;
    log(
      `  ${r.label.padEnd(26)} server ${r.serverCores.toFixed(2)} (main thread ` +
        `${t.mainThread.toFixed(2)}, libvips/libuv threads ${t.otherThreads.toFixed(2)}; in the kernel ${t.system.toFixed(2)}), this ` +
        `client ${r.clientCores.toFixed(2)}; median item ${r.medianItemMs.toFixed(0)} ms; slots busy ` +
        `${(r.slotBusyShare * 100).toFixed(0)} %`,
    );
  }
  log(
    `  sharp loop, median per image with ${concurrency} in flight: ` +
      `${sharpRuns.map((r) => r.medianPerImageMs.toFixed(0)).join(', ')} ms`,
  );

  const result = {
    date: new Date().toISOString(),
    command: `npm run bench:server${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`,
    options: { quick: opts.quick, count, rounds, copies, pollMs, concurrency, threadpool },
    machine: env,
    preset,
    inputs: { count: files.length, mib: inputMiB },
    targets,
    verdicts: v,
    browser,
    sharp: sharpRuns,
    server: serverRuns,
    latency: latencyRun,
    heic: heicRun,
    memory: memoryRun,
  };
  const file = join(outDir, 'server-last.json');
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
