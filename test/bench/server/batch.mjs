// One batch through the real server, timed the way a client sees it: create the batch, upload
// every file (CONCURRENCY at a time, streamed from disk), follow its events until each item is
// done; optionally poll the status meanwhile (SSE latency) and download the ZIP (memory).
import { createWriteStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import sharp from 'sharp';
import { mapPool } from '../pool.mjs';
import { TreeSampler } from '../procs.mjs';
import { median, sum } from '../stats.mjs';
import { Client } from './http.mjs';
import { analyse, healthLatency, startHealthPoller, startPoller } from './latency.mjs';
import { RssSampler } from './rss.mjs';
import { startServer } from './server-process.mjs';

const settled = new Set(['done', 'failed', 'skipped', 'cancelled']);

const ticksOf = (statLine, which = 'both') => {
  const f = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ');
  // utime and stime, fields 14 and 15
  return which === 'system' ? Number(f[12]) : Number(f[11]) + Number(f[12]);
};

/**
 * CPU ticks of the server process as a whole and of its main thread (JavaScript: HTTP,
 * SQLite, events). libvips runs on threads it starts on demand and libuv's pool, all of them
 * in the rest; the process total keeps the time of threads that already exited.
 */
function threadTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return {
      t: performance.now(),
      process: ticksOf(stat),
      system: ticksOf(stat, 'system'),
      main: ticksOf(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')),
      threads: readdirSync(`/proc/${pid}/task`).length,
    };
  } catch {
    return undefined;
  }
}

/** Cores used by the main thread and by all other threads between two threadTicks(). */
function coresBetween(a, b) {
  if (!a || !b) return undefined;
  const seconds = (b.t - a.t) / 1000;
  const cores = (ticks) => ticks / 100 / seconds; // USER_HZ = 100
  return {
    mainThread: cores(b.main - a.main),
    otherThreads: cores(b.process - b.main - (a.process - a.main)),
    /** Of the whole process: time in the kernel (file I/O, sockets, page faults). */
    system: cores(b.system - a.system),
    threadsAtEnd: b.threads,
  };
}

/** Waits for `promise`, failing after `ms` with `what` in the message. */
function within(promise, ms, what) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/**
 * Streams the batch's ZIP (every part, if it is split) to /dev/null; checks each ends with an
 * end-of-central-directory record listing the expected entries.
 */
async function downloadZip(client, batchId, files) {
  const started = performance.now();
  const path = `/api/batches/${batchId}/zip`;
  const first = await client.request('GET', path, { timeoutMs: 600_000 });
  let responses = [first];
  let parts = 1;
  if (first.statusCode === 413) {
    const text = await new Promise((r) => {
      let s = '';
      first.on('data', (d) => (s += d)).on('end', () => r(s));
    });
    parts = JSON.parse(text).parts.length;
    responses = [];
    for (let p = 1; p <= parts; p++) {
      responses.push(await client.request('GET', `${path}?part=${p}`, { timeoutMs: 600_000 }));
    }
  }
  let bytes = 0;
  let entries = 0;
  for (const res of responses) {
    if (res.statusCode !== 200) throw new Error(`ZIP download: HTTP ${res.statusCode}`);
    let tail = Buffer.alloc(0);
    const count = new Transform({
      transform(chunk, _enc, cb) {
        bytes += chunk.length;
        tail = Buffer.concat([tail, chunk]).subarray(-22);
        cb(null, chunk);
      },
    });
    await pipeline(res, count, createWriteStream('/dev/null'));
    // End of central directory: signature PK\5\6, total entries at offset 10 (no comment).
    if (tail.readUInt32LE(0) !== 0x06054b50) throw new Error('ZIP download: no end record');
    entries += tail.readUInt16LE(10) - 2; // minus the two reports in every part
  }
  if (entries !== files) throw new Error(`ZIP download: ${entries} outputs, expected ${files}`);
  return { seconds: (performance.now() - started) / 1000, bytes, parts, entries };
}

