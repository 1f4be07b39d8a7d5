import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { targetDefaults } from '../../../shared/target/schema.js';
import { listing, unzip } from '../export/zip-helpers.js';
import {
  bearer,
  createBatch,
  fixture,
  testServer,
  thumbs,
  uploadAll,
  waitSettled,
  type TestServer,
} from './helpers.js';

const photos = {
  'trip/Landscape_3.jpg': fixture('exif-orientation/Landscape_3.jpg'),
  'trip/Portrait_6.jpg': fixture('exif-orientation/Portrait_6.jpg'),
  'trip/day2/Landscape_8.jpg': fixture('exif-orientation/Landscape_8.jpg'),
  'phone/example.heic': fixture('heif/example.heic'),
  'png/basn6a08.png': fixture('pngsuite/png/basn6a08.png'),
  'png/xcsn0g01.png': fixture('pngsuite/png/xcsn0g01.png'),
  'notes.txt': new TextEncoder().encode('not an image\n'),
};

async function output(server: TestServer, batchId: string, token: string, itemId: string) {
  const res = await server.api(`/batches/${batchId}/files/${itemId}/output`, {
    headers: bearer(token),
  });
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

describe('a batch', () => {
  it('converts every image, skips what is not one, and fails a damaged file with its reason', async () => {
    const server = await testServer();
    const batch = await createBatch(server, photos);
    expect(batch.items.map((i) => i.outputPath)).toEqual([
      'trip/Landscape_3.webp',
      'trip/Portrait_6.webp',
      'trip/day2/Landscape_8.webp',
      'phone/example.webp',
      'png/basn6a08.webp',
      'png/xcsn0g01.webp',
      'notes.webp',
    ]);
    const uploads = await uploadAll(server, batch, photos);
    expect(uploads.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 200]);
    const text = await uploads[6].json();
    expect(text).toMatchObject({ status: 'skipped', reason: 'Not an image: looks like text' });

    const status = await waitSettled(server, batch);
    expect(status.status).toBe('done');
    expect(status.progress).toMatchObject({ total: 7, completed: 5, failed: 1, skipped: 1 });
    const byName = Object.fromEntries(status.images.map((i) => [i.filename, i]));
    expect(byName['png/xcsn0g01.png'].error).toMatch(/^Could not decode PNG: the file is damaged/);

    for (const item of batch.items.slice(0, 5)) {
      const { res, bytes } = await output(server, batch.batchId, batch.token, item.id);
      expect(res.headers.get('content-type')).toBe('image/webp');
      const meta = await sharp(bytes).metadata();
      expect(meta.format).toBe('webp');
      expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(400);
      if (item.path.includes('Landscape')) expect(meta.width).toBeGreaterThan(meta.height!);
      if (item.path.includes('Portrait')) expect(meta.height).toBeGreaterThan(meta.width!);
      expect([meta.width, meta.height]).toEqual([
        byName[item.path].outputWidth,
        byName[item.path].outputHeight,
      ]);
    }
    const failed = await output(server, batch.batchId, batch.token, batch.items[5].id);
    expect(failed.res.status).toBe(404);
  });

  it('streams a ZIP with the folder tree and both reports that unzip -t accepts', async () => {
    const server = await testServer();
    const files = { 'a/x.jpg': photos['trip/Landscape_3.jpg'], 'b/y.txt': photos['notes.txt'] };
    const batch = await createBatch(server, files);
    await uploadAll(server, batch, files);
    await waitSettled(server, batch);
    const res = await server.api(`/batches/${batch.batchId}/zip`, { headers: bearer(batch.token) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toContain('Test.zip');
    const zip = path.join(mkdtempSync(path.join(tmpdir(), 'pixpool-zip-')), 'out.zip');
    writeFileSync(zip, new Uint8Array(await res.arrayBuffer()));
    expect(unzip('-t', zip).status).toBe(0);
    expect(listing(zip)).toEqual(['pixpool-report.csv', 'pixpool-report.json', 'a/x.webp']);
    const report = JSON.parse(unzip('-p', zip, 'pixpool-report.json').stdout);
    expect(report.rows.map((r: { status: string }) => r.status)).toEqual(['done', 'skipped']);
    expect(unzip('-p', zip, 'pixpool-report.csv').stdout).toMatch(/^path,status,reason/);
  });

  it('serves the report as CSV and JSON', async () => {
    const server = await testServer();
    const files = { 'x.txt': photos['notes.txt'] };
    const batch = await createBatch(server, files);
    await uploadAll(server, batch, files);
    await waitSettled(server, batch);
    const csv = await server.api(`/batches/${batch.batchId}/report.csv`, {
      headers: bearer(batch.token),
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(await csv.text()).toContain('x.txt,skipped,Not an image: looks like text');
    const json = await server.api(`/batches/${batch.batchId}/report.json?token=${batch.token}`);
    expect((await json.json()).totals.byStatus.skipped).toBe(1);
  });
});

describe('controls', () => {
  it('pauses (uploads still land, nothing converts), re-sends replace, resume finishes', async () => {
    const server = await testServer();
    const files = { 'a.jpg': photos['trip/Landscape_3.jpg'] };
    const batch = await createBatch(server, files);
    const pause = await server.api(`/batches/${batch.batchId}/pause`, {
      method: 'POST',
      headers: bearer(batch.token),
    });
    expect((await pause.json()).status).toBe('paused');
    await uploadAll(server, batch, files);
    const again = await uploadAll(server, batch, files);
    expect(await again[0].json()).toMatchObject({ status: 'pending', size: files['a.jpg'].length });
    await new Promise((r) => setTimeout(r, 200));
    const paused = await server.api(`/batches/${batch.batchId}`, { headers: bearer(batch.token) });
    expect((await paused.json()).images[0].status).toBe('pending');
    await server.api(`/batches/${batch.batchId}/resume`, {
      method: 'POST',
      headers: bearer(batch.token),
    });
    expect((await waitSettled(server, batch)).progress.completed).toBe(1);
  });

  it('cancels one item and the batch, then retry converts the cancelled ones', async () => {
    const server = await testServer();
    const files = {
      'a.jpg': photos['trip/Landscape_3.jpg'],
      'b.jpg': photos['trip/Portrait_6.jpg'],
    };
    const batch = await createBatch(server, files);
    const one = await server.api(`/batches/${batch.batchId}/items/${batch.items[0].id}/cancel`, {
      method: 'POST',
      headers: bearer(batch.token),
    });
    expect((await one.json()).images[0].status).toBe('cancelled');
    const all = await server.api(`/batches/${batch.batchId}/cancel`, {
      method: 'POST',
      headers: bearer(batch.token),
    });
    expect((await all.json()).status).toBe('cancelled');
    const refused = await uploadAll(server, batch, files);
    expect(refused[0].status).toBe(409);
    const retry = await server.api(`/batches/${batch.batchId}/retry`, {
      method: 'POST',
      headers: bearer(batch.token),
    });
    expect((await retry.json()).progress.pending).toBe(2);
    await uploadAll(server, batch, files);
    const done = await waitSettled(server, batch);
    expect([done.status, done.progress.completed]).toEqual(['done', 2]);
    const conflict = await uploadAll(server, batch, files);
    expect(conflict[0].status).toBe(409);
  });
});

describe('deleting', () => {
  it('DELETE removes the rows and every file', async () => {
    const server = await testServer();
    const files = { 'a.jpg': photos['trip/Landscape_3.jpg'] };
    const batch = await createBatch(server, files);
    await uploadAll(server, batch, files);
    await waitSettled(server, batch);
    const dir = server.ctx.files.batchDir(batch.batchId);
    expect(readdirSync(path.join(dir, 'out'))).toHaveLength(1);
    const res = await server.api(`/batches/${batch.batchId}`, {
      method: 'DELETE',
      headers: bearer(batch.token),
    });
    expect(res.status).toBe(204);
    expect(existsSync(dir)).toBe(false);
    const gone = await server.api(`/batches/${batch.batchId}`, { headers: bearer(batch.token) });
    expect(gone.status).toBe(404);
  });

  it('cleans up finished batches after the TTL and abandoned uploads after theirs', async () => {
    let now = Date.now();
    const server = await testServer(
      { batchTtlSeconds: 100, uploadTtlSeconds: 50 },
      { now: () => now },
    );
    const files = { 'a.jpg': photos['trip/Landscape_3.jpg'] };
    const finished = await createBatch(server, files);
    await uploadAll(server, finished, files);
    await waitSettled(server, finished);
    const abandoned = await createBatch(server, files);
    const dirs = [finished, abandoned].map((b) => server.ctx.files.batchDir(b.batchId));

    now += 40_000;
    expect(await server.ctx.service.cleanUp()).toBe(0);
    now += 20_000;
    expect(await server.ctx.service.cleanUp()).toBe(1);
    expect(existsSync(dirs[1])).toBe(false);
    expect(existsSync(dirs[0])).toBe(true);
    now += 50_000;
    expect(await server.ctx.service.cleanUp()).toBe(1);
    expect(existsSync(dirs[0])).toBe(false);
    expect(server.ctx.store.batches.get(finished.batchId)).toBeUndefined();
  });
});

describe('a batch with a target', () => {
  it('meets a size cap per file and says so in the status, the events and the report', async () => {
    const server = await testServer();
    const files = {
      'a.jpg': photos['trip/Landscape_3.jpg'],
      'b.jpg': photos['trip/Portrait_6.jpg'],
    };
    const preset = { ...thumbs, target: { ...targetDefaults, mode: 'size' as const, maxKB: 9 } };
    const batch = await createBatch(server, files, preset);
    await uploadAll(server, batch, files);
    const status = await waitSettled(server, batch);
    expect(status.images.map((i) => i.status)).toEqual(['done', 'done']);
    for (const image of status.images) {
      expect(image.outputSize).toBeLessThanOrEqual(9000);
      expect(image.target).toMatchObject({ scale: 1, trials: [{ format: 'webp' }] });
      expect(image.target!.quality).toBeGreaterThan(0);
    }
    const csv = await server.api(`/batches/${batch.batchId}/report.csv`, {
      headers: bearer(batch.token),
    });
    const [header, ...rows] = (await csv.text()).trim().split('\r\n');
    const column = (name: string) => header.split(',').indexOf(name);
    for (const [i, row] of rows.entries()) {
      const cells = row.split(',');
      expect(cells[column('target')]).toBe('size');
      expect(Number(cells[column('chosenQuality')])).toBe(status.images[i].target!.quality);
    }
  });
});

describe('a batch that never grows a file', () => {
  it('keeps originals under their own names and formats, in the status, the output route and the ZIP', async () => {
    const server = await testServer();
    const files = {
      'png/basn6a08.png': photos['png/basn6a08.png'],
      'a.jpg': photos['trip/Landscape_3.jpg'],
    };
    const preset = { ...thumbs, target: { ...targetDefaults, keepOriginal: true } };
    const batch = await createBatch(server, files, preset);
    await uploadAll(server, batch, files);
    const status = await waitSettled(server, batch);
    const byName = Object.fromEntries(status.images.map((i) => [i.filename, i]));
    expect(byName['png/basn6a08.png']).toMatchObject({
      status: 'done',
      outputPath: 'png/basn6a08.png',
      outputFormat: 'png',
      keptOriginal: true,
    });
    expect(byName['a.jpg']).toMatchObject({ outputPath: 'a.webp', outputFormat: 'webp' });
    const kept = await output(server, batch.batchId, batch.token, byName['png/basn6a08.png'].id);
    expect(kept.res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(kept.bytes).equals(Buffer.from(files['png/basn6a08.png']))).toBe(true);
    const res = await server.api(`/batches/${batch.batchId}/zip`, { headers: bearer(batch.token) });
    const zip = path.join(mkdtempSync(path.join(tmpdir(), 'pixpool-zip-')), 'out.zip');
    writeFileSync(zip, new Uint8Array(await res.arrayBuffer()));
    expect(listing(zip)).toEqual([
      'pixpool-report.csv',
      'pixpool-report.json',
      'png/basn6a08.png',
      'a.webp',
    ]);
  });
});
