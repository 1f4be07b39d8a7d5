#!/usr/bin/env node
// `npm run bench:cli`: `pixpool convert` (the real bin, a process per run, 2 images at once)
// against a bare sharp loop (sharp-yardstick.mjs, 2 in flight) and the app in headless
// Chromium (2 workers), on the same 100 photos of 12 MP with web-webp-2048, alternated for
// `--rounds` rounds. The CLI's time is its whole process, start-up included; the sharp loop's
// is from its first call to its last. Prints a table and writes test/bench/out/cli-last.json.
// Options:
//   --count N     the first N of the 100 inputs (default 100)
//   --rounds N    rounds (default 3; medians count)
//   --no-app      leave the app out
//   --port P      vite preview's port for the app (default 4182)
//   --max-wait S  wait up to S s for the machine to go quiet before each run (default 900)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { cleanupAll, installCleanupHandlers, onCleanup } from './cleanup.mjs';
import { ensureInputs, linkTree } from './inputs.mjs';
import { browserRun, measure, sharpRun } from './measure.mjs';
import { TreeSampler } from './procs.mjs';
import { build, buildServer, preview } from './server.mjs';
import { median } from './stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const outDir = join(here, 'out');
const fixtures = resolve(repoRoot, '../shared/fixtures/exif-orientation');
const { values: opts } = parseArgs({
  options: {
    count: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '3' },
    'no-app': { type: 'boolean', default: false },
    port: { type: 'string', default: '4182' },
    'max-wait': { type: 'string', default: '900' },
  },
});
const count = Math.max(1, Math.min(100, Number(opts.count) || 100));
const rounds = Math.max(1, Number(opts.rounds) || 3);
const maxWaitMs = Math.max(0, Number(opts['max-wait']) || 0) * 1000;
const log = (...a) => console.log(...a);
const concurrency = 2;
// What the CLI's start.cjs gives libuv for 2 images (server/threadpool.cts); the loop gets it too.
const threadpool = concurrency + 4;

/** One `pixpool convert` of `dir` into a fresh folder, timed and sampled as a process tree. */
function cliRun(dir, label) {
  const dest = join(outDir, 'cli-output');
  rmSync(dest, { recursive: true, force: true });
  const args = [join(repoRoot, 'bin/pixpool.cjs'), 'convert', dir, '-o', dest];
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...args, '-p', 'web-webp-2048', '-j', '2'], {
      env: { ...process.env, CONCURRENCY: String(concurrency) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const unregister = onCleanup(() => child.kill('SIGKILL'));
    const sampler = new TreeSampler(child.pid).start();
    sampler.mark('run');
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      const wallSeconds = (performance.now() - started) / 1000;
      unregister();
      sampler.stop();
      if (code !== 0) return fail(new Error(`${label}: pixpool exited with ${code}\n${out}`));
      const made = readdirSync(dest, { recursive: true }).filter((f) => f.endsWith('.webp')).length;
      if (made !== count) return fail(new Error(`${label}: ${made} outputs, not ${count}`));
      const m = sampler.phase('run');
      const cpuSecondsPerImage = (m.ownCores * m.seconds) / count;
      log(
        `  wall ${wallSeconds.toFixed(1)} s, ${(count / wallSeconds).toFixed(2)} img/s, ` +
          `${cpuSecondsPerImage.toFixed(2)} CPU s/img, peak RSS ${m.peakRssMiB.toFixed(0)} MiB, ` +
          `others ${m.otherCores.toFixed(2)} cores`,
      );
      done({
        label,
        files: count,
        wallSeconds,
        cpuSecondsPerImage,
        memory: m,
        otherCores: m.otherCores,
      });
    });
  });
}

