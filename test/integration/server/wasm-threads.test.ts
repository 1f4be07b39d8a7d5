import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputFormats } from '../../../shared/formats/index.js';
import type { Preset } from '../../../shared/presets/index.js';
import { fixture, repoRoot, thumbs, type Bytes } from '../../unit/server/helpers.js';
import { compileServer, outDir, startServer, type RunningServer } from './process.js';

// The wasm pool in the compiled server (build/…): its worker script must be found and run
// there, with no TypeScript in sight.

const dataDir = mkdtempSync(path.join(tmpdir(), 'pixpool-wasm-threads-'));
const running: RunningServer[] = [];

beforeAll(() => compileServer(), 120_000);
afterAll(async () => {
  for (const s of running) await s.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

const large = new Uint8Array(
  readFileSync(path.join(repoRoot, 'test/fixtures/large-8000x5336.heic')),
) as Bytes;

/** Creates a batch, uploads `files`, waits until it settles; returns its status. */
async function convert(url: string, files: Record<string, Bytes>, preset: Preset) {
  const created = await fetch(`${url}/api/batches`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      preset,
      files: Object.entries(files).map(([p, b]) => ({ path: p, size: b.length })),
    }),
  });
  expect(created.status).toBe(201);
  const batch = (await created.json()) as {
    batchId: string;
    token: string;
    items: { id: string; path: string }[];
  };
  const auth = { Authorization: `Bearer ${batch.token}` };
  const base = `${url}/api/batches/${batch.batchId}`;
  for (const item of batch.items) {
    const res = await fetch(`${base}/files/${item.id}`, {
      method: 'PUT',
      headers: auth,
      body: files[item.path],
    });
    expect(res.status).toBe(200);
  }
  for (;;) {
    const status = (await (await fetch(base, { headers: auth })).json()) as {
      status: string;
      images: { id: string; status: string; error?: string; outputWidth?: number }[];
    };
    if (status.status !== 'running') {
      const output = (id: string) =>
        fetch(`${base}/files/${id}/output`, { headers: auth }).then(
          async (r) => new Uint8Array(await r.arrayBuffer()) as Bytes,
        );
      return { ...status, output };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('wasm codecs in the compiled server', () => {
  it('decodes HEIC on a worker thread: /api/health answers throughout', async () => {
    const server = await startServer({ DATA_DIR: dataDir, CONCURRENCY: '1' });
    running.push(server);
    const latencies: number[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const sent = performance.now();
        await fetch(`${server.url}/api/health`).then((r) => r.json());
        latencies.push(performance.now() - sent);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const started = performance.now();
    const status = await convert(server.url, { 'large.heic': large }, thumbs);
    const convertMs = performance.now() - started;
    polling = false;
    await poller;
    expect(status.images.map((i) => [i.status, i.error, i.outputWidth])).toEqual([
      ['done', undefined, 400],
    ]);
    // The decode alone is most of the conversion (~0.6–0.8 s of it on an idle machine): on the
    // main thread one request would wait that long. Relative to the conversion's own time, so a
    // busy machine (CI beside other work) slows both sides alike.
    expect(latencies.length).toBeGreaterThan(10);
    expect(Math.max(...latencies)).toBeLessThan(Math.max(250, convertMs * 0.35));
    await server.stop();
    expect(server.child.exitCode).toBe(0);
  });

  it('encodes JPEG XL and reads it back, both on the pool', async () => {
    const server = await startServer({ DATA_DIR: dataDir });
    running.push(server);
    const jxl: Preset = {
      ...thumbs,
      id: 'jxl',
      name: 'JPEG XL',
      output: { format: 'jxl', options: { ...outputFormats.jxl.defaults, effort: 1 } },
    };
    const first = await convert(
      server.url,
      { 'photo.jpg': fixture('exif-orientation/Portrait_6.jpg') },
      jxl,
    );
    expect(first.images[0]).toMatchObject({ status: 'done', outputWidth: 267 });
    const encoded = await first.output(first.images[0].id);
    const second = await convert(server.url, { 'photo.jxl': encoded }, thumbs);
    expect(second.images[0]).toMatchObject({ status: 'done', outputWidth: 267 });
    await server.stop();
  });

  it('does not keep a process alive once its jobs are done', () => {
    // BMP: the pool's cheapest job. 2 × 1 px, 24-bit.
    const bmp = Buffer.from(
      '424d3e000000000000003600000028000000020000000100000001001800000000000800000000000000' +
        '00000000000000000000000000ff00ff000000',
      'hex',
    );
    const convert = pathToFileURL(path.join(outDir, 'server/convert')).href;
    const script = `
      const { WasmPool } = await import('${convert}/wasm-pool.js');
      const { decodeOnPool } = await import('${convert}/wasm-tasks.js');
      const pool = new WasmPool({ size: 1 });
      const image = await decodeOnPool(pool, 'bmp', Buffer.from('${bmp.toString('hex')}', 'hex'));
      console.log(image.width, image.height, pool.stats().workers);
    `;
    const started = performance.now();
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.stderr).toBe('');
    // One worker still alive and idle (it would stop after 30 s), yet the process ended.
    expect(r.stdout.trim()).toBe('2 1 1');
    expect(r.status).toBe(0);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
