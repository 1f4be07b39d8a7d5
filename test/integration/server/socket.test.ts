import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../../server/config.js';
import { fixture, testServer, thumbs, type TestServer } from '../../unit/server/helpers.js';
import { sseReader } from '../../unit/server/sse.js';

// The app on a real loopback socket, in this process, so its state can be inspected.

async function listen(overrides: Partial<Config> = {}): Promise<TestServer & { url: string }> {
  const server = await testServer(overrides);
  const http = serve({ fetch: server.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => http.once('listening', () => resolve()));
  const { port } = http.address() as AddressInfo;
  onTestFinishedClose(http);
  return { ...server, url: `http://127.0.0.1:${port}` };
}

const servers: { close(): void }[] = [];
function onTestFinishedClose(s: { close(): void; closeAllConnections?: () => void }) {
  servers.push({
    close: () => {
      s.closeAllConnections?.();
      s.close();
    },
  });
}

async function create(url: string, files: { path: string; size: number }[]) {
  const res = await fetch(`${url}/api/batches`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ preset: thumbs, files }),
  });
  return (await res.json()) as { batchId: string; token: string; items: { id: string }[] };
}

describe('over a real socket', () => {
  it('stops streaming events and unsubscribes when the client disconnects', async () => {
    const server = await listen({ heartbeatSeconds: 0.1 });
    const batch = await create(server.url, [{ path: 'a.jpg', size: 10 }]);
    const controller = new AbortController();
    const res = await fetch(`${server.url}/api/batches/${batch.batchId}/events`, {
      headers: { Authorization: `Bearer ${batch.token}` },
      signal: controller.signal,
    });
    const reader = sseReader(res.body!);
    expect((await reader.next())!.event).toBe('batch');
    expect(server.ctx.bus.count(batch.batchId)).toBe(1);
    controller.abort();
    const deadline = Date.now() + 5000;
    while (server.ctx.bus.count(batch.batchId) > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(server.ctx.bus.count(batch.batchId)).toBe(0);
    servers.splice(0).forEach((s) => s.close());
  });

  it('answers an oversized upload with 413 JSON the client can read', async () => {
    const server = await listen({ maxFileBytes: 300_000 });
    const jpeg = fixture('exif-orientation/Landscape_1.jpg');
    const batch = await create(server.url, [{ path: 'a.jpg', size: 300_000 }]);
    const url = `${server.url}/api/batches/${batch.batchId}/files/${batch.items[0].id}`;
    const res = await fetch(url, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${batch.token}` },
      body: jpeg,
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({
      error: 'limit_exceeded',
      limit: 'maxFileBytes',
      max: 300_000,
    });
    // A re-send within the limit is accepted: the refused attempt left nothing in the way.
    const ok = await fetch(url, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${batch.token}` },
      body: jpeg.subarray(0, 300_000),
    });
    expect(ok.status).toBe(200);
    servers.splice(0).forEach((s) => s.close());
  });

  it('stops a chunked upload at the first byte over the limit', async () => {
    const server = await listen({ maxFileBytes: 300_000 });
    const batch = await create(server.url, [{ path: 'a.jpg', size: 300_000 }]);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await new Promise((r) => setTimeout(r, 5));
        sent += 65_536;
        controller.enqueue(new Uint8Array(65_536).fill(0xff));
        if (sent >= 5_000_000) controller.close();
      },
    });
    const res = await fetch(
      `${server.url}/api/batches/${batch.batchId}/files/${batch.items[0].id}`,
      {
        method: 'PUT',
        headers: { Authorization: `Bearer ${batch.token}` },
        body,
        duplex: 'half',
      } as RequestInit,
    );
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ limit: 'maxFileBytes' });
    expect(sent).toBeLessThan(5_000_000);
    servers.splice(0).forEach((s) => s.close());
  });
});
