import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputFormats } from '../../../shared/formats/index.js';
import type { Preset } from '../../../shared/presets/index.js';
import { listing, unzip } from '../../unit/export/zip-helpers.js';
import { fixture, thumbs, type Bytes } from '../../unit/server/helpers.js';
import { sseReader } from '../../unit/server/sse.js';
import { compileServer, startServer, type RunningServer } from './process.js';

// A real server process: compiled with tsc, started through start.cjs, talked to over HTTP.

const dataDir = mkdtempSync(path.join(tmpdir(), 'pixpool-durability-'));
const running: RunningServer[] = [];

beforeAll(() => compileServer(), 120_000);
afterAll(async () => {
  for (const s of running) await s.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}) {
  const s = await startServer({
    DATA_DIR: dataDir,
    STATIC_DIR: path.join(dataDir, 'no-dist'),
    ...env,
  });
  running.push(s);
  return s;
}

// Slower than the thumbnails preset on purpose, so the kill lands while items are left.
const preset: Preset = {
  ...thumbs,
  id: 'durability',
  name: 'Durability',
  output: { format: 'webp', options: { ...outputFormats.webp.defaults, effort: 5 } },
  resize: { ...thumbs.resize, maxWidth: 1000, maxHeight: 1000 },
};

const names = ['Landscape', 'Portrait'].flatMap((n) =>
  [1, 2, 3, 4, 5, 6, 7, 8].map((i) => `${n}_${i}.jpg`),
);
const photos = Object.fromEntries(
  names.map((n) => [`photos/${n}`, fixture(`exif-orientation/${n}`)]),
);
const partial = fixture('exif-orientation/Landscape_0.jpg');

describe('the server process', () => {
  it('answers health and lets a kill -9 mid-batch lose nothing: the restart finishes every item once', async () => {
    let server = await start({ CONCURRENCY: '1' });
    const health = await (await fetch(`${server.url}/api/health`)).json();
    expect(health.status).toBe('ok');

    const files = [
      ...Object.entries(photos).map(([p, bytes]) => ({ path: p, size: bytes.length })),
      { path: 'late/partial.jpg', size: partial.length },
    ];
    const created = await fetch(`${server.url}/api/batches`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Durability', preset, files }),
    });
    expect(created.status).toBe(201);
    const batch = (await created.json()) as {
      batchId: string;
      token: string;
      items: { id: string; path: string }[];
    };
    const auth = { Authorization: `Bearer ${batch.token}` };
    const base = `${server.url}/api/batches/${batch.batchId}`;
    const put = (url: string, itemId: string, body: Bytes) =>
      fetch(`${url}/api/batches/${batch.batchId}/files/${itemId}`, {
        method: 'PUT',
        headers: auth,
        body,
      });

    // Upload everything while paused, then run and kill as soon as the first item is done.
    await fetch(`${base}/pause`, { method: 'POST', headers: auth });
    for (const item of batch.items.slice(0, -1)) {
      expect((await put(server.url, item.id, photos[item.path])).status).toBe(200);
    }
    const events = sseReader((await fetch(`${base}/events`, { headers: auth })).body!);
    await fetch(`${base}/resume`, { method: 'POST', headers: auth });
    // The last file is half sent when the process dies.
    const late = batch.items.at(-1)!;
    const halfSent = sendHalf(new URL(`${base}/files/${late.id}`), batch.token, partial);
    for (;;) {
      const msg = await events.next();
      if (msg?.event === 'item' && JSON.parse(msg.data!).status === 'done') break;
    }
    await halfSent;
    await server.kill();
    await events.close();

    server = await start({ CONCURRENCY: '2' });
    // The item converting at the kill goes back to pending, and the rest are queued again.
    const started = /recovered=(\d+) queued=(\d+)/.exec(server.output())!;
    expect(Number(started[1])).toBe(1);
    expect(Number(started[2])).toBeGreaterThan(1);
    // The half-sent file is simply sent again.
    expect((await put(server.url, late.id, partial)).status).toBe(200);
    const status = await waitDone(`${server.url}/api/batches/${batch.batchId}`, auth);
    expect(status.progress).toMatchObject({ total: files.length, completed: files.length });

    const out = readdirSync(path.join(dataDir, 'batches', batch.batchId, 'out'));
    expect(out.sort()).toEqual(batch.items.map((i) => i.id).sort());
    for (const item of batch.items) {
      const res = await fetch(
        `${server.url}/api/batches/${batch.batchId}/files/${item.id}/output`,
        { headers: auth },
      );
      const meta = await sharp(new Uint8Array(await res.arrayBuffer())).metadata();
      expect(meta.format).toBe('webp');
      const wide = !item.path.includes('Portrait');
      expect(wide ? meta.width! > meta.height! : meta.height! > meta.width!).toBe(true);
    }
    const zip = path.join(dataDir, 'all.zip');
    writeFileSync(
      zip,
      new Uint8Array(
        await (
          await fetch(`${server.url}/api/batches/${batch.batchId}/zip`, { headers: auth })
        ).arrayBuffer(),
      ),
    );
    expect(unzip('-t', zip).status).toBe(0);
    const entries = listing(zip).filter((n) => !n.startsWith('pixpool-report'));
    expect(entries).toHaveLength(files.length);
    expect(new Set(entries).size).toBe(files.length);
    await server.stop();
  });
});

/** Starts a PUT with the full Content-Length, sends half the bytes and leaves it hanging. */
function sendHalf(url: URL, token: string, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    const req = request(url, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${token}`, 'Content-Length': String(bytes.length) },
    });
    req.on('error', () => undefined);
    req.write(bytes.subarray(0, bytes.length >> 1), () => setTimeout(resolve, 100));
  });
}

async function waitDone(url: string, headers: Record<string, string>) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const body = await (await fetch(url, { headers })).json();
    if (body.status === 'done') return body;
    if (Date.now() > deadline) throw new Error(`not done: ${JSON.stringify(body.progress)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
