import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startBackground } from '../../../server/context.js';
import { EmbeddedQueue } from '../../../server/queue/embedded.js';
import type { Job } from '../../../server/queue/types.js';
import { outputFormats } from '../../../shared/formats/index.js';
import type { Preset } from '../../../shared/presets/index.js';
import {
  bearer,
  createBatch,
  fixture,
  testServer,
  thumbs,
  uploadAll,
  waitSettled,
} from './helpers.js';

const photo = { 'a.jpg': fixture('exif-orientation/Landscape_1.jpg') };
/** Lets the queue's microtasks (dispatch, settle) run. */
const tick = () => new Promise((r) => setTimeout(r, 0));

// Full-size AVIF at effort 3: about a second per image here, long enough to act mid-conversion.
const slow: Preset = {
  ...thumbs,
  output: { format: 'avif', options: { ...outputFormats.avif.defaults, effort: 3 } },
  resize: { ...thumbs.resize, maxWidth: 0, maxHeight: 0 },
};

describe('the runner', () => {
  it('fails an item that takes longer than the timeout and keeps no output', async () => {
    const server = await testServer({ itemTimeoutSeconds: 0.05 });
    const batch = await createBatch(server, photo, slow);
    await uploadAll(server, batch, photo);
    const status = await waitSettled(server, batch);
    expect(status.images[0]).toMatchObject({
      status: 'failed',
      error: 'Timed out after 0.05 s; the result was discarded',
    });
    await server.ctx.queue.idle();
    expect(readdirSync(path.join(server.ctx.files.batchDir(batch.batchId), 'out'))).toEqual([]);
  });

  it('cancels a converting item at once and discards its result when it arrives', async () => {
    const server = await testServer();
    const batch = await createBatch(server, photo, slow);
    await uploadAll(server, batch, photo);
    const url = `/batches/${batch.batchId}`;
    while (server.ctx.store.items.get(batch.batchId, batch.items[0].id)?.status !== 'processing') {
      await new Promise((r) => setTimeout(r, 10));
    }
    const res = await server.api(`${url}/items/${batch.items[0].id}/cancel`, {
      method: 'POST',
      headers: bearer(batch.token),
    });
    const body = await res.json();
    expect(body.images[0].status).toBe('cancelled');
    expect(body.status).toBe('done');
    await server.ctx.queue.idle();
    expect(readdirSync(path.join(server.ctx.files.batchDir(batch.batchId), 'out'))).toEqual([]);
    const events = server.ctx.store.events.after(batch.batchId, 0);
    expect(events.some((e) => e.type === 'item' && e.data.status === 'done')).toBe(false);
  });
});

describe('a store error inside a job', () => {
  it('parks the job instead of losing it, and converts the item once the database writes again', async () => {
    const server = await testServer({}, { background: false });
    const batch = await createBatch(server, photo);
    await uploadAll(server, batch, photo);
    // Another connection holds the write lock: the runner's claim waits out busy_timeout and
    // gets SQLITE_BUSY, a real error of the real store.
    const other = new Database(server.ctx.files.database);
    other.exec('BEGIN IMMEDIATE');
    const stop = await startBackground(server.ctx);
    try {
      await expect.poll(() => server.ctx.runner.parked, { timeout: 30_000 }).toBe(1);
      expect(server.ctx.queue.running + server.ctx.queue.waiting).toBe(0);
      other.exec('COMMIT');
      const status = await waitSettled(server, batch);
      expect(status.images[0].status).toBe('done');
      expect(server.ctx.runner.parked).toBe(0);
      const events = server.ctx.store.events.after(batch.batchId, 0);
      expect(events.some((e) => e.type === 'item' && e.data.status === 'failed')).toBe(false);
    } finally {
      other.close();
      await stop();
    }
  }, 60_000);
});

describe('the embedded queue', () => {
  it('runs at most `concurrency` jobs, skips paused batches and drops cancelled waiting jobs', async () => {
    const queue = new EmbeddedQueue(2);
    const started: string[] = [];
    const release: (() => void)[] = [];
    queue.start(async (job: Job) => {
      started.push(job.itemId);
      await new Promise<void>((r) => release.push(r));
    });
    queue.pause('b2');
    for (const [batchId, itemId] of [
      ['b1', 'i1'],
      ['b2', 'i2'],
      ['b1', 'i3'],
      ['b1', 'i4'],
      ['b1', 'i4'],
    ]) {
      queue.enqueue({ batchId, itemId, attempts: 0, priority: 1 });
    }
    await tick();
    expect(started).toEqual(['i1', 'i3']);
    expect(queue.waiting).toBe(2);
    queue.cancel('i4');
    release.splice(0).forEach((r) => r());
    await tick();
    expect(started).toEqual(['i1', 'i3']);
    queue.resume('b2');
    await tick();
    expect(started).toEqual(['i1', 'i3', 'i2']);
    release.splice(0).forEach((r) => r());
    await queue.idle();
  });

  it('runs a re-queued item only after its previous run settled', async () => {
    const queue = new EmbeddedQueue(2);
    const runs: string[] = [];
    let finish!: () => void;
    queue.start(async (job) => {
      runs.push(job.itemId);
      if (runs.length === 1) await new Promise<void>((r) => (finish = r));
    });
    queue.enqueue({ batchId: 'b', itemId: 'i', attempts: 0, priority: 1 });
    await tick();
    queue.enqueue({ batchId: 'b', itemId: 'i', attempts: 0, priority: 1 });
    await tick();
    expect(runs).toEqual(['i']);
    finish();
    await queue.idle();
    expect(runs).toEqual(['i', 'i']);
  });

  it('runs the lowest priority first, in queue order within one', async () => {
    const queue = new EmbeddedQueue(1);
    const started: string[] = [];
    const release: (() => void)[] = [];
    queue.start(async (job) => {
      started.push(job.itemId);
      await new Promise<void>((r) => release.push(r));
    });
    // A batch of 10 is under way when one of a single file arrives.
    for (const itemId of ['b1', 'b2', 'b3']) {
      queue.enqueue({ batchId: 'big', itemId, attempts: 0, priority: 10 });
    }
    queue.enqueue({ batchId: 'small', itemId: 's1', attempts: 0, priority: 1 });
    for (let i = 0; i < 4; i++) {
      await tick();
      release.splice(0).forEach((r) => r());
    }
    await queue.idle();
    expect(started).toEqual(['b1', 's1', 'b2', 'b3']);
  });
});
