import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { outputFormats } from '../../../shared/formats/index.js';
import type { Preset } from '../../../shared/presets/index.js';
import {
  bearer,
  createBatch,
  fixture,
  thumbs,
  uploadAll,
  waitSettled,
  type Bytes,
  type CreatedBatch,
} from '../../unit/server/helpers.js';
import {
  compileServer,
  startServer,
  startWorker,
  type RunningServer,
  type RunningWorker,
} from '../server/process.js';
import { freePort, startRedis, type RunningRedis } from './redis.js';

// Distributed mode end to end: a real redis-server, the compiled server with
// PIXPOOL_REDIS_URL, and `pixpool-worker` processes, all on loopback ports of their own.

const token = 'test-worker-token-0123456789';
const stopping: { stop(): Promise<void>; kill(): Promise<void> }[] = [];
const dirs: string[] = [];

beforeAll(() => compileServer(), 120_000);
afterEach(async () => {
  for (const p of stopping.splice(0).reverse()) await p.kill();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
afterAll(async () => {
  for (const p of stopping.splice(0)) await p.kill();
});

interface Cluster {
  redis: RunningRedis;
  server: RunningServer;
  workers: RunningWorker[];
  api: (p: string, init?: RequestInit) => Promise<Response>;
  /** Kills Redis (SIGTERM when `keepData`, which then saves its AOF) and starts it again. */
  restartRedis(keepData: boolean): Promise<void>;
  /** Stops the server (SIGTERM) and starts it again on the same port and data. */
  restartServer(): Promise<void>;
}

async function cluster(workers: number, workerEnv: Record<string, string> = {}): Promise<Cluster> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pixpool-distributed-'));
  dirs.push(dataDir);
  const redisDir = path.join(dataDir, 'redis');
  mkdirSync(redisDir);
  const redisPort = await freePort();
  const redis = await startRedis({ port: redisPort, dir: redisDir });
  stopping.push(redis);
  const port = String(await freePort());
  const serverEnv = {
    DATA_DIR: dataDir,
    STATIC_DIR: path.join(dataDir, 'no-dist'),
    PIXPOOL_REDIS_URL: redis.url,
    PIXPOOL_WORKER_TOKEN: token,
    PORT: port,
  };
  const server = await startServer(serverEnv);
  stopping.push(server);
  const started: RunningWorker[] = [];
  for (let i = 0; i < workers; i++) {
    const worker = await startWorker({
      PIXPOOL_REDIS_URL: redis.url,
      PIXPOOL_SERVER_URL: server.url,
      PIXPOOL_WORKER_TOKEN: token,
      CONCURRENCY: '1',
      LOCK_SECONDS: '2',
      ...workerEnv,
    });
    stopping.push(worker);
    started.push(worker);
  }
  const c: Cluster = {
    redis,
    server,
    workers: started,
    api: (p, init) => fetch(`${c.server.url}/api${p}`, init),
    async restartRedis(keepData) {
      if (keepData) await c.redis.stop();
      else {
        await c.redis.kill();
        rmSync(redisDir, { recursive: true, force: true });
        mkdirSync(redisDir);
      }
      c.redis = await startRedis({ port: redisPort, dir: redisDir });
      stopping.push(c.redis);
    },
    async restartServer() {
      await c.server.stop();
      c.server = await startServer(serverEnv);
      stopping.push(c.server);
    },
  };
  return c;
}

// Full-size AVIF: about a second an image, so a fault lands mid-conversion.
const slow: Preset = {
  ...thumbs,
  output: { format: 'avif', options: { ...outputFormats.avif.defaults, effort: 3 } },
  resize: { ...thumbs.resize, maxWidth: 0, maxHeight: 0 },
};

async function buffer(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const names = ['Landscape', 'Portrait'].flatMap((n) => [1, 3, 6, 8].map((i) => `${n}_${i}.jpg`));
const photos: Record<string, Bytes> = Object.fromEntries(
  names.map((n) => [`photos/${n}`, fixture(`exif-orientation/${n}`)]),
);

/** Every done item's output, checked as an image of the preset's format and orientation. */
async function checkOutputs(c: Cluster, batch: CreatedBatch, format: string) {
  for (const item of batch.items.filter((i) => !i.path.startsWith('bad/'))) {
    const res = await c.api(`/batches/${batch.batchId}/files/${item.id}/output`, {
      headers: bearer(batch.token),
    });
    expect(res.status, item.path).toBe(200);
    const meta = await sharp(new Uint8Array(await res.arrayBuffer())).metadata();
    expect(meta.format, item.path).toBe(format);
    // The HEIC fixture is 1280 × 854.
    const wide = item.path.includes('Landscape') || item.path.endsWith('.heic');
    expect(wide ? meta.width! > meta.height! : meta.height! > meta.width!, item.path).toBe(true);
  }
}

describe('distributed mode', () => {
  it('converts a batch on several workers, copies duplicates, fails a bad file once', async () => {
    const c = await cluster(2);
    const broken = fixture('exif-orientation/Landscape_1.jpg');
    const files = {
      ...photos,
      // Decoded by libheif-js on the worker's wasm threads.
      'heic/example.heic': fixture('heif/example.heic'),
      'copies/Landscape_1.jpg': photos['photos/Landscape_1.jpg'],
      'copies/Portrait_6.jpg': photos['photos/Portrait_6.jpg'],
      'bad/truncated.jpg': broken.subarray(0, 4096) as Bytes,
    };
    const batch = await createBatch(c, files, thumbs);
    await uploadAll(c, batch, files);
    const status = await waitSettled(c, batch);
    expect(status.progress).toMatchObject({ completed: names.length + 3, failed: 1 });
    const bad = status.images.find((i) => i.filename.endsWith('truncated.jpg'))!;
    expect(bad.status).toBe('failed');
    expect(bad.error).toBeTruthy();
    await checkOutputs(c, batch, 'webp');
    // Both workers took jobs, and each item ran exactly once: nothing was retried, and the
    // copies were never converted (the server wrote them from their originals' results).
    const jobs = c.workers.map((w) => w.jobs());
    expect(jobs.every((j) => j.length > 0)).toBe(true);
    const ran = jobs.flat();
    expect(ran).toHaveLength(names.length + 2);
    expect(new Set(ran.map((j) => j.item)).size).toBe(names.length + 2);
  }, 60_000);

  it('hands the image of a worker killed mid-conversion to another; every item is done once', async () => {
    const c = await cluster(2);
    const batch = await createBatch(c, photos, slow);
    await uploadAll(c, batch, photos);
    const [victim, survivor] = c.workers;
    // Kill as soon as the victim has finished one job and is into its next.
    const deadline = Date.now() + 30_000;
    while (victim.jobs().length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 200));
    await victim.kill();
    const status = await waitSettled(c, batch, 90_000);
    expect(status.progress).toMatchObject({ completed: names.length, failed: 0 });
    await checkOutputs(c, batch, 'heif');
    // The survivor took the killed job over (a second claim of its item), and every item
    // was done exactly once.
    const done = [...victim.jobs(), ...survivor.jobs()].filter((j) => j.outcome === 'done');
    expect(new Set(done.map((j) => j.item)).size).toBe(names.length);
    expect(done).toHaveLength(names.length);
    expect(survivor.jobs().filter((j) => j.attempt === 2)).toHaveLength(1);
  }, 120_000);

  it('reports its health, and on SIGTERM finishes its running job before it exits', async () => {
    const c = await cluster(2, { HEALTH_PORT: '0' });
    const [leaving, staying] = c.workers;
    const url = /worker health url=(\S+)/.exec(leaving.output())![1];
    const idle = await (await fetch(url)).json();
    expect(idle).toMatchObject({ status: 'ok', redis: 'ready', busy: 0, concurrency: 1 });
    const batch = await createBatch(c, photos, slow);
    await uploadAll(c, batch, photos);
    const deadline = Date.now() + 30_000;
    let busy = 0;
    while (busy === 0 && Date.now() < deadline) {
      busy = (await (await fetch(url)).json()).busy;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(busy).toBe(1);
    const exited = new Promise<number | null>((r) => leaving.child.once('exit', r));
    leaving.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // The job it had was finished there, not handed over: nothing ran twice.
    expect(leaving.jobs().filter((j) => j.outcome === 'done').length).toBeGreaterThan(0);
    expect(await waitSettled(c, batch, 90_000)).toMatchObject({ status: 'done' });
    const done = [...leaving.jobs(), ...staying.jobs()].filter((j) => j.outcome === 'done');
    expect(done).toHaveLength(names.length);
    expect(done.every((j) => j.attempt === 1)).toBe(true);
  }, 120_000);

  it('retries a job with growing, jittered delays while the server answers 503', async () => {
    const c = await cluster(0);
    // Between the worker and the server: the first three requests get 503.
    const refusedAt: number[] = [];
    const proxy = createServer(async (req, res) => {
      if (refusedAt.length < 3) {
        refusedAt.push(Date.now());
        req.resume();
        return void res.writeHead(503).end();
      }
      const body = req.method === 'GET' ? undefined : new Uint8Array(await buffer(req));
      const answer = await fetch(`${c.server.url}${req.url}`, {
        method: req.method,
        headers: Object.fromEntries(
          Object.entries(req.headers).filter(([k]) => !['host', 'connection'].includes(k)),
        ) as Record<string, string>,
        body,
      });
      res.writeHead(answer.status, Object.fromEntries(answer.headers));
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    stopping.push({ stop: async () => void proxy.close(), kill: async () => void proxy.close() });
    const worker = await startWorker({
      PIXPOOL_REDIS_URL: c.redis.url,
      PIXPOOL_SERVER_URL: `http://127.0.0.1:${(proxy.address() as { port: number }).port}`,
      PIXPOOL_WORKER_TOKEN: token,
      CONCURRENCY: '1',
      SERVER_RETRY_SECONDS: '0.1',
    });
    stopping.push(worker);
    const one = { 'one.jpg': photos['photos/Landscape_1.jpg'] };
    const batch = await createBatch(c, one, thumbs);
    await uploadAll(c, batch, one);
    expect((await waitSettled(c, batch, 60_000)).progress.completed).toBe(1);
    // Three faults, each retried later than the one before (1 s, 2 s, 4 s ±50 %).
    expect(worker.output().match(/job fault, retried later/g)).toHaveLength(3);
    const gaps = refusedAt.slice(1).map((t, i) => t - refusedAt[i]);
    expect(gaps[0]).toBeGreaterThanOrEqual(450);
    expect(gaps[1]).toBeGreaterThan(gaps[0]);
    expect(worker.jobs()).toMatchObject([{ outcome: 'done', attempt: 1 }]);
  }, 60_000);

  it('runs a small batch before a big one queued earlier', async () => {
    const c = await cluster(1);
    const big = await createBatch(c, photos, slow);
    await uploadAll(c, big, photos);
    const one = { 'one.jpg': photos['photos/Landscape_1.jpg'] };
    const small = await createBatch(c, one, thumbs);
    await uploadAll(c, small, one);
    await waitSettled(c, small);
    // The worker was busy with the big batch's first image; the small one came next.
    const order = c.workers[0].jobs().map((j) => j.item);
    expect(order.indexOf(small.items[0].id)).toBeLessThanOrEqual(1);
    expect((await waitSettled(c, big, 90_000)).progress.completed).toBe(names.length);
  }, 120_000);

  it('keeps a job longer than its lock: the lock is renewed while sharp runs', async () => {
    // A one-second lock, and AVIF at effort 6 of full-size photos: seconds a job.
    const slower: Preset = {
      ...slow,
      output: { format: 'avif', options: { ...outputFormats.avif.defaults, effort: 6 } },
    };
    const c = await cluster(2, { LOCK_SECONDS: '1' });
    const two = Object.fromEntries(Object.entries(photos).slice(0, 2));
    const batch = await createBatch(c, two, slower);
    await uploadAll(c, batch, two);
    expect((await waitSettled(c, batch, 90_000)).progress.completed).toBe(2);
    const jobs = c.workers.flatMap((w) => w.jobs());
    // Each ran once, under its first claim, though it outlasted the lock.
    expect(jobs).toHaveLength(2);
    expect(jobs.every((j) => j.outcome === 'done' && j.attempt === 1)).toBe(true);
    const ms = c.workers
      .flatMap((w) => [...w.output().matchAll(/ job .* ms=(\d+)/g)])
      .map((m) => Number(m[1]));
    expect(Math.max(...ms)).toBeGreaterThan(2000);
  }, 120_000);

  it('a worker that loses Redis says so on /health and takes jobs again once it is back', async () => {
    const c = await cluster(1, { HEALTH_PORT: '0' });
    const [worker] = c.workers;
    const url = /worker health url=(\S+)/.exec(worker.output())![1];
    const health = async () => (await (await fetch(url)).json()).redis as string;
    expect(await health()).toBe('ready');
    await c.redis.kill();
    await expect.poll(health, { timeout: 10_000 }).toBe('reconnecting');
    // Five seconds without Redis: the worker neither exits nor hangs.
    await new Promise((r) => setTimeout(r, 5000));
    expect(worker.child.exitCode).toBeNull();
    await c.restartRedis(true);
    await expect.poll(health, { timeout: 15_000 }).toBe('ready');
    const one = { 'one.jpg': photos['photos/Portrait_6.jpg'] };
    const batch = await createBatch(c, one, thumbs);
    await uploadAll(c, batch, one);
    expect((await waitSettled(c, batch, 30_000)).progress.completed).toBe(1);
    expect(worker.jobs()).toMatchObject([{ outcome: 'done' }]);
  }, 60_000);

  const faults: [string, (c: Cluster) => Promise<void>][] = [
    ['Redis restarted without its data', (c) => c.restartRedis(false)],
    ['Redis restarted from its append-only file', (c) => c.restartRedis(true)],
    ['the server restarted', (c) => c.restartServer()],
  ];
  for (const [fault, inject] of faults) {
    it(`loses nothing when ${fault} mid-batch: every item is done once`, async () => {
      const c = await cluster(2);
      const batch = await createBatch(c, photos, slow);
      await uploadAll(c, batch, photos);
      const deadline = Date.now() + 30_000;
      while (c.workers.every((w) => w.jobs().length === 0) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      await inject(c);
      const status = await waitSettled(c, batch, 90_000);
      expect(status.progress).toMatchObject({ completed: names.length, failed: 0 });
      await checkOutputs(c, batch, 'heif');
      const done = c.workers.flatMap((w) => w.jobs()).filter((j) => j.outcome === 'done');
      expect(new Set(done.map((j) => j.item)).size).toBe(names.length);
      expect(done).toHaveLength(names.length);
    }, 120_000);
  }
});
