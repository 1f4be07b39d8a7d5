import { describe, expect, it } from 'vitest';
import {
  bearer,
  createBatch,
  fixture,
  testServer,
  thumbs,
  uploadAll,
  waitSettled,
  type Bytes,
  type CreatedBatch,
  type StatusBody,
} from './helpers.js';

// Identical inputs within a batch (same bytes, same settings) are converted once; the others
// get the same files written under their own names.

const photo = fixture('exif-orientation/Landscape_1.jpg');
const other = fixture('exif-orientation/Portrait_6.jpg');

describe('duplicates in a batch', () => {
  it('converts identical files once and gives each its own copy of the output', async () => {
    const server = await testServer();
    const files: Record<string, Bytes> = {
      'a.jpg': photo,
      'copies/a.jpg': photo,
      'copies/b.jpg': photo,
      'portrait.jpg': other,
    };
    const batch = await createBatch(server, files);
    // Everything arrives before anything runs: the copies wait for the first to convert.
    const control = (action: string) =>
      server.api(`/batches/${batch.batchId}/${action}`, {
        method: 'POST',
        headers: bearer(batch.token),
      });
    await control('pause');
    await uploadAll(server, batch, files);
    await control('resume');
    const status = await waitSettled(server, batch);
    expect(status.progress).toMatchObject({ completed: 4, failed: 0 });
    const byPath = new Map(status.images.map((i) => [i.filename, i]));
    // One conversion took time; its copies were written, not converted.
    const durations = ['a.jpg', 'copies/a.jpg', 'copies/b.jpg'].map(
      (p) => byPath.get(p)!.durationMs,
    );
    expect(durations[0]).toBeGreaterThan(0);
    expect(durations.slice(1)).toEqual([0, 0]);
    expect(byPath.get('portrait.jpg')!.durationMs).toBeGreaterThan(0);
    const outputs = await Promise.all(
      batch.items.map(async (item) => {
        const url = `/batches/${batch.batchId}/files/${item.id}/output`;
        const res = await server.api(url, { headers: bearer(batch.token) });
        return Buffer.from(await res.arrayBuffer()).toString('base64');
      }),
    );
    expect(outputs[1]).toBe(outputs[0]);
    expect(outputs[2]).toBe(outputs[0]);
    expect(outputs[3]).not.toBe(outputs[0]);
  });

  it('settles a copy that arrives after its file failed, and converts one whose settings differ', async () => {
    const server = await testServer();
    const broken = photo.subarray(0, 4096) as Bytes;
    const res = await server.api('/batches', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        name: 'Test',
        preset: thumbs,
        files: [
          { path: 'bad.jpg', size: broken.length },
          { path: 'bad-too.jpg', size: broken.length },
          { path: 'x.jpg', size: photo.length },
          // The same bytes as x.jpg, another quality: converted on its own.
          {
            path: 'y.jpg',
            size: photo.length,
            override: { output: { format: 'webp', options: { quality: 40 } } },
          },
        ],
      }),
    });
    expect(res.status).toBe(201);
    const batch = (await res.json()) as CreatedBatch;
    const put = (i: number, bytes: Bytes) =>
      server.api(`/batches/${batch.batchId}/files/${batch.items[i].id}`, {
        method: 'PUT',
        headers: bearer(batch.token),
        body: bytes,
      });
    // The bad file has failed before its copy arrives.
    await put(0, broken);
    for (;;) {
      const res = await server.api(`/batches/${batch.batchId}`, { headers: bearer(batch.token) });
      const body = (await res.json()) as StatusBody;
      if (body.images[0].status === 'failed') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await put(1, broken);
    await put(2, photo);
    await put(3, photo);
    const status = await waitSettled(server, batch);
    const byPath = new Map(status.images.map((i) => [i.filename, i]));
    expect(byPath.get('bad.jpg')!.status).toBe('failed');
    expect(byPath.get('bad-too.jpg')).toMatchObject({
      status: 'failed',
      error: byPath.get('bad.jpg')!.error,
      durationMs: 0,
    });
    expect(byPath.get('x.jpg')!.durationMs).toBeGreaterThan(0);
    expect(byPath.get('y.jpg')!.durationMs).toBeGreaterThan(0);
    expect(byPath.get('y.jpg')!.outputSize).not.toBe(byPath.get('x.jpg')!.outputSize);
  });
});
