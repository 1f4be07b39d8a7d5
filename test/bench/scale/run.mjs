#!/usr/bin/env node
// `npm run bench:scale`: distributed mode's coordination cost, simulated on one machine. A
// real redis-server, the server (PIXPOOL_REDIS_URL) and 1, 2 and 3 `pixpool-worker`
// processes, each worker capped to the same CPU share with a cgroup (cpu.cfs_quota_us; root
// and cgroup v1's cpu controller, as on this machine), so N workers have N times one worker's
// CPU and the ratio to linear shows what the queue, the claims and the transfers cost.
// Then, uncapped: the dispatch overhead per job and the most jobs a second the server hands
// out, with tiny images. Options:
//   --count N      photos per scaling run (default 36: divisible by 1, 2 and 3)
//   --preset ID    built-in preset for the scaling runs (default web-webp-2048)
//   --share F      CPU share per worker, in cores (default 0.5)
//   --tiny N       tiny images for the dispatch runs (default 300)
//   --max-wait S   wait up to S s for the machine to go quiet first (default 120)
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { cleanupAll, installCleanupHandlers, onCleanup } from '../cleanup.mjs';
import { ensureInputs } from '../inputs.mjs';
import { waitForQuiet } from '../quiet.mjs';
import { buildServer } from '../server.mjs';
import { startServer } from '../server/server-process.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const fixtures = resolve(repoRoot, '../shared/fixtures/exif-orientation');
const { values: opts } = parseArgs({
  options: {
    count: { type: 'string', default: '36' },
    preset: { type: 'string', default: 'web-webp-2048' },
    share: { type: 'string', default: '0.5' },
    tiny: { type: 'string', default: '300' },
    'max-wait': { type: 'string', default: '120' },
  },
});
const count = Number(opts.count);
const share = Number(opts.share);
const token = 'bench-worker-token-0123456789';
const log = (...a) => console.log(...a);
const cgroupRoot = '/sys/fs/cgroup/cpu';

function freePort() {
  return new Promise((ok, fail) => {
    const probe = createServer().once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => ok(port));
    });
  });
}

