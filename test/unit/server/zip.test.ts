import { mkdtempSync, readdirSync, readlinkSync, rmSync, statSync, utimesSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { zipStream } from '../../../server/zip.js';
import { expectIntact, listing, saveTemp, tempDir, unzip } from '../export/zip-helpers.js';
import { bearer, createBatch, fixture, testServer, uploadAll, waitSettled } from './helpers.js';

const photos = {
  'café/Ωmega 照片.jpg': fixture('exif-orientation/Landscape_3.jpg'),
  'plain.jpg': fixture('exif-orientation/Portrait_6.jpg'),
  'trip/day 2/deep/IMG_0001.jpg': fixture('exif-orientation/Landscape_8.jpg'),
};
const outputs = ['café/Ωmega 照片.webp', 'plain.webp', 'trip/day 2/deep/IMG_0001.webp'];

/** A converted batch on a fresh server, and its ZIP fetched through the Hono app. */
async function convertedBatch() {
  const server = await testServer();
  const batch = await createBatch(server, photos);
  await uploadAll(server, batch, photos);
  await waitSettled(server, batch);
  const zip = (query = '') =>
    server.api(`/batches/${batch.batchId}/zip${query}`, { headers: bearer(batch.token) });
  return { server, batch, zip };
}

async function saveResponse(name: string, res: Response): Promise<string> {
  return saveTemp(name, new Uint8Array(await res.arrayBuffer()));
}

describe('GET /batches/:id/zip', () => {
  it('streams names that unzip -Z1 reads back exactly as written, reports first', async () => {
    const { zip } = await convertedBatch();
    const res = await zip();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toContain('filename="Test.zip"');
    const file = await saveResponse('server-names.zip', res);
    expectIntact(file);
    expect(listing(file)).toEqual(['pixpool-report.csv', 'pixpool-report.json', ...outputs]);
    const out = tempDir();
    expect(unzip('-q', file, '-d', out).status).toBe(0);
    for (const name of outputs) expect(statSync(path.join(out, name)).size).toBeGreaterThan(0);
  });

  it('gives each output the modification time of its file on the server', async () => {
    const { server, batch, zip } = await convertedBatch();
    // Odd seconds, years apart: DOS times have 2-second steps, so only the UTC stamp keeps them.
    const times = [
      new Date(2020, 1, 3, 4, 5, 7),
      new Date(2022, 6, 8, 9, 10, 11),
      new Date(2024, 11, 30, 23, 59, 59),
    ];
    batch.items.forEach((item, i) => {
      utimesSync(server.ctx.files.output(batch.batchId, item.id), times[i], times[i]);
    });
    const file = await saveResponse('server-times.zip', await zip());
    const out = tempDir();
    expect(unzip('-q', file, '-d', out).status).toBe(0);
    outputs.forEach((name, i) => {
      expect(statSync(path.join(out, name)).mtimeMs, name).toBe(times[i].getTime());
    });
  });

  it('answers an old client: ?part=1 is the whole archive, another part is a 404', async () => {
    const { zip } = await convertedBatch();
    const first = await zip('?part=1');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-disposition')).toContain('filename="Test.zip"');
    const file = await saveResponse('server-part1.zip', first);
    expectIntact(file);
    expect(listing(file)).toEqual(['pixpool-report.csv', 'pixpool-report.json', ...outputs]);

    const second = await zip('?part=2');
    expect(second.status).toBe(404);
    expect(await second.json()).toMatchObject({ error: 'not_found', parts: 1 });
  });
});

describe('zipStream', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pixpool-zipstream-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Whether this process holds `file` open (Linux: /proc/self/fd). */
  const isOpen = (file: string) =>
    readdirSync('/proc/self/fd').some((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`) === file;
      } catch {
        return false; // the fd readdir itself used, closed by now
      }
    });

  it('opens a file only when the consumer reaches it and closes it on cancel', async () => {
    const file = path.join(dir, 'big.bin');
    await writeFile(file, new Uint8Array(5 * 1024 * 1024));
    const stream = zipStream(
      [{ path: 'big.bin', file, size: 5 * 1024 * 1024, mtime: new Date() }],
      [{ path: 'pixpool-report.csv', data: new TextEncoder().encode('path\n') }],
    );
    const reader = stream.getReader();
    await reader.read(); // the report's local header
    await reader.read(); // the report
    await reader.read(); // big.bin's local header
    expect(isOpen(file)).toBe(false);
    const data = await reader.read();
    expect(data.value).toHaveLength(1024 * 1024);
    expect(isOpen(file)).toBe(true);
    await reader.cancel();
    expect(isOpen(file)).toBe(false);
  });
});
