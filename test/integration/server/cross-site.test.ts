import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { thumbs } from '../../unit/server/helpers.js';
import { compileServer, startServer, type RunningServer } from './process.js';

// The compiled server on a loopback socket, asked the way another web page (or a rebinding
// DNS name) would ask it: raw HTTP, so Host, Origin and Content-Length are exactly as sent.

const dataDir = mkdtempSync(path.join(tmpdir(), 'pixpool-cross-site-'));
let server: RunningServer;

beforeAll(async () => {
  compileServer();
  server = await startServer({ DATA_DIR: dataDir, STATIC_DIR: path.join(dataDir, 'no-dist') });
}, 120_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Sends a request with exactly these headers. With `partial`, only those bytes of the body
 * are sent and the request is left open: the answer must come without the rest.
 */
function send(
  method: string,
  headers: Record<string, string>,
  body = '',
  partial?: string,
): Promise<Answer> {
  const url = new URL(`${server.url}/api/batches`);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method, headers },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode!, body: JSON.parse(text || '{}') });
        });
      },
    );
    req.on('error', reject);
    if (partial !== undefined) req.write(partial);
    else req.end(body);
  });
}

const manifest = JSON.stringify({ preset: thumbs, files: [{ path: 'a.jpg', size: 10 }] });
const json = { 'Content-Type': 'application/json' };

describe('the server on loopback, asked by other web pages', () => {
  it('answers 415 to the bodies a page may send without a preflight', async () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const res = await send('POST', { 'Content-Type': type }, manifest);
      expect(`${type}: ${res.status} ${res.body.error}`).toBe(
        `${type}: 415 unsupported_media_type`,
      );
    }
  });

  it('refuses a JSON post from another origin, and a request for another host name', async () => {
    const evil = await send('POST', { ...json, Origin: 'https://evil.example' }, manifest);
    expect([evil.status, evil.body.error]).toEqual([403, 'cross_origin']);
    const host = new URL(server.url).host;
    const rebound = await send('POST', { ...json, Host: 'rebound.example' }, manifest);
    expect([rebound.status, rebound.body.error]).toEqual([421, 'cross_origin']);
    const own = await send('POST', { ...json, Origin: `http://${host}` }, manifest);
    expect(own.status).toBe(201);
  });

  it('answers 413 to an oversized manifest from its Content-Length, before the body is sent', async () => {
    const res = await send(
      'POST',
      { ...json, 'X-Pixpool-Files': '1', 'Content-Length': String(50 * 1024 * 1024) },
      '',
      manifest,
    );
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: 'limit_exceeded', limit: 'manifestBytes' });
  });
});