async function main() {
  installCleanupHandlers();
  mkdirSync(outDir, { recursive: true });
  process.env.BENCH_SHARP_IN_FLIGHT = String(concurrency);
  process.env.BENCH_SHARP_CONCURRENCY = '1';
  // The bin runs build/server (as installed); the yardstick maps the preset with it too.
  const { builtInPresets } = await buildServer(repoRoot)('shared/presets/index.js');
  const preset = builtInPresets.find((p) => p.id === 'web-webp-2048');
  const inputs = await ensureInputs(fixtures, join(outDir, 'inputs-100'));
  const files = inputs.files.slice(0, count);
  const dir = join(outDir, `cli-folder-${count}`);
  linkTree(files, dir, 1);
  const git = (...a) => spawnSync('git', a, { cwd: repoRoot, encoding: 'utf8' }).stdout.trim();
  const env = {
    source:
      git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain') ? ' + changes' : ''),
    cores: cpus().length,
    node: process.version,
    sharp: sharp.versions.sharp,
    libvips: sharp.versions.vips,
    loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  };
  log(
    `pixpool CLI bench — ${env.cores} cores, Node ${env.node}, sharp ${env.sharp} ` +
      `(libvips ${env.libvips}), at ${env.source}; ${files.length} JPEGs of 12 MP, ${preset.id}, ` +
      `2 at a time, UV_THREADPOOL_SIZE=${threadpool}`,
  );
  let app;
  if (!opts['no-app']) {
    const appDir = join(outDir, 'dist');
    log(`vite build → ${appDir} (${build(repoRoot, appDir).toFixed(1)} s)`);
    app = await preview(repoRoot, appDir, Number(opts.port));
  }
  const step = (label, once) => {
    log(`\n▶ ${label}`);
    return measure(once, { maxWaitMs, log });
  };
  const runs = { sharp: [], cli: [], app: [] };
  for (let r = 1; r <= rounds; r++) {
    const buildDir = join(repoRoot, 'build');
    runs.sharp.push(
      await step(`sharp, round ${r}`, () =>
        sharpRun({ files, preset, buildDir, label: `sharp, round ${r}`, log, threadpool }),
      ),
    );
    runs.cli.push(
      await step(`pixpool convert, round ${r}`, () => cliRun(dir, `pixpool convert, round ${r}`)),
    );
    if (app) {
      const label = `app 2 workers, round ${r}`;
      runs.app.push(
        await step(label, () =>
          browserRun({ url: app.url, dir, count, workers: 2, preset: preset.id, label, log }),
        ),
      );
    }
  }
  app?.stop();
  const wall = (list) => median(list.map((x) => x.wallSeconds));
  const base = wall(runs.sharp);
  log('\n| run | wall s | × sharp | CPU s/img | peak RSS MiB |\n|---|---:|---:|---:|---:|');
  for (const x of [...runs.sharp, ...runs.cli, ...runs.app]) {
    const rss = x.memory?.peakRssMiB ?? x.memory?.converting?.peakRssMiB;
    log(
      `| ${x.label} | ${x.wallSeconds.toFixed(1)} | ${(x.wallSeconds / base).toFixed(2)} | ` +
        `${x.cpuSecondsPerImage.toFixed(2)} | ${rss?.toFixed(0) ?? '–'} |`,
    );
  }
  const verdict = {
    sharpSeconds: base,
    cliSeconds: wall(runs.cli),
    cliOverSharp: wall(runs.cli) / base,
    ...(runs.app.length && {
      appSeconds: wall(runs.app),
      appOverCli: wall(runs.app) / wall(runs.cli),
    }),
  };
  log(
    `\nmedians: pixpool convert ${verdict.cliSeconds.toFixed(1)} s = ${verdict.cliOverSharp.toFixed(3)}× ` +
      `the sharp loop (goal ≤ 1.05×: ${verdict.cliOverSharp <= 1.05 ? 'met' : 'missed'})` +
      (verdict.appSeconds
        ? `; the app ${verdict.appSeconds.toFixed(1)} s = ${verdict.appOverCli.toFixed(2)}× the CLI`
        : ''),
  );
  const file = join(outDir, 'cli-last.json');
  const command = `npm run bench:cli -- ${process.argv.slice(2).join(' ')}`.trim();
  writeFileSync(
    file,
    JSON.stringify({ date: new Date(), command, machine: env, verdict, runs }, null, 2),
  );
  log(`wrote ${file}`);
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(cleanupAll);
