import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../server/config.js';
import { bearer, createBatch, fixture, testConfig, testServer, thumbs } from './helpers.js';

const jpeg = fixture('exif-orientation/Landscape_1.jpg');
const json = { 'Content-Type': 'application/json' };
const post = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { ...json, ...headers },
  body: JSON.stringify(body),
});
const manifest = (files: { path: string; size: number }[]) => ({ preset: thumbs, files });

describe('health and capabilities', () => {
  it('reports ok with the package version', async () => {
    const server = await testServer();
    const body = await (await server.api('/health')).json();
    expect(body).toMatchObject({ status: 'ok', version: '0.1.0' });
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  it('lists formats and the configured limits', async () => {
    const server = await testServer({ maxFilesPerBatch: 7 });
    const body = await (await server.api('/capabilities')).json();
    expect(body.inputFormats).toEqual(
      expect.arrayContaining(['jpeg', 'heic', 'bmp', 'jxl', 'tiff']),
    );
    expect(body.outputFormats).toEqual(['webp', 'jpeg', 'avif', 'png', 'jxl']);
    expect(body.limits).toMatchObject({ maxFilesPerBatch: 7, maxFileBytes: 5 * 1024 * 1024 });
    expect(body.apiKeyRequired).toBe(false);
  });
});

describe('batch tokens', () => {
  it('answers 404 for a wrong or missing token, as for no batch at all', async () => {
    const server = await testServer();
    const batch = await createBatch(server, { 'a.jpg': jpeg });
    for (const headers of [{}, bearer('wrong'), bearer(batch.token + 'x')]) {
      const res = await server.api(`/batches/${batch.batchId}`, { headers });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: 'not_found' });
    }
    const other = await server.api(`/batches/AAAAAAAAAAAAAAAAAAAAAA`, {
      headers: bearer(batch.token),
    });
    expect(other.status).toBe(404);
    const ok = await server.api(`/batches/${batch.batchId}?token=${batch.token}`);
    expect(ok.status).toBe(200);
  });

  it('stores only the token hash', async () => {
    const server = await testServer();
    const batch = await createBatch(server, { 'a.jpg': jpeg });
    const row = server.ctx.store.db.prepare('SELECT * FROM batches').get() as Record<
      string,
      string
    >;
    expect(JSON.stringify(row)).not.toContain(batch.token);
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('limits', () => {
  it('413s a manifest over maxFilesPerBatch, maxFileBytes or maxBatchBytes, naming the limit', async () => {
    const server = await testServer({
      maxFilesPerBatch: 2,
      maxFileBytes: 1000,
      maxBatchBytes: 1500,
    });
    const cases = [
      {
        files: [1, 1, 1].map((size, i) => ({ path: `${i}.jpg`, size })),
        limit: 'maxFilesPerBatch',
        max: 2,
        received: 3,
      },
      { files: [{ path: 'a.jpg', size: 1001 }], limit: 'maxFileBytes', max: 1000, received: 1001 },
      {
        files: [
          { path: 'a.jpg', size: 900 },
          { path: 'b.jpg', size: 900 },
        ],
        limit: 'maxBatchBytes',
        max: 1500,
        received: 1800,
      },
    ];
    for (const { files, ...expected } of cases) {
      const res = await server.api('/batches', post(manifest(files)));
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ error: 'limit_exceeded', ...expected });
    }
  });

  it('400s an invalid manifest with messages naming each problem', async () => {
    const server = await testServer();
    const res = await server.api(
      '/batches',
      post({ preset: { ...thumbs, output: { format: 'gif' } }, files: [{ path: '', size: -1 }] }),
    );
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error).toBe('invalid_manifest');
    expect(body.messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining('files[0].path'),
        expect.stringContaining('files[0].size'),
        expect.stringContaining(
          'preset: Expected one of webp, jpeg, avif, png, jxl for output.format',
        ),
      ]),
    );
    const notJson = await server.api('/batches', { method: 'POST', headers: json, body: '{' });
    expect(notJson.status).toBe(400);
  });

  it('413s an upload larger than declared, from Content-Length or while streaming', async () => {
    const server = await testServer();
    const batch = await createBatch(server, { 'a.jpg': jpeg.subarray(0, 1000) });
    const url = `/batches/${batch.batchId}/files/${batch.items[0].id}`;
    const declared = await server.api(url, {
      method: 'PUT',
      headers: bearer(batch.token),
      body: jpeg.subarray(0, 2000),
    });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({
      limit: 'declaredSize',
      max: 1000,
      received: 2000,
    });
    // No Content-Length: a stream of 64 KiB chunks, stopped at the first byte over.
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 65536;
        controller.enqueue(new Uint8Array(65536));
        if (sent > 1_000_000) controller.close();
      },
    });
    const streamed = await server.api(url, {
      method: 'PUT',
      headers: bearer(batch.token),
      body,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(sent).toBeLessThan(1_000_000);
    const status = await (
      await server.api(`/batches/${batch.batchId}`, { headers: bearer(batch.token) })
    ).json();
    expect(status.images[0]).toMatchObject({ status: 'pending', uploaded: false });
  });

  it('413s an upload over maxFileBytes', async () => {
    const server = await testServer({ maxFileBytes: 100_000 });
    const batch = await createBatch(server, { 'a.jpg': jpeg.subarray(0, 100_000) });
    const res = await server.api(`/batches/${batch.batchId}/files/${batch.items[0].id}`, {
      method: 'PUT',
      headers: { ...bearer(batch.token), 'Content-Length': '200000' },
      body: jpeg.subarray(0, 200_000),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ limit: 'maxFileBytes', max: 100_000 });
  });

  it('400s an upload shorter than declared and keeps the item waiting for a re-send', async () => {
    const server = await testServer();
    const batch = await createBatch(server, { 'a.jpg': jpeg });
    const res = await server.api(`/batches/${batch.batchId}/files/${batch.items[0].id}`, {
      method: 'PUT',
      headers: bearer(batch.token),
      body: jpeg.subarray(0, 5000),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: 'incomplete_upload',
      expected: jpeg.length,
      received: 5000,
    });
  });

  it('rate-limits batch creation per address with 429 and Retry-After', async () => {
    const server = await testServer({ rateLimitPerMinute: 2 });
    const body = manifest([{ path: 'a.jpg', size: 10 }]);
    expect((await server.api('/batches', post(body))).status).toBe(201);
    expect((await server.api('/batches', post(body))).status).toBe(201);
    const limited = await server.api('/batches', post(body));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({
      error: 'rate_limited',
      limit: 'rateLimitPerMinute',
    });
  });
});

