import { describe, expect, it } from 'vitest';
import { bearer, createBatch, fixture, testServer, uploadAll, waitSettled } from './helpers.js';
import { sseReader, type SseMessage } from './sse.js';

const files = {
  'a.jpg': fixture('exif-orientation/Landscape_1.jpg'),
  'b.jpg': fixture('exif-orientation/Portrait_6.jpg'),
  'c.png': fixture('pngsuite/png/xcsn0g01.png'),
  'd.txt': new TextEncoder().encode('hello\n'),
};
const final = new Set(['done', 'failed', 'skipped', 'cancelled']);

/** Reads messages until a `batch` event says done; returns the events (comments dropped). */
async function untilDone(reader: ReturnType<typeof sseReader>): Promise<SseMessage[]> {
  const out: SseMessage[] = [];
  for (;;) {
    const msg = await reader.next();
    if (!msg) throw new Error('stream ended early');
    if (msg.comment !== undefined && msg.event === undefined) continue;
    out.push(msg);
    if (msg.event === 'batch' && JSON.parse(msg.data!).status === 'done') return out;
  }
}

describe('server-sent events', () => {
  it('deliver every item’s final event, with increasing ids', async () => {
    const server = await testServer();
    const batch = await createBatch(server, files);
    const res = await server.api(`/batches/${batch.batchId}/events`, {
      headers: bearer(batch.token),
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = sseReader(res.body!);
    await uploadAll(server, batch, files);
    const events = await untilDone(reader);
    await reader.close();
    const ids = events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    const finals = new Map<string, string>();
    for (const e of events.filter((e) => e.event === 'item')) {
      const data = JSON.parse(e.data!);
      if (final.has(data.status)) finals.set(data.id, data.status);
    }
    expect([...finals.values()].sort()).toEqual(['done', 'done', 'failed', 'skipped']);
    const done = events.filter((e) => e.event === 'item' && JSON.parse(e.data!).status === 'done');
    expect(JSON.parse(done[0].data!)).toMatchObject({
      outputWidth: expect.any(Number),
      outputSize: expect.any(Number),
    });
  });

  it('a reconnect with Last-Event-ID misses nothing and repeats nothing', async () => {
    const server = await testServer();
    const batch = await createBatch(server, files);
    const first = sseReader(
      (await server.api(`/batches/${batch.batchId}/events`, { headers: bearer(batch.token) }))
        .body!,
    );
    await uploadAll(server, batch, files);
    const seen: SseMessage[] = [];
    for (let i = 0; i < 3; i++) seen.push((await first.next())!);
    await first.close();

    const lastId = seen[seen.length - 1].id!;
    const second = sseReader(
      (
        await server.api(`/batches/${batch.batchId}/events`, {
          headers: { ...bearer(batch.token), 'Last-Event-ID': lastId },
        })
      ).body!,
    );
    const rest = await untilDone(second);
    await second.close();
    const got = [...seen, ...rest].map((e) => Number(e.id));
    const stored = server.ctx.store.events.after(batch.batchId, 0).map((e) => e.seq);
    expect(got).toEqual(stored);

    // The query form, for EventSource polyfills that cannot set headers.
    const third = sseReader(
      (
        await server.api(
          `/batches/${batch.batchId}/events?token=${batch.token}&lastEventId=${stored.at(-2)}`,
        )
      ).body!,
    );
    expect(Number((await third.next())!.id)).toBe(stored.at(-1));
    await third.close();
  });

  it('sends a ping comment when idle and unsubscribes when the client goes away', async () => {
    const server = await testServer({ heartbeatSeconds: 0.05 });
    const batch = await createBatch(server, { 'a.jpg': files['a.jpg'] });
    const res = await server.api(`/batches/${batch.batchId}/events`, {
      headers: bearer(batch.token),
    });
    const reader = sseReader(res.body!);
    expect((await reader.next())!.event).toBe('batch');
    expect((await reader.next())!.comment).toBe('ping');
    expect(server.ctx.bus.count(batch.batchId)).toBe(1);
    await reader.close();
    await new Promise((r) => setTimeout(r, 200));
    expect(server.ctx.bus.count(batch.batchId)).toBe(0);
  });

  it('ends the stream when the batch is deleted', async () => {
    const server = await testServer();
    const batch = await createBatch(server, { 'a.jpg': files['a.jpg'] });
    const reader = sseReader(
      (await server.api(`/batches/${batch.batchId}/events`, { headers: bearer(batch.token) }))
        .body!,
    );
    expect((await reader.next())!.event).toBe('batch');
    await server.api(`/batches/${batch.batchId}`, {
      method: 'DELETE',
      headers: bearer(batch.token),
    });
    expect(await reader.next(5000)).toBeNull();
  });

  it('are refused without the token', async () => {
    const server = await testServer();
    const batch = await createBatch(server, { 'a.jpg': files['a.jpg'] });
    expect((await server.api(`/batches/${batch.batchId}/events`)).status).toBe(404);
    await uploadAll(server, batch, { 'a.jpg': files['a.jpg'] });
    await waitSettled(server, batch);
  });
});
