import { expect, test, type Page } from '@playwright/test';
import sharp from 'sharp';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTree, sharedFixtures } from './fixture-tree.js';
import {
  addFolder,
  checkZip,
  choosePreset,
  downloadZips,
  items,
  openApp,
  waitForSettled,
} from './helpers.js';

/** Loads the app and waits until its service worker has precached everything and controls it. */
async function loadControlled(page: Page): Promise<void> {
  await openApp(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

const photo = (n: number) => join(sharedFixtures, `exif-orientation/Landscape_${n}.jpg`);

test('after one visit the app loads and converts a folder with the network gone', async ({
  page,
  context,
}) => {
  const { root, files } = buildTree('offline');
  await loadControlled(page);
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByLabel('Add folder')).toBeAttached();
  // Nothing may come from the network now: a request that is not served by the service
  // worker fails, and the conversion (workers, wasm, the HEIC decoder) must still complete.
  await choosePreset(page, 'thumbnails-webp-400');
  await addFolder(page, root, files.length);
  await page.getByRole('button', { name: 'Convert' }).click();
  await waitForSettled(page);
  const statuses = new Map((await items(page)).map((it) => [it.path, it.status]));
  for (const f of files.filter((f) => f.kind === 'image'))
    expect(statuses.get(f.path), f.path).toBe('done');
  const [zip] = await downloadZips(page);
  expect(checkZip(zip).filter((n) => n.endsWith('.webp'))).toHaveLength(
    files.filter((f) => f.kind === 'image').length,
  );
});

test('the built manifest has the required fields and icons of the declared sizes', async ({
  page,
  request,
}) => {
  await openApp(page);
  const href = await page.locator('link[rel=manifest]').getAttribute('href');
  expect(href).toBeTruthy();
  const res = await request.get(href!);
  expect(res.ok()).toBe(true);
  const m = await res.json();
  for (const key of [
    'name',
    'short_name',
    'description',
    'start_url',
    'theme_color',
    'background_color',
  ]) {
    expect(typeof m[key], key).toBe('string');
    expect(m[key].length, key).toBeGreaterThan(0);
  }
  expect(m.display).toBe('standalone');
  const check = async (entries: { src: string; sizes: string }[]) => {
    for (const e of entries) {
      const file = await request.get(e.src);
      expect(file.ok(), e.src).toBe(true);
      const meta = await sharp(await file.body()).metadata();
      expect(`${meta.width}x${meta.height}`, e.src).toBe(e.sizes);
    }
  };
  await check(m.icons);
  await check(m.screenshots);
  const sizes = m.icons.map((i: { sizes: string }) => i.sizes);
  expect(sizes).toContain('192x192');
  expect(sizes).toContain('512x512');
  expect(m.icons.some((i: { purpose?: string }) => i.purpose?.includes('maskable'))).toBe(true);
  expect(m.file_handlers[0].accept['image/jpeg']).toContain('.jpg');
  expect(m.file_handlers[0].accept['image/heic']).toContain('.heic');
  expect(m.file_handlers[0].accept['image/tiff']).toEqual(['.tif', '.tiff']);
  expect(m.share_target.params.files[0].accept).toContain('image/tiff');
  expect(m.share_target).toMatchObject({ method: 'POST', enctype: 'multipart/form-data' });
});

test('a waiting service worker shows "Update available — reload" and never reloads by itself', async ({
  page,
}) => {
  await loadControlled(page);
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
  // A second script URL on the same scope installs a new worker that waits behind the
  // current one, exactly as a new deploy's sw.js does.
  await page.evaluate(() => navigator.serviceWorker.register('/sw.js?next=1'));
  const prompt = page.getByText('Update available');
  await expect(prompt).toBeVisible();
  await page.waitForTimeout(1500);
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);

  await prompt.getByRole('button', { name: 'reload' }).click();
  await page.waitForFunction(() => (window as unknown as { marker?: number }).marker === undefined);
  await expect(page.getByLabel('Add files')).toBeAttached();
  // The reloaded page is under a service worker again. (Which one is not asserted: the stand-in
  // update has another script URL, so the app's own register('/sw.js') queues yet another.)
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
});

test('files the OS opens with Pixpool arrive through launchQueue and convert', async ({ page }) => {
  // Chromium gives launchQueue only to installed apps; this stands in for the browser's half
  // and hands the page real FileSystemFileHandles, as a launch does.
  await page.addInitScript(() => {
    // Chromium defines window.launchQueue as a getter (it only delivers to installed apps).
    Object.defineProperty(window, 'launchQueue', {
      configurable: true,
      value: {
        setConsumer(consumer: unknown) {
          (window as unknown as { launchConsumer: unknown }).launchConsumer = consumer;
        },
      },
    });
  });
  await openApp(page);
  await choosePreset(page, 'thumbnails-webp-400');
  await page.waitForFunction(() => 'launchConsumer' in window);
  const payload = [1, 6].map((n) => ({
    name: `opened-${n}.jpg`,
    b64: readFileSync(photo(n)).toString('base64'),
  }));
  await page.evaluate(async (files) => {
    const root = await navigator.storage.getDirectory();
    const handles: FileSystemFileHandle[] = [];
    for (const f of files) {
      const h = await root.getFileHandle(f.name, { create: true });
      const w = await h.createWritable();
      await w.write(Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0)));
      await w.close();
      handles.push(h);
    }
    const consumer = (window as unknown as { launchConsumer: (p: unknown) => Promise<void> })
      .launchConsumer;
    await consumer({ files: handles });
  }, payload);
  await expect(page.getByTestId('item')).toHaveCount(2);
  await page.getByRole('button', { name: 'Convert' }).click();
  await waitForSettled(page);
  expect((await items(page)).map((it) => `${it.path}: ${it.status}`).sort()).toEqual([
    'opened-1.jpg: done',
    'opened-6.jpg: done',
  ]);
});

test('images shared from another app are POSTed to the service worker and open in the queue', async ({
  page,
}) => {
  await loadControlled(page);
  // What the OS share sheet does: a multipart POST navigation to the manifest's share_target.
  await page.evaluate(() => {
    const form = document.createElement('form');
    form.method = 'post';
    form.enctype = 'multipart/form-data';
    form.action = '/share-target';
    form.id = 'share';
    const input = document.createElement('input');
    input.type = 'file';
    input.name = 'images';
    input.multiple = true;
    form.append(input);
    document.body.append(form);
  });
  await page.locator('#share input').setInputFiles([photo(2), photo(3)]);
  await Promise.all([
    page.waitForURL(/\/\?shared=2$/),
    page.evaluate(() => (document.getElementById('share') as HTMLFormElement).submit()),
  ]);
  await expect(page.getByTestId('item')).toHaveCount(2);
  await expect(page.getByText('Added 2 shared files')).toBeVisible();
  expect((await items(page)).map((it) => it.path).sort()).toEqual([
    'Landscape_2.jpg',
    'Landscape_3.jpg',
  ]);
  await page.getByRole('button', { name: 'Convert' }).click();
  await waitForSettled(page);
  expect((await items(page)).every((it) => it.status === 'done')).toBe(true);
});
