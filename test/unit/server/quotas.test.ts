import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../server/config.js';
import { fixture, testServer, thumbs } from './helpers.js';

// Per-API-key quotas: files and bytes a key may create per UTC day.

const photo = fixture('exif-orientation/Landscape_1.jpg');
const teamA = { name: 'team-a', key: 'team-a-key-0123456789', filesPerDay: 3 };
const teamB = { name: 'team-b', key: 'team-b-key-0123456789', bytesPerDay: photo.length * 2 };

function create(server: Awaited<ReturnType<typeof testServer>>, key: string, count: number) {
  return server.api('/batches', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Api-Key': key },
    body: JSON.stringify({
      preset: thumbs,
      files: Array.from({ length: count }, (_, i) => ({ path: `${i}.jpg`, size: photo.length })),
    }),
  });
}

describe('API key quotas', () => {
  it('refuses what would pass a key’s daily quota with 429 saying when it resets', async () => {
    let now = Date.parse('2026-12-02T21:30:00Z');
    const server = await testServer({ apiKeys: [teamA, teamB] }, { now: () => now });
    expect((await create(server, teamA.key, 2)).status).toBe(201);
    const refused = await create(server, teamA.key, 2);
    expect(refused.status).toBe(429);
    // 2 h 30 min to midnight UTC.
    expect(refused.headers.get('retry-after')).toBe(String(2.5 * 3600));
    const body = await refused.json();
    expect(body).toMatchObject({
      error: 'quota_exceeded',
      limit: 'filesPerDay',
      max: 3,
      used: 2,
      requested: 2,
      resetsAt: '2026-12-03T00:00:00.000Z',
    });
    expect(body.message).toContain('team-a');
    // What still fits goes through; the other key has its own count.
    expect((await create(server, teamA.key, 1)).status).toBe(201);
    expect((await create(server, teamB.key, 2)).status).toBe(201);
    const bytes = await create(server, teamB.key, 1);
    expect(bytes.status).toBe(429);
    expect(await bytes.json()).toMatchObject({ limit: 'bytesPerDay', used: photo.length * 2 });
    // A wrong key is refused before any count.
    expect((await create(server, 'not-a-key-at-all-xx', 1)).status).toBe(401);
    // A new UTC day, a new count.
    now = Date.parse('2026-12-03T00:00:01Z');
    expect((await create(server, teamA.key, 3)).status).toBe(201);
  });

  it('reads the keys from PIXPOOL_API_KEYS_FILE and refuses a bad file by name', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pixpool-keys-'));
    const file = path.join(dir, 'keys.json');
    writeFileSync(file, JSON.stringify([teamA, teamB]));
    const config = loadConfig({ HOST: '0.0.0.0', PIXPOOL_API_KEYS_FILE: file });
    expect(config.apiKeys).toEqual([teamA, teamB]);
    writeFileSync(file, JSON.stringify([{ name: 'x', key: 'short' }]));
    expect(() => loadConfig({ PIXPOOL_API_KEYS_FILE: file })).toThrow(ConfigError);
    expect(() => loadConfig({ PIXPOOL_API_KEYS_FILE: file })).toThrow(/at least 16 characters/);
  });
});
