import { describe, expect, it } from 'vitest';
import { jobId, jobOf } from '../../../server/queue/redis.js';
import { createBatch, fixture, testServer, uploadAll } from './helpers.js';

// The claim rules a distributed queue relies on (lifecycle.claim with `queued`): a job hands
// its item over when redelivered, and a stale one does nothing.

const photo = { 'a.jpg': fixture('exif-orientation/Landscape_1.jpg') };

async function oneUploadedItem() {
  // No background: nothing converts, the test claims by hand.
  const server = await testServer({}, { background: false });
  const batch = await createBatch(server, photo);
  await uploadAll(server, batch, photo);
  const { lifecycle, store } = server.ctx;
  const item = () => store.items.get(batch.batchId, batch.items[0].id)!;
  const claim = (queued?: number) => lifecycle.claim(batch.batchId, batch.items[0].id, queued);
  return { server, batch, item, claim };
}

describe('claims from a distributed queue', () => {
  it('lets a redelivered job take its item over, and refuses stale jobs', async () => {
    const { item, claim } = await oneUploadedItem();
    expect(claim(1)).toBeNull(); // a job queued for a later count than the item's
    expect(claim(0)?.attempts).toBe(1);
    // Redelivered (its worker died): the same job takes the item over, twice if need be.
    expect(claim(0)?.attempts).toBe(2);
    expect(claim(0)?.attempts).toBe(3);
    // A plain claim (the embedded queue) never takes over a processing item.
    expect(claim()).toBeNull();
    expect(item().status).toBe('processing');
  });

  it('fails a claimed item the queue gave up on; leaves a never-claimed one pending', async () => {
    const { server, batch, item, claim } = await oneUploadedItem();
    const { lifecycle } = server.ctx;
    const id = batch.items[0].id;
    expect(lifecycle.gaveUp(batch.batchId, id, 0, 'server unreachable')).toBe('pending');
    expect(item().status).toBe('pending');
    claim(0);
    expect(lifecycle.gaveUp(batch.batchId, id, 1, 'stalled')).toBe('stale');
    expect(lifecycle.gaveUp(batch.batchId, id, 0, 'stalled')).toBe('failed');
    expect(item()).toMatchObject({ status: 'failed' });
    expect(item().reason).toContain('stalled');
  });

  it('names a job after its run and reads the name back', () => {
    const job = { batchId: 'b-_1', itemId: 'i_-2', attempts: 3 };
    expect(jobOf(jobId(job))).toEqual(job);
    expect(jobOf('not-ours')).toBeUndefined();
    expect(jobOf('a.b.c.d')).toBeUndefined();
  });
});