describe('API key', () => {
  const key = 'k'.repeat(32);

  it('is required to create batches when configured', async () => {
    const server = await testServer({ apiKey: key });
    const body = manifest([{ path: 'a.jpg', size: 10 }]);
    expect((await server.api('/batches', post(body))).status).toBe(401);
    expect((await server.api('/batches', post(body, { 'X-Api-Key': 'nope' }))).status).toBe(401);
    expect((await server.api('/batches', post(body, { 'X-Api-Key': key }))).status).toBe(201);
    expect((await (await server.api('/capabilities')).json()).apiKeyRequired).toBe(true);
  });

  it('must be set before binding beyond loopback', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(ConfigError);
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/PIXPOOL_API_KEY must be set/);
    expect(loadConfig({ HOST: '0.0.0.0', PIXPOOL_API_KEY: key }).apiKey).toBe(key);
    expect(loadConfig({ HOST: '::1' }).host).toBe('::1');
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(
      'Expected integer between 0 and 65535 for PORT',
    );
  });
});

describe('CORS', () => {
  it('answers only the configured origins, with the headers the app sends', async () => {
    const server = await testServer({ corsOrigins: ['https://app.example'] });
    const preflight = await server.api('/batches', {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://app.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-api-key',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const allowed = preflight.headers.get('access-control-allow-headers')!.toLowerCase();
    for (const h of ['authorization', 'x-api-key', 'last-event-id', 'content-type']) {
      expect(allowed).toContain(h);
    }
    const other = await server.api('/health', { headers: { Origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const none = await testServer();
    const noCors = await none.api('/health', { headers: { Origin: 'https://app.example' } });
    expect(noCors.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the built app', () => {
  it('serves dist/ with the right types, no-cache for sw.js and an SPA fallback', async () => {
    const config = testConfig();
    const dist = path.join(config.dataDir, 'dist');
    mkdirSync(path.join(dist, 'assets'), { recursive: true });
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Pixpool</title>');
    writeFileSync(path.join(dist, 'sw.js'), 'self.x = 1;');
    writeFileSync(path.join(dist, 'manifest.webmanifest'), '{}');
    writeFileSync(
      path.join(dist, 'assets', 'codec-abc123.wasm'),
      new Uint8Array([0, 0x61, 0x73, 0x6d]),
    );
    const server = await testServer({ staticDir: dist });
    const get = (p: string) => Promise.resolve(server.app.request(p));

    const index = await get('/');
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toContain('Pixpool');
    const sw = await get('/sw.js');
    expect(sw.headers.get('cache-control')).toBe('no-cache');
    expect(sw.headers.get('content-type')).toContain('text/javascript');
    expect((await get('/manifest.webmanifest')).headers.get('content-type')).toBe(
      'application/manifest+json',
    );
    const wasm = await get('/assets/codec-abc123.wasm');
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(wasm.headers.get('cache-control')).toContain('immutable');
    expect(await (await get('/history')).text()).toContain('Pixpool');
    expect((await get('/missing.png')).status).toBe(404);
    for (const escape of ['/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd']) {
      // Never a file outside dist/: at most the app's index.html.
      expect(await (await get(escape)).text()).not.toContain('root:');
    }
    const api = await get('/api/nope');
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: 'not_found' });
  });
});
