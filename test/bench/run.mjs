#!/usr/bin/env node
// `npm run bench`: 100 photos of 12 MP through a built-in preset (WebP q75, long edge 2048 by
// default) in the app in headless Chromium (2 workers, then 1), against a plain sharp loop with
// the same settings (2 at a time) in the same run; then 1,000 files (the 100, hard-linked 10
// times) for peak memory. Prints a table and writes test/bench/out/last[-preset][-heic].json.
// Options:
//   --preset ID   a built-in preset's id, or 'all' for each in turn (default web-webp-2048)
//   --input heic  HEICs of 12 MP made by heif-enc instead of JPEGs, against libheif's own decode
//                 (heif-convert) plus sharp
//   --count N     photos per run (default 100)
//   --quick       skip the 1,000-file run (~5 min)
//   --rounds N    rounds of sharp, 2 workers, 1 worker (default 3; medians count)
//   --port P      vite preview's port (default 4180)
//   --max-wait S  before each run, wait up to S s for other processes to go quiet (default 900)
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { cleanupAll, installCleanupHandlers } from './cleanup.mjs';
import { ensureInputs, linkTree } from './inputs.mjs';
import { browserRun, disturbedAbove, measure, sharpRun, uvThreadpoolSize } from './measure.mjs';
import { detailLines, table, targets, verdictLines, verdicts } from './report.mjs';
import { build, buildServer, preview } from './server.mjs';
import { ensureHeicInputs } from './server/heic-inputs.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const outDir = join(here, 'out');
const fixtures = resolve(repoRoot, '../shared/fixtures/exif-orientation');

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    preset: { type: 'string', default: 'web-webp-2048' },
    input: { type: 'string', default: 'jpeg' },
    count: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '3' },
    port: { type: 'string', default: '4180' },
    'max-wait': { type: 'string', default: '900' },
  },
});
const rounds = Math.max(1, Number(opts.rounds) || 3);
const count = Math.max(1, Math.min(100, Number(opts.count) || 100));
const heic = opts.input === 'heic';
if (!['jpeg', 'heic'].includes(opts.input)) throw new Error('--input takes jpeg or heic');
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

  // The server's option mapping serves the sharp yardstick: compiled as `npm run build:server`.
  const { builtInPresets } = await buildServer(repoRoot)('shared/presets/index.js');
  // The sharp yardstick imports the server's option mapping from there too.
  const buildDir = join(repoRoot, 'build');
  const presets =
    opts.preset === 'all' ? builtInPresets : builtInPresets.filter((p) => p.id === opts.preset);
  if (presets.length === 0) {
    throw new Error(`--preset takes all or one of ${builtInPresets.map((p) => p.id).join(', ')}`);
  }

  const inputs = heic
    ? await ensureHeicInputs(fixtures, join(outDir, `heic-12mp-${count}`), count)
    : await ensureInputs(fixtures, join(outDir, 'inputs-100'));
  const files = inputs.files.slice(0, count);
  const inputMiB = files.reduce((s, f) => s + statSync(f).size, 0) / 2 ** 20;
  log(
    `inputs: ${files.length} ${heic ? 'HEICs' : 'JPEGs'} of 12 MP, ${inputMiB.toFixed(0)} MiB ` +
      (inputs.cached ? '(cached)' : `(made in ${inputs.manifest.madeInSeconds} s)`),
  );
  // The browser adds a folder: the first `count` inputs, hard-linked (never the inputs' own
  // folder, which linkTree would empty first).
  const dirN = join(outDir, `folder-${heic ? 'heic-' : ''}${count}`);
  linkTree(files, dirN, 1);
  const dir1000 = join(outDir, 'inputs-1000');
  const with1000 = !opts.quick && !heic && count === 100 && presets.length === 1;
  if (with1000) linkTree(files, dir1000, 10);

  const appDir = join(outDir, 'dist');
  log(`vite build → ${appDir} (${build(repoRoot, appDir).toFixed(1)} s)`);
  const server = await preview(repoRoot, appDir, Number(opts.port));
  const { url } = server;

  const step = (label, once) => {
    log(`\n▶ ${label}`);
    return measure(once, { maxWaitMs, log });
  };
  const results = [];
  for (const preset of presets) {
    const key = heic ? 'heic' : preset.id;
    log(`\n■ ${preset.name}${heic ? ', HEIC input' : ''}`);
    const inBrowser = (label, dir, n, workers) =>
      step(`${label}: ${n} files, ${workers} worker(s)`, () =>
        browserRun({ url, dir, count: n, workers, preset: preset.id, label, log }),
      );
    const withSharp = (label) =>
      step(
        `${label}: ${files.length} files, 2 at a time, UV_THREADPOOL_SIZE=${uvThreadpoolSize}`,
        () => sharpRun({ files, preset, buildDir, heic, label, log }),
      );

    const sharpRuns = [];
    const pool2Runs = [];
    const pool1Runs = [];
    // Alternated, so a slow spell of the machine does not land on one side only.
    for (let r = 1; r <= rounds; r++) {
      sharpRuns.push(await withSharp(`sharp, round ${r}`));
      pool2Runs.push(await inBrowser(`browser 2 workers, round ${r}`, dirN, count, 2));
      pool1Runs.push(await inBrowser(`browser 1 worker, round ${r}`, dirN, count, 1));
    }
    const run1000 = with1000
      ? await inBrowser('browser 2 workers, 1,000 files', dir1000, 1000, 2)
      : undefined;

    const v = verdicts({ key, sharpRuns, pool2Runs, pool1Runs, run1000 });
    const browserRuns = [...pool2Runs, ...pool1Runs, ...(run1000 ? [run1000] : [])];
    log('\n' + table([...sharpRuns, ...browserRuns], v.sharpWallSeconds, files.length));
    log(`(× sharp: wall time per image over the median sharp round's; CPU s/img: this script's`);
    log(` processes, i.e. Chromium or sharp; others: cores the rest of the machine kept busy, a`);
    log(` run is flagged * and left out of the verdicts when others took > ${disturbedAbove})\n`);
    for (const l of verdictLines(v)) log(l);
    log('');
    for (const l of detailLines(sharpRuns, browserRuns)) log(l);
    results.push({ preset: preset.id, heic, verdicts: v, sharp: sharpRuns, browser: browserRuns });
  }
  server.stop();

  if (results.length > 1) {
    log('\nsummary: preset, × sharp (2 workers), s/img, bytes × sharp');
    for (const r of results) {
      const v = r.verdicts;
      log(
        `  ${r.preset.padEnd(22)} ${v.ratioToSharp.toFixed(2)}×  ${v.secondsPerImage.toFixed(2)} s  ` +
          `${v.bytesOverSharp.toFixed(3)}×`,
      );
    }
  }

  const result = {
    date: new Date().toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    options: { ...opts, rounds, count, uvThreadpoolSize, disturbedAbove },
    machine: env,
    inputs: { count: files.length, mib: inputMiB, heic },
    targets,
    runs: results.map((r) => ({
      ...r,
      browser: r.browser.map(forJson),
    })),
  };
  const suffix = `${opts.preset === 'web-webp-2048' ? '' : `-${opts.preset}`}${heic ? '-heic' : ''}`;
  const file = join(outDir, `last${suffix}.json`);
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
