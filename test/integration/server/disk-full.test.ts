import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBackground } from '../../../server/context.js';
import {
  bearer,
  createBatch,
  fixture,
  testServer,
  uploadAll,
  waitSettled,
  type Bytes,
  type TestServer,
} from '../../unit/server/helpers.js';

// A real small filesystem: a tmpfs of 8 MiB mounted for these tests (root only).

const mountPoint = mkdtempSync(path.join(tmpdir(), 'pixpool-tmpfs-'));
const canMount =
  process.getuid?.() === 0 &&
  spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mountPoint]).status === 0;
if (!canMount) {
  console.warn(
    'disk-full tests skipped: mounting a tmpfs needs root (and mount rights in this sandbox)',
  );
}
afterAll(() => {
  if (canMount) spawnSync('umount', [mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

const photo = fixture('exif-orientation/Landscape_1.jpg');
const free = (dir: string) => {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
};
const fillers: string[] = [];
/** Writes a file that leaves `leave` bytes free on the disk of `dir`; returns its path. */
function fill(dir: string, leave: number): string {
  const file = path.join(dir, `filler-${fillers.length}`);
  fillers.push(file);
  writeFileSync(file, new Uint8Array(Math.max(0, free(dir) - leave)));
  return file;
}
// A failed test must not leave the disk full for the next one.
afterEach(() => {
  for (const file of fillers.splice(0)) rmSync(file, { force: true });
});
const tempFiles = (server: TestServer, batchId: string) =>
  ['in', 'out'].flatMap((sub) =>
    readdirSync(path.join(server.ctx.files.batchDir(batchId), sub)).filter((n) =>
      n.endsWith('.tmp'),
    ),
  );
/** A data folder of its own on the tmpfs. */
const dataDir = () => mkdtempSync(path.join(mountPoint, 'data-'));
const put = (server: TestServer, batchId: string, token: string, itemId: string, body: BodyInit) =>
  server.api(`/batches/${batchId}/files/${itemId}`, {
    method: 'PUT',
    headers: bearer(token),
    body,
    duplex: 'half',
  } as RequestInit);

describe.skipIf(!canMount)('a full data disk', () => {
  let root: string;
  beforeAll(() => {
    root = dataDir();
  });

  it('answers 507 when the disk fills mid-upload, removes the partial file and keeps earlier outputs', async () => {
    const server = await testServer({ dataDir: root });
    const files = { 'a.jpg': photo, 'b.jpg': photo };
    const batch = await createBatch(server, files);
    const [a, b] = batch.items;
    await uploadAll(server, { ...batch, items: [a] }, files);
    await server.ctx.queue.idle();
    const before = await (
      await server.api(`/batches/${batch.batchId}/files/${a.id}/output`, {
        headers: bearer(batch.token),
      })
    ).arrayBuffer();
    expect(before.byteLength).toBeGreaterThan(0);

    // The first 64 KiB arrive, then something else takes the rest of the disk.
    let filler = '';
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 64 * 1024) filler = fill(root, 16 * 1024);
        if (sent >= photo.length) return controller.close();
        const chunk = photo.subarray(sent, sent + 64 * 1024);
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const res = await put(server, batch.batchId, batch.token, b.id, body);
    expect(res.status).toBe(507);
    const error = await res.json();
    expect(error).toMatchObject({ error: 'disk_full' });
    expect(error.message).toMatch(/out of disk space/);
    expect(tempFiles(server, batch.batchId)).toEqual([]);
    expect(server.ctx.store.items.get(batch.batchId, b.id)).toMatchObject({
      status: 'pending',
      uploaded: false,
    });
    const after = await server.api(`/batches/${batch.batchId}/files/${a.id}/output`, {
      headers: bearer(batch.token),
    });
    expect(new Uint8Array(await after.arrayBuffer())).toEqual(new Uint8Array(before));

    rmSync(filler);
    expect((await put(server, batch.batchId, batch.token, b.id, photo)).status).toBe(200);
    expect((await waitSettled(server, batch)).status).toBe('done');
  });

  it('refuses batches and uploads with 507 before they start when under the watermark', async () => {
    const minFreeBytes = 2 * 1024 * 1024;
    const server = await testServer({ dataDir: dataDir(), minFreeBytes });
    const dir = server.ctx.files.dataDir;
    const batch = await createBatch(server, { 'a.jpg': photo });
    const filler = fill(dir, minFreeBytes + photo.length / 2);

    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(photo);
        controller.close();
      },
    });
    const res = await put(server, batch.batchId, batch.token, batch.items[0].id, body);
    expect(res.status).toBe(507);
    expect(await res.json()).toMatchObject({ error: 'disk_full', minFree: minFreeBytes });
    expect(readdirSync(path.join(server.ctx.files.batchDir(batch.batchId), 'in'))).toEqual([]);
    // At most what the request's stream had queued before the answer: nothing was stored.
    expect(pulled).toBeLessThanOrEqual(1);

    const big = await server.api('/batches', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        preset: (await import('../../unit/server/helpers.js')).thumbs,
        files: [{ path: 'big.jpg', size: 1024 * 1024 }],
      }),
    });
    expect(big.status).toBe(507);
    expect(await big.json()).toMatchObject({ error: 'disk_full', needed: 1024 * 1024 });

    rmSync(filler);
    expect((await uploadAll(server, batch, { 'a.jpg': photo }))[0].status).toBe(200);
  });

  it('parks a job that meets a full disk and finishes it when space returns, failing nothing', async () => {
    const server = await testServer({ dataDir: dataDir() }, { background: false });
    const dir = server.ctx.files.dataDir;
    // Two different photos: identical ones would be converted once (duplicates).
    const other = fixture('exif-orientation/Portrait_6.jpg');
    const files: Record<string, Bytes> = { 'a.jpg': photo, 'b.jpg': other };
    const batch = await createBatch(server, files);
    await uploadAll(server, batch, files);
    const filler = fill(dir, 0);
    const stop = await startBackground(server.ctx);
    try {
      // Both jobs ran into the full disk (the output, or the database's write) and wait.
      await expect.poll(() => server.ctx.runner.parked, { timeout: 20_000 }).toBe(2);
      const statuses = server.ctx.store.items.list(batch.batchId).map((i) => i.status);
      expect(statuses.every((s) => s === 'pending' || s === 'processing')).toBe(true);
      expect(server.ctx.queue.running + server.ctx.queue.waiting).toBe(0);

      rmSync(filler);
      const status = await waitSettled(server, batch, 60_000);
      expect(status.images.map((i) => i.status)).toEqual(['done', 'done']);
      expect(server.ctx.runner.parked).toBe(0);
      expect(tempFiles(server, batch.batchId)).toEqual([]);
    } finally {
      await stop();
    }
  });

  it('deletes a batch on a full disk and frees its space', async () => {
    const server = await testServer({ dataDir: dataDir() });
    const dir = server.ctx.files.dataDir;
    const files: Record<string, Bytes> = { 'a.jpg': photo, 'b.jpg': photo, 'c.jpg': photo };
    const batch = await createBatch(server, files);
    await uploadAll(server, batch, files);
    await waitSettled(server, batch);
    const filler = fill(dir, 0);
    expect(free(dir)).toBeLessThan(64 * 1024);

    const res = await server.api(`/batches/${batch.batchId}`, {
      method: 'DELETE',
      headers: bearer(batch.token),
    });
    expect(res.status).toBe(204);
    expect(free(dir)).toBeGreaterThan(3 * photo.length);
    expect(existsSync(server.ctx.files.batchDir(batch.batchId))).toBe(false);
    expect(server.ctx.store.batches.get(batch.batchId)).toBeUndefined();
    rmSync(filler);
  });
});
