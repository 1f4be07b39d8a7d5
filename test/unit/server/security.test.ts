import { describe, expect, it } from 'vitest';
import { bearer, createBatch, fixture, testServer, thumbs } from './helpers.js';

const jpeg = fixture('exif-orientation/Landscape_1.jpg');
const manifest = (n = 1) => ({
  preset: thumbs,
  files: Array.from({ length: n }, (_, i) => ({ path: `p/${i}.jpg`, size: jpeg.length })),
});
const batchCount = (server: Awaited<ReturnType<typeof testServer>>) =>
  (server.ctx.store.db.prepare('SELECT COUNT(*) AS n FROM batches').get() as { n: number }).n;

/** A body that yields `total` bytes in 64 KiB chunks and counts how many were pulled. */
function countingBody(total: number, fill = 0x20) {
  const chunk = new Uint8Array(64 * 1024).fill(fill);
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) return controller.close();
      pulled += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return { stream, pulled: () => pulled };
}

describe('cross-site requests', () => {
  it('answers 415 to a manifest sent as a form, multipart or text/plain, and creates nothing', async () => {
    const server = await testServer();
    const body = JSON.stringify(manifest());
    const types = [
      'text/plain',
      'text/plain;charset=UTF-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      undefined,
    ];
    for (const type of types) {
      const res = await server.api('/batches', {
        method: 'POST',
        headers: type ? { 'Content-Type': type } : {},
        body,
      });
      expect(`${type}: ${res.status}`).toBe(`${type}: 415`);
      expect(await res.json()).toMatchObject({ error: 'unsupported_media_type' });
    }
    expect(batchCount(server)).toBe(0);
    const ok = await server.api('/batches', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body,
    });
    expect(ok.status).toBe(201);
  });

  it('refuses state changes a browser marks as coming from another site', async () => {
    const server = await testServer({ corsOrigins: ['https://friend.example'] });
    const send = (headers: Record<string, string>) =>
      server.api('/batches', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify(manifest()),
      });
    for (const headers of <Record<string, string>[]>[
      { Origin: 'https://evil.example' },
      { Origin: 'null' },
      { 'Sec-Fetch-Site': 'cross-site' },
    ]) {
      const res = await send(headers);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: 'cross_origin' });
    }
    expect(batchCount(server)).toBe(0);
    // Its own pages, listed origins and clients that send no Origin (curl, scripts) may.
    expect((await send({ Origin: 'http://localhost' })).status).toBe(201);
    expect((await send({ Origin: 'https://friend.example' })).status).toBe(201);
    expect((await send({})).status).toBe(201);

    const batch = await createBatch(server, { 'a.jpg': jpeg });
    const evil = { ...bearer(batch.token), Origin: 'https://evil.example' };
    const del = await server.api(`/batches/${batch.batchId}`, { method: 'DELETE', headers: evil });
    expect(del.status).toBe(403);
    const cancel = await server.api(`/batches/${batch.batchId}/cancel`, {
      method: 'POST',
      headers: evil,
    });
    expect(cancel.status).toBe(403);
    expect(server.ctx.store.batches.get(batch.batchId)?.status).toBe('running');
  });

  it('takes a token from the URL only for reading, never for a state change', async () => {
    const server = await testServer();
    const batch = await createBatch(server, { 'a.jpg': jpeg });
    const url = `/batches/${batch.batchId}`;
    expect((await server.api(`${url}?token=${batch.token}`)).status).toBe(200);
    const res = await server.api(`${url}/cancel?token=${batch.token}`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(server.ctx.store.batches.get(batch.batchId)?.status).toBe('running');
    expect((await server.api(`${url}?token=${batch.token}`, { method: 'DELETE' })).status).toBe(
      404,
    );
    expect(server.ctx.store.batches.get(batch.batchId)).toBeDefined();
  });

  it('answers a keyless request for another host name with 421 (DNS rebinding)', async () => {
    const server = await testServer({ allowedHosts: ['pixpool.lan'] });
    const at = (host: string) => Promise.resolve(server.app.request(`http://${host}/api/health`));
    const refused = await at('rebound.example:5173');
    expect(refused.status).toBe(421);
    expect(await refused.json()).toMatchObject({ error: 'cross_origin' });
    for (const host of ['localhost:5173', '127.0.0.1:5173', '[::1]:5173', 'pixpool.lan']) {
      expect(`${host}: ${(await at(host)).status}`).toBe(`${host}: 200`);
    }
    // With an API key the server may be named anything: creating a batch needs the key.
    const keyed = await testServer({ apiKey: 'k'.repeat(32) });
    const res = await keyed.app.request('http://pixpool.example.com/api/health');
    expect(res.status).toBe(200);
  });
});

describe('the manifest size cap', () => {
  const post = (server: Awaited<ReturnType<typeof testServer>>, body: BodyInit, count?: number) =>
    server.api('/batches', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(count !== undefined && { 'X-Pixpool-Files': String(count) }),
      },
      body,
      duplex: 'half',
    } as RequestInit);

  it('refuses a one-file manifest padded to megabytes, naming the limit', async () => {
    const server = await testServer();
    const padded = JSON.stringify(manifest(1)) + ' '.repeat(5 * 1024 * 1024);
    for (const count of [undefined, 1]) {
      const res = await post(server, padded, count);
      expect(res.status).toBe(413);
      const body = await res.json();
      expect(body).toMatchObject({ error: 'limit_exceeded', limit: 'manifestBytes' });
      expect(body.max).toBeLessThan(128 * 1024);
      expect(body.message).toContain('X-Pixpool-Files');
    }
    expect(batchCount(server)).toBe(0);
  });

  it('stops reading a streamed body as soon as it passes the cap', async () => {
    const server = await testServer();
    const body = countingBody(64 * 1024 * 1024);
    const res = await post(server, body.stream, 2);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ limit: 'manifestBytes', max: 96 * 1024 });
    // Read up to the cap plus the chunk that crossed it (and one the stream had queued).
    expect(body.pulled()).toBeLessThanOrEqual(96 * 1024 + 2 * 64 * 1024);
  });

  it('allows what the declared count needs, and holds the manifest to that count', async () => {
    const server = await testServer({ maxFilesPerBatch: 100 });
    const fifty = JSON.stringify(manifest(50));
    expect((await post(server, fifty, 50)).status).toBe(201);
    const wrong = await post(server, fifty, 60);
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).message).toBe(
      'X-Pixpool-Files declares 60 files but the manifest lists 50',
    );
    const over = await post(server, fifty, 101);
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({ limit: 'maxFilesPerBatch', max: 100, received: 101 });
    const nonsense = await post(server, fifty, -3);
    expect(nonsense.status).toBe(400);
  });
});