/** Downloads `n` outputs spread over the batch and decodes them fully with sharp. */
async function checkOutputs(client, batchId, items, n, longEdge) {
  const picks = [...new Set([0, items.length >> 1, items.length - 1])].slice(0, n);
  const checked = [];
  for (const i of picks) {
    const data = await client.bytes(`/api/batches/${batchId}/files/${items[i].id}/output`);
    const { info } = await sharp(data).raw().toBuffer({ resolveWithObject: true });
    const meta = await sharp(data).metadata();
    if (meta.format !== 'webp' || Math.max(info.width, info.height) !== longEdge) {
      throw new Error(
        `output of ${items[i].path} is ${meta.format} ${info.width}×${info.height}, ` +
          `expected WebP with a long edge of ${longEdge}`,
      );
    }
    checked.push({ path: items[i].path, bytes: data.length, size: `${info.width}x${info.height}` });
  }
  return checked;
}

/**
 * Starts a fresh server, runs one batch of `files` (paths relative to `root` name them in the
 * manifest) and stops it. Options: `poll` (ms between status polls, or 0), `health` (ms between
 * scheduled GET /api/health, or 0; for 1 s idle first, then while the batch runs), `zip`,
 * `check` (how many outputs to decode), `env` (more server environment). Throws unless every
 * item ends done.
 */
