import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { buildPhotoTree, buildTree } from './fixture-tree.js';
import {
  addFolder,
  checkZip,
  choosePreset,
  countByStatus,
  downloadZips,
  extractZip,
  inSettings,
  items,
  openApp,
  setLadder,
  setField,
  uploadButton,
  waitForSettled,
} from './helpers.js';
import { startServer, type RunningServer } from './sync-server.js';

let servers: RunningServer[] = [];
test.afterEach(async () => {
  for (const s of servers) await s.kill();
  servers = [];
});

test('the app offloads a folder to the real server and downloads a ZIP with the same tree', async ({
  page,
}) => {
  const server = await startServer(4191);
  servers.push(server);
  const { root, files } = buildTree('offload');
  // The server serves the app too: one origin, as `npm start` runs it.
  await page.goto(server.url);
  const sent: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/batches')) sent.push(`${r.method()} ${r.url()}`);
  });
  await choosePreset(page, 'thumbnails-webp-400');
  await addFolder(page, root, files.length);
  // The page came from the server, so it offers it, in words that say what happens; nothing
  // is sent until the click.
  await expect(page.getByTestId('privacy')).toContainText('Nothing is uploaded unless you choose');
  const sendable = files.filter((f) => f.kind !== 'non-image').length;
  await expect(uploadButton(page)).toHaveText(
    `Upload ${sendable} files to ${new URL(server.url).host} and convert there`,
  );
  expect(sent).toEqual([]);
  await uploadButton(page).click();
  await expect(page.getByTestId('batch-status')).toHaveText('done', { timeout: 150_000 });
  expect(sent.filter((r) => r.startsWith('PUT')).length).toBe(sendable);

  const shown = new Map((await items(page)).map((it) => [it.path, it.status]));
  for (const f of files) {
    const want = { image: 'done', corrupt: 'failed', 'non-image': 'skipped' }[f.kind];
    expect(`${f.path}: ${shown.get(f.path)}`).toBe(`${f.path}: ${want}`);
  }
  const [zip] = await downloadZips(page);
  const names = checkZip(zip).filter((n) => n.endsWith('.webp'));
  expect(names).toHaveLength(files.filter((f) => f.kind === 'image').length);
  const dir = extractZip(zip);
  for (const n of [1, 6]) {
    const meta = await sharp(join(dir, `offload/photos/exif/Landscape_${n}.webp`)).metadata();
    expect(meta.format).toBe('webp');
    expect(meta.width).toBe(400);
    expect(meta.height).toBeLessThan(400);
  }
});

test('when the server dies mid-batch the stream reconnects after a restart and misses nothing', async ({
  page,
}) => {
  const port = 4192;
  let server = await startServer(port, undefined, { CONCURRENCY: '1' });
  servers.push(server);
  const { root, files } = buildPhotoTree('offload-restart', 2);
  await page.goto(server.url);
  await choosePreset(page, 'lossless-png');
  await addFolder(page, root, files.length);
  await uploadButton(page).click();
  await expect.poll(async () => (await countByStatus(page)).done ?? 0).toBeGreaterThanOrEqual(2);

  await server.kill();
  await expect(page.getByTestId('connection')).toHaveText(/reconnecting|lost/);
  server = await startServer(port, server.dataDir, { CONCURRENCY: '1' });
  servers.push(server);
  await expect(page.getByTestId('batch-status')).toHaveText('done', { timeout: 170_000 });
  const after = await items(page);
  expect(after.map((it) => it.path).sort()).toEqual(files.map((f) => f.path).sort());
  expect(after.every((it) => it.status === 'done')).toBe(true);
  const [zip] = await downloadZips(page);
  expect(checkZip(zip).filter((n) => n.endsWith('.png'))).toHaveLength(files.length);
});

test('when the server goes away the remaining files can convert in the browser', async ({
  page,
  baseURL,
}) => {
  // The app comes from its own static host here and talks to the server across origins, so
  // the page keeps working when the server dies.
  const server = await startServer(4193, undefined, {
    CONCURRENCY: '1',
    CORS_ORIGINS: new URL(baseURL!).origin,
  });
  servers.push(server);
  const { root, files } = buildPhotoTree('offload-fallback', 1);
  await openApp(page);
  await inSettings(page, async () => {
    // The page's own host has no server: the fields are folded away until asked for.
    await page.getByText('Connect to a Pixpool server…').click();
    await setField(page, 'server-url', server.url);
    await expect(page.getByTestId('server-state')).toHaveText('Connected');
  });
  await choosePreset(page, 'lossless-png');
  await addFolder(page, root, files.length);
  await uploadButton(page).click();
  await expect.poll(async () => (await countByStatus(page)).done ?? 0).toBeGreaterThanOrEqual(1);
  await server.kill();
  await page.getByRole('button', { name: 'Convert the rest here' }).click({ timeout: 60_000 });
  await waitForSettled(page);
  await expect(page.getByTestId('batch-status')).toHaveText('done');
  expect(await countByStatus(page)).toEqual({ done: files.length });

  // The server comes back: the app's cancel reaches it, so it does not convert again what
  // the browser already did.
  const restarted = await startServer(4193, server.dataDir, {
    CONCURRENCY: '1',
    CORS_ORIGINS: new URL(baseURL!).origin,
  });
  servers.push(restarted);
  const db = new Database(join(server.dataDir, 'pixpool.db'), { readonly: true });
  try {
    await expect
      .poll(() => (db.prepare('SELECT status FROM batches').get() as { status: string }).status)
      .toBe('cancelled');
    const counts = Object.fromEntries(
      (
        db.prepare('SELECT status, COUNT(*) AS n FROM items GROUP BY status').all() as {
          status: string;
          n: number;
        }[]
      ).map((r) => [r.status, r.n]),
    );
    expect(counts.cancelled).toBeGreaterThan(0);
    expect(counts.pending ?? 0).toBe(0);
    expect(counts.processing ?? 0).toBe(0);
  } finally {
    db.close();
  }
});

test('a size ladder converted on the server lands with every file, manifest and snippet', async ({
  page,
}) => {
  const server = await startServer(4196);
  servers.push(server);
  const { root, files } = buildPhotoTree('offload-ladder', 1);
  const some = files.filter((f) => /Landscape_[16]\.jpg$/.test(f.path));
  for (const f of files) if (!some.includes(f)) rmSync(join(root, '..', f.path));
  await page.goto(server.url);
  await choosePreset(page, 'thumbnails-webp-400');
  await page.getByRole('button', { name: 'Edit options' }).click();
  await setLadder(page, '100, 200');
  await addFolder(page, root, some.length);
  await uploadButton(page).click();
  await expect(page.getByTestId('batch-status')).toHaveText('done', { timeout: 150_000 });
  await expect(page.getByTestId('ladder-files').first()).toHaveText('4 files');

  // The ZIP comes from the browser's store: every file of the server's ladder arrived.
  const dir = extractZip((await downloadZips(page))[0]);
  for (const f of some) {
    const rel = f.path.replace(/\.jpg$/, '');
    const manifest = JSON.parse(readFileSync(join(dir, `${rel}.json`), 'utf8'));
    expect(manifest.files.map((m: { file: string }) => m.file).sort()).toEqual(
      ['100.jpg', '100.webp', '200.jpg', '200.webp'].map((end) => `${basename(rel)}-${end}`),
    );
    for (const m of manifest.files) {
      const meta = await sharp(join(dir, rel, '..', m.file)).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual([m.format, m.width, m.height]);
    }
    expect(readFileSync(join(dir, `${rel}.html`), 'utf8')).toContain('<picture>');
  }
});
