import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { createApp } from '../../../server/app.js';
import type { Config } from '../../../server/config.js';
import { createContext, startBackground, type ServerContext } from '../../../server/context.js';
import { silentLog } from '../../../server/log.js';
import type { BatchStatusBody, CreatedBatch } from '../../../shared/api.js';
import { builtInPresets, type Preset } from '../../../shared/presets/index.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const fixtures = path.resolve(repoRoot, '../shared/fixtures');

/** A fixture's bytes. */
export const fixture = (relative: string): Bytes =>
  new Uint8Array(readFileSync(path.join(fixtures, relative)));

/** File contents as fetch and Request take them. */
export type Bytes = Uint8Array<ArrayBuffer>;

/** WebP at 400 px: small enough to keep the suite fast on two cores. */
export const thumbs: Preset = builtInPresets.find((p) => p.id === 'thumbnails-webp-400')!;

/** A configuration for tests: a fresh data folder, no static app, small limits. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pixpool-server-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  return {
    port: 0,
    host: '127.0.0.1',
    dataDir,
    staticDir: path.join(dataDir, 'no-dist'),
    apiKey: undefined,
    corsOrigins: [],
    allowedHosts: [],
    maxFilesPerBatch: 100,
    maxFileBytes: 5 * 1024 * 1024,
    maxBatchBytes: 50 * 1024 * 1024,
    maxInputPixels: 0x3fff * 0x3fff,
    minFreeBytes: 0,
    batchTtlSeconds: 3600,
    uploadTtlSeconds: 3600,
    rateLimitPerMinute: 0,
    concurrency: 2,
    itemTimeoutSeconds: 60,
    cleanupIntervalSeconds: 3600,
    heartbeatSeconds: 15,
    ...overrides,
  };
}

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

export interface TestServer {
  ctx: ServerContext;
  app: ReturnType<typeof createApp>;
  /** app.request with the path under /api. */
  api(path: string, init?: RequestInit): Promise<Response>;
}

/** The whole server over a temporary data folder, without a socket; stopped after the test. */
export async function testServer(
  overrides: Partial<Config> = {},
  options: { now?: () => number; background?: boolean } = {},
): Promise<TestServer> {
  const config = testConfig(overrides);
  const ctx = createContext(config, { log: silentLog, now: options.now });
  const stop = options.background === false ? async () => {} : await startBackground(ctx);
  cleanups.push(async () => {
    await stop();
    ctx.store.close();
  });
  const app = createApp(ctx);
  return { ctx, app, api: (p, init) => Promise.resolve(app.request(`/api${p}`, init)) };
}

export type { CreatedBatch } from '../../../shared/api.js';

/** POSTs a manifest for `files` (path → bytes) and returns the created batch. */
export async function createBatch(
  server: Pick<TestServer, 'api'>,
  files: Record<string, Bytes>,
  preset: Preset = thumbs,
  headers: Record<string, string> = {},
): Promise<CreatedBatch> {
  const res = await server.api('/batches', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({
      name: 'Test',
      preset,
      files: Object.entries(files).map(([p, bytes]) => ({ path: p, size: bytes.length })),
    }),
  });
  if (res.status !== 201) throw new Error(`POST /batches: ${res.status} ${await res.text()}`);
  return (await res.json()) as CreatedBatch;
}

/** Authorization header for a batch. */
export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** PUTs every file of a batch created by createBatch. */
export async function uploadAll(
  server: Pick<TestServer, 'api'>,
  batch: CreatedBatch,
  files: Record<string, Bytes>,
): Promise<Response[]> {
  const out: Response[] = [];
  for (const item of batch.items) {
    const res = await server.api(`/batches/${batch.batchId}/files/${item.id}`, {
      method: 'PUT',
      headers: bearer(batch.token),
      body: files[item.path],
    });
    out.push(res);
  }
  return out;
}

/** Polls the status until the batch leaves running, or fails after `ms`. */
export async function waitSettled(
  server: Pick<TestServer, 'api'>,
  batch: CreatedBatch,
  ms = 60_000,
): Promise<StatusBody> {
  const deadline = Date.now() + ms;
  for (;;) {
    const res = await server.api(`/batches/${batch.batchId}`, { headers: bearer(batch.token) });
    const body = (await res.json()) as StatusBody;
    if (body.status !== 'running') return body;
    if (Date.now() > deadline)
      throw new Error(`batch still running: ${JSON.stringify(body.progress)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The status body as the contract declares it (shared/api.ts). */
export type StatusBody = BatchStatusBody;
