import { describe, expect, it } from 'vitest';
import type { FailedItems } from '../../../shared/api.js';
import {
  bearer,
  createBatch,
  fixture,
  testServer,
  uploadAll,
  waitSettled,
  type Bytes,
} from './helpers.js';

// The failed set of a batch, and retrying one file of it by hand.

const photo = fixture('exif-orientation/Landscape_1.jpg');

describe('the failed set', () => {
  it('lists failed files with their reasons and retries one of them alone', async () => {
    const server = await testServer();
    const files: Record<string, Bytes> = {
      'good.jpg': photo,
      'bad.jpg': photo.subarray(0, 4096) as Bytes,
    };
    const batch = await createBatch(server, files);
    await uploadAll(server, batch, files);
    await waitSettled(server, batch);
    const auth = { headers: bearer(batch.token) };
    const base = `/batches/${batch.batchId}`;
    const failed = (await (await server.api(`${base}/failed`, auth)).json()) as FailedItems;
    const bad = batch.items.find((i) => i.path === 'bad.jpg')!;
    expect(failed.items).toEqual([
      { id: bad.id, path: 'bad.jpg', error: expect.stringContaining('truncated'), attempts: 1 },
    ]);

    const good = batch.items.find((i) => i.path === 'good.jpg')!;
    const post = (id: string) =>
      server.api(`${base}/items/${id}/retry`, { method: 'POST', ...auth });
    expect((await post(good.id)).status).toBe(409);
    expect((await post(bad.id)).status).toBe(200);
    await waitSettled(server, batch);
    const again = (await (await server.api(`${base}/failed`, auth)).json()) as FailedItems;
    expect(again.items).toMatchObject([{ id: bad.id, attempts: 2 }]);
  });
});