export async function serverBatch({
  repoRoot,
  files,
  root,
  preset,
  concurrency,
  label,
  log,
  poll = 0,
  health = 0,
  zip = false,
  check = 3,
  env = {},
}) {
  const server = await startServer(repoRoot, { concurrency, env });
  const client = new Client(server.base);
  const healthPoller = health ? startHealthPoller(client, { everyMs: health }) : undefined;
  if (healthPoller) await new Promise((r) => setTimeout(r, 1000));
  const sampler = new TreeSampler(server.pid).start();
  const rss = new RssSampler(server.pid).start();
  try {
    const manifest = files.map((f) => ({ path: relative(root, f), size: statSync(f).size }));
    // Generous: ~0.6 s per image here; 10 s each leaves room for a slow machine.
    const timeoutMs = 120_000 + files.length * 10_000;

    sampler.mark('run');
    rss.mark('upload + convert');
    const ticksAtStart = threadTicks(server.pid);
    const t0 = performance.now();
    const created = await client.json('POST', '/api/batches', {
      json: { name: label, preset, files: manifest },
      expect: [201],
    });
    const { batchId, token, items } = created.body;
    client.token = token;
    const createdMs = performance.now() - t0;

    const byId = new Map(items.map((it) => [it.id, { ...it }]));
    const doneAt = new Map();
    const doneEpoch = new Map();
    let settledCount = 0;
    let allSettled;
    const finished = new Promise((r) => (allSettled = r));
    const batchEvents = [];
    const reader = client.events(
      `/api/batches/${batchId}/events`,
      (ev) => {
        if (ev.event === 'batch') batchEvents.push({ ...ev.data, at: ev.at });
        if (ev.event !== 'item') return;
        const it = byId.get(ev.data.id);
        if (!it) return;
        if (ev.data.status === 'processing') it.startedAt ??= ev.at;
        if (settled.has(ev.data.status) && !it.status) {
          Object.assign(it, ev.data, { settledAt: ev.at });
          doneAt.set(it.id, ev.at);
          doneEpoch.set(it.id, ev.epochMs);
          if (++settledCount === items.length) allSettled();
        }
      },
      { timeoutMs: 60_000 },
    );
    await within(reader.opened, 30_000, 'opening the event stream');
    const poller = poll ? startPoller(client, batchId, { everyMs: poll }) : undefined;

    const source = new Map(manifest.map((m, i) => [m.path, { file: files[i], size: m.size }]));
    const uploads = mapPool(items, concurrency, async (it) => {
      const start = performance.now();
      const { file, size } = source.get(it.path);
      const r = await client.upload(`/api/batches/${batchId}/files/${it.id}`, file, size);
      if (r.status !== 'pending') throw new Error(`upload of ${it.path}: ${JSON.stringify(r)}`);
      return { start, end: performance.now() };
    });
    const uploaded = await within(uploads, timeoutMs, 'uploading');
    const uploadSeconds = (Math.max(...uploaded.map((u) => u.end)) - t0) / 1000;
    rss.mark('convert after uploads');
    await within(finished, timeoutMs, `${label}: every item settling`);
    const tEnd = Math.max(...doneAt.values());
    const wallSeconds = (tEnd - t0) / 1000;
    sampler.mark('converted');
    const serverThreads = coresBetween(ticksAtStart, threadTicks(server.pid));
    const healthSamples = await healthPoller?.stop();
    // The poller usually sees the last item a little after its event: give it 2 s.
    const polled = poller
      ? await within(poller.done, 2_000, 'poller').catch(() => poller.stop())
      : undefined;
    reader.close();

    const all = [...byId.values()];
    const bad = all.filter((it) => it.status !== 'done');
    if (bad.length) {
      throw new Error(
        `${label}: ${bad.length} items not done, e.g. ${bad[0].path}: ${bad[0].status} ${bad[0].error ?? ''}`,
      );
    }
    const { body: status } = await client.json('GET', `/api/batches/${batchId}`);
    // The batch's finishedAt is stamped in the same transaction as its last item's done:
    // the one item per batch whose completion time the server does write down.
    const lastId = [...doneAt].sort((a, b) => b[1] - a[1])[0][0];
    const finishedAtMs = status.finishedAt ? Date.parse(status.finishedAt) : NaN;
    const lastItemLatencyMs = doneEpoch.get(lastId) - finishedAtMs;

    let zipResult;
    if (zip) {
      rss.mark('zip download');
      sampler.mark('zip');
      zipResult = await downloadZip(client, batchId, items.length);
      sampler.mark('zipped');
    }
    const outputsChecked = check
      ? await checkOutputs(client, batchId, all, check, preset.resize.maxWidth)
      : [];
    rss.sample();
    rss.stop();
    sampler.stop();

    const phase = sampler.phase('run', 'converted');
    // TreeSampler names its root process 'browser'; here that is the server.
    const serverCores = sampler.cpuBetween('run', 'converted').kinds.browser ?? 0;
    const durations = all.map((it) => it.durationMs);
    const firstStart = Math.min(...all.map((it) => it.startedAt ?? Infinity));
    const memory = rss.summary();
    const result = {
      label,
      files: items.length,
      wallSeconds,
      createMs: createdMs,
      uploadSeconds,
      firstProcessingMs: firstStart - t0,
      medianItemMs: median(durations),
      /** Time inside conversions over slots × wall: what is left is waiting and overhead. */
      slotBusyShare: sum(durations) / (concurrency * wallSeconds * 1000),
      serverCores,
      clientCores: Math.max(0, phase.ownCores - serverCores),
      cpuSecondsPerImage: (serverCores * phase.seconds) / items.length,
      serverThreads,
      otherCores: phase.otherCores,
      stealCores: phase.stealCores,
      memory,
      zipMemory: zip ? sampler.phase('zip', 'zipped') : undefined,
      zip: zipResult,
      lastItemLatencyMs,
      outputBytes: sum(all.map((it) => it.outputSize)),
      outputSizes: [...new Set(all.map((it) => `${it.outputWidth}x${it.outputHeight}`))],
      outputsChecked,
      threadpool: server.threadpool,
      concurrency,
    };
    if (polled) result.latency = analyse(polled, doneAt);
    if (healthSamples) {
      result.health = {
        everyMs: health,
        idle: healthLatency(healthSamples, -Infinity, t0),
        converting: healthLatency(healthSamples, t0, tEnd),
      };
    }
    log(
      `  wall ${wallSeconds.toFixed(1)} s, ${(items.length / wallSeconds).toFixed(2)} img/s ` +
        `(uploads done at ${uploadSeconds.toFixed(1)} s, first image started at ` +
        `${result.firstProcessingMs.toFixed(0)} ms), server ${serverCores.toFixed(2)} cores, ` +
        `${result.cpuSecondsPerImage.toFixed(2)} CPU s/img, slots busy ` +
        `${(result.slotBusyShare * 100).toFixed(0)} %, peak RSS ${memory.peakRssMiB.toFixed(0)} MiB ` +
        `(VmHWM ${memory.hwmMiB.toFixed(0)}), others ${phase.otherCores.toFixed(2)} cores`,
    );
    if (zipResult) {
      log(
        `  ZIP: ${(zipResult.bytes / 2 ** 20).toFixed(0)} MiB in ${zipResult.parts} part(s), ` +
          `${zipResult.seconds.toFixed(1)} s, peak RSS while zipping ` +
          `${memory.phases['zip download']?.peakRssMiB.toFixed(0)} MiB`,
      );
    }
    return result;
  } finally {
    await healthPoller?.stop().catch(() => undefined);
    rss.stop();
    sampler.stop();
    client.close();
    await server.stop();
  }
}