/** A child process killed at exit; resolves once `ready` appears in its output. */
function startChild(cmd, args, env, ready) {
  const child = spawn(cmd, args, { cwd: repoRoot, env: { ...process.env, ...env } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((r) => child.once('exit', r));
  onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`${cmd} did not start:\n${out}`)), 30_000);
    child.stdout.on('data', () => {
      if (!out.includes(ready)) return;
      clearTimeout(timer);
      ok({
        child,
        output: () => out,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

/** A cgroup holding `cores` of CPU (quota over a 100 ms period); removed at exit. */
function cpuGroup(name, cores) {
  const dir = join(cgroupRoot, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cpu.cfs_period_us'), '100000');
  writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(Math.round(cores * 100_000)));
  onCleanup(() => {
    for (const pid of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
      try {
        writeFileSync(join(cgroupRoot, 'cgroup.procs'), pid);
      } catch {
        // already gone
      }
    }
    rmdirSync(dir);
  });
  return { add: (pid) => writeFileSync(join(dir, 'cgroup.procs'), String(pid)) };
}

/** Starts `n` workers (CONCURRENCY `each`), each in a cgroup of `cores` when given. */
async function startWorkers(n, { each, cores, redisUrl, serverUrl, tag }) {
  const workers = [];
  for (let i = 0; i < n; i++) {
    const worker = await startChild(
      process.execPath,
      ['build/server/worker/start.cjs'],
      {
        PIXPOOL_REDIS_URL: redisUrl,
        PIXPOOL_SERVER_URL: serverUrl,
        PIXPOOL_WORKER_TOKEN: token,
        CONCURRENCY: String(each),
        UV_THREADPOOL_SIZE: '',
      },
      'pixpool worker ready',
    );
    if (cores) cpuGroup(`pixpool-bench-${tag}-${i}`, cores).add(worker.child.pid);
    workers.push(worker);
  }
  return workers;
}

/** The span of the workers' jobs, from their `job` lines: first start to last end, in s. */
function jobSpan(workers) {
  const jobs = workers.flatMap((w) =>
    [...w.output().matchAll(/^(\S+) info job item=\S+ outcome=(\S+) attempt=\d+ ms=(\d+)/gm)].map(
      (m) => ({ end: Date.parse(m[1]), ms: Number(m[3]), outcome: m[2] }),
    ),
  );
  const start = Math.min(...jobs.map((j) => j.end - j.ms));
  const end = Math.max(...jobs.map((j) => j.end));
  return { seconds: (end - start) / 1000, jobs, convertMs: jobs.reduce((s, j) => s + j.ms, 0) };
}

/** Creates a batch of `files` ({ path, bytes }) and uploads them; resolves when it is done. */
async function runBatch(base, preset, files) {
  const res = await fetch(`${base}/api/batches`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      preset,
      files: files.map((f) => ({ path: f.path, size: f.bytes.length })),
    }),
  });
  if (res.status !== 201) throw new Error(`create: ${res.status} ${await res.text()}`);
  const batch = await res.json();
  const auth = { Authorization: `Bearer ${batch.token}` };
  await Promise.all(
    batch.items.map((item, i) =>
      fetch(`${base}/api/batches/${batch.batchId}/files/${item.id}`, {
        method: 'PUT',
        headers: auth,
        body: files[i].bytes,
      }),
    ),
  );
  for (;;) {
    const status = await (
      await fetch(`${base}/api/batches/${batch.batchId}`, { headers: auth })
    ).json();
    if (status.status === 'done') {
      if (status.progress.completed !== files.length) {
        throw new Error(`only ${status.progress.completed} of ${files.length} converted`);
      }
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function main() {
  installCleanupHandlers();
  const built = buildServer(repoRoot);
  const { builtInPresets } = await built('shared/presets/index.js');
  const preset = builtInPresets.find((p) => p.id === opts.preset);
  if (!preset) throw new Error(`no built-in preset ${opts.preset}`);
  const inputs = await ensureInputs(fixtures, join(here, '../out/inputs-100'));
  const photos = inputs.files.slice(0, count).map((file, i) => ({
    path: `p/${i}.jpg`,
    bytes: readFileSync(file),
  }));
  // Tiny and all different (identical files would be converted once).
  const tiny = await Promise.all(
    Array.from({ length: Number(opts.tiny) }, async (_, i) => ({
      path: `t/${i}.png`,
      bytes: await sharp({
        create: { width: 32, height: 32, channels: 3, background: { r: i % 256, g: i >> 8, b: 7 } },
      })
        .png()
        .toBuffer(),
    })),
  );
  const thumbs = builtInPresets.find((p) => p.id === 'thumbnails-webp-400');

  const redisPort = await freePort();
  await startChild(
    'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {},
    'Ready to accept connections',
  );
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const server = await startServer(repoRoot, {
    concurrency: 1,
    env: { PIXPOOL_REDIS_URL: redisUrl, PIXPOOL_WORKER_TOKEN: token, RATE_LIMIT_PER_MINUTE: '0' },
  });
  onCleanup(() => server.stop());

  const rows = [];
  for (const n of [1, 2, 3]) {
    await waitForQuiet({ maxWaitMs: Number(opts['max-wait']) * 1000, log });
    const workers = await startWorkers(n, {
      each: 1,
      cores: share,
      redisUrl,
      serverUrl: server.base,
      tag: `scale${n}`,
    });
    await runBatch(server.base, preset, photos);
    const span = jobSpan(workers);
    rows.push({ workers: n, ...span });
    log(`${n} worker(s) at ${share} core each: ${count} photos in ${span.seconds.toFixed(2)} s`);
    for (const w of workers) await w.stop();
  }

  // Uncapped: one worker, one job at a time, for the cost around each job; then three
  // workers of 4 jobs at once, for the most the server hands out.
  await waitForQuiet({ maxWaitMs: Number(opts['max-wait']) * 1000, log });
  const one = await startWorkers(1, { each: 1, redisUrl, serverUrl: server.base, tag: 'one' });
  const startedOne = performance.now();
  await runBatch(server.base, thumbs, tiny);
  const oneSpan = jobSpan(one);
  const oneWall = (performance.now() - startedOne) / 1000;
  for (const w of one) await w.stop();
  const many = await startWorkers(3, { each: 4, redisUrl, serverUrl: server.base, tag: 'many' });
  const startedMany = performance.now();
  await runBatch(
    server.base,
    thumbs,
    tiny.map((t) => ({ ...t, path: `u/${t.path}` })),
  );
  const manySpan = jobSpan(many);
  for (const w of many) await w.stop();

  const base = rows[0].seconds;
  log(`\nDistributed mode, simulated scaling (${preset.id}, ${count} photos of 12 MP; each`);
  log(`worker capped to ${share} core by a cgroup, CONCURRENCY=1; server and Redis uncapped)`);
  log('workers   s     photos/s   × 1 worker   of linear');
  for (const r of rows) {
    const speedup = base / r.seconds;
    log(
      `${String(r.workers).padStart(7)} ${r.seconds.toFixed(2).padStart(6)} ${(count / r.seconds).toFixed(2).padStart(9)} ` +
        `${speedup.toFixed(2).padStart(11)}× ${(speedup / r.workers).toFixed(2).padStart(10)}`,
    );
  }
  const perJob = (oneSpan.seconds * 1000) / tiny.length;
  const convert = oneSpan.convertMs / tiny.length;
  log(`\nTiny images (32 × 32 PNG → WebP), ${tiny.length} jobs:`);
  log(
    `  1 worker, one at a time: ${perJob.toFixed(1)} ms a job, of which ${convert.toFixed(1)} ms ` +
      `in the worker's job (claim, download, convert, upload); ${(perJob - convert).toFixed(1)} ms between ` +
      `jobs (BullMQ hand-over); batch wall incl. uploads ${oneWall.toFixed(2)} s`,
  );
  log(
    `  3 workers × 4 at once: ${(tiny.length / manySpan.seconds).toFixed(0)} jobs/s handed out ` +
      `(batch wall incl. uploads ${((performance.now() - startedMany) / 1000).toFixed(2)} s)`,
  );
  log('(target: ≥ 0.9 of linear per added worker)');
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(cleanupAll);
