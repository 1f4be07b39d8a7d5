import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  webhookDeliveryHeader,
  webhookSignatureHeader,
  type WebhookPayload,
} from '../../../shared/api.js';
import { webhookAttempts } from '../../../server/webhooks/sender.js';
import {
  fixture,
  testServer,
  thumbs,
  uploadAll,
  waitSettled,
  type CreatedBatch,
} from './helpers.js';

// Completion webhooks against a real HTTP receiver on loopback, which checks each signature
// as docs/API.md tells a receiver to.

const secret = 'a-webhook-secret-of-some-length';
const photo = fixture('exif-orientation/Landscape_1.jpg');

interface Received {
  delivery: string;
  body: string;
  signatureValid: boolean;
}

const receivers: Server[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await new Promise((done) => r.close(done));
});

/** A receiver answering each POST with the next of `statuses` (the last one repeats). */
async function receiver(statuses: number[]): Promise<{ url: string; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const header = String(req.headers[webhookSignatureHeader.toLowerCase()] ?? '');
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) ?? [];
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    const fresh = Math.abs(Date.now() / 1000 - Number(t)) < 300;
    got.push({
      delivery: String(req.headers[webhookDeliveryHeader.toLowerCase()]),
      body,
      signatureValid: v1 === expected && fresh,
    });
    res.writeHead(statuses[Math.min(got.length, statuses.length) - 1]).end();
  });
  receivers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/hook`, got };
}

async function batchWithWebhook(
  server: Awaited<ReturnType<typeof testServer>>,
  webhook: unknown,
): Promise<Response> {
  return server.api('/batches', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      name: 'Holiday',
      preset: thumbs,
      files: [{ path: 'trip/a.jpg', size: photo.length }],
      webhook,
    }),
  });
}

describe('completion webhooks', () => {
  it('are signed, retried with backoff until answered 2xx, and name no file unless asked', async () => {
    const hook = await receiver([500, 200]);
    const server = await testServer({ webhookHosts: ['127.0.0.1'], webhookRetryMs: 50 });
    const res = await batchWithWebhook(server, { url: hook.url, secret });
    expect(res.status).toBe(201);
    const batch = (await res.json()) as CreatedBatch;
    await uploadAll(server, batch, { 'trip/a.jpg': photo });
    await waitSettled(server, batch);
    await expect.poll(() => hook.got.length, { timeout: 10_000 }).toBe(2);
    expect(hook.got.every((g) => g.signatureValid)).toBe(true);
    expect(new Set(hook.got.map((g) => g.delivery)).size).toBe(1);
    const payload = JSON.parse(hook.got[1].body) as WebhookPayload;
    expect(payload).toMatchObject({ event: 'batch.finished', batchId: batch.batchId });
    expect(payload.status).toBe('done');
    expect(payload.progress).toMatchObject({ total: 1, completed: 1 });
    expect(hook.got[1].body).not.toContain('a.jpg');
    expect(hook.got[1].body).not.toContain('Holiday');
    // Delivered: nothing more is sent.
    await new Promise((r) => setTimeout(r, 500));
    expect(hook.got).toHaveLength(2);
  });

  it('lists the files when asked, and gives a delivery up after its last try', async () => {
    const hook = await receiver([503]);
    const server = await testServer({ webhookHosts: ['*'], webhookRetryMs: 5 });
    const res = await batchWithWebhook(server, { url: hook.url, secret, includeNames: true });
    const batch = (await res.json()) as CreatedBatch;
    await uploadAll(server, batch, { 'trip/a.jpg': photo });
    await waitSettled(server, batch);
    await expect.poll(() => hook.got.length, { timeout: 20_000 }).toBe(webhookAttempts);
    const payload = JSON.parse(hook.got[0].body) as WebhookPayload;
    expect(payload.name).toBe('Holiday');
    expect(payload.files).toEqual([
      { path: 'trip/a.jpg', status: 'done', outputPath: 'trip/a.webp' },
    ]);
    const id = hook.got[0].delivery;
    await expect
      .poll(() => server.ctx.store.deliveries.get(id)?.status, { timeout: 5_000 })
      .toBe('gave_up');
    expect(server.ctx.store.deliveries.get(id)).toMatchObject({ lastError: 'answered 503' });
  });

  it('refuses a webhook to a host the server does not allow', async () => {
    const server = await testServer({ webhookHosts: ['hooks.example.com'] });
    const res = await batchWithWebhook(server, { url: 'http://10.0.0.1/x', secret });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toContain('sends no webhooks to 10.0.0.1');
    const short = await batchWithWebhook(server, { url: 'http://hooks.example.com/', secret: 'x' });
    expect((await short.json()).message).toContain('webhook.secret of 16 to 256');
  });
});
