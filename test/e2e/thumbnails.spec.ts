import { expect, test, type Page } from '@playwright/test';
import { linkSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { generated, sharedFixtures } from './fixture-tree.js';
import { openApp } from './helpers.js';

const files = {
  'Landscape_6.jpg': join(sharedFixtures, 'exif-orientation/Landscape_6.jpg'),
  'basn6a08.png': join(sharedFixtures, 'pngsuite/png/basn6a08.png'),
  'example.heic': join(sharedFixtures, 'heif/example.heic'),
  'xcrn0g04.png': join(sharedFixtures, 'pngsuite/png/xcrn0g04.png'),
};
const images = ['Landscape_6.jpg', 'basn6a08.png', 'example.heic'];

const row = (page: Page, name: string) => page.locator(`[data-testid=item][data-path="${name}"]`);

/** Thumbnails the page tried to make (rather than read back from IndexedDB) since it loaded. */
const made = (page: Page) =>
  page.evaluate(() => performance.getEntriesByName('pixpool:thumbnail').length);

/** The thumbnails stored in IndexedDB. */
const stored = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('pixpool');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const count = db.transaction('thumbnails').objectStore('thumbnails').count();
          count.onsuccess = () => {
            resolve(count.result);
            db.close();
          };
        };
      }),
  );

test('queue rows show thumbnails of JPEG, PNG and HEIC inputs, made once and kept over a reload', async ({
  page,
}) => {
  await openApp(page);
  await page.getByLabel('Add files').setInputFiles(Object.values(files));
  await expect(page.getByTestId('item')).toHaveCount(4);

  for (const name of [...images, 'xcrn0g04.png']) await row(page, name).scrollIntoViewIfNeeded();
  for (const name of images) {
    const img = row(page, name).locator('img');
    await expect(img, name).toBeVisible();
    // Decoded, not a broken image.
    await expect
      .poll(() => img.evaluate((el: HTMLImageElement) => el.naturalWidth), name)
      .toBeGreaterThan(0);
  }
  // A damaged file gets the placeholder, not an error and not a broken image.
  await expect(row(page, 'xcrn0g04.png').locator('[data-thumbnail]')).toHaveAttribute(
    'data-thumbnail',
    'none',
  );
  await expect(row(page, 'xcrn0g04.png').locator('img')).toHaveCount(0);

  // Small, and upright: the photo is stored 1200 × 1800 with EXIF orientation 6.
  const photo = await row(page, 'Landscape_6.jpg')
    .locator('img')
    .evaluate((el: HTMLImageElement) => ({ w: el.naturalWidth, h: el.naturalHeight }));
  expect(photo).toEqual({ w: 192, h: 128 });
  const heic = await row(page, 'example.heic')
    .locator('img')
    .evaluate((el: HTMLImageElement) => Math.max(el.naturalWidth, el.naturalHeight));
  expect(heic).toBe(192);

  expect(await made(page)).toBe(4);
  await expect.poll(() => stored(page)).toBe(4);

  await page.reload();
  await expect(page.getByTestId('item')).toHaveCount(4);
  for (const name of images) {
    await row(page, name).scrollIntoViewIfNeeded();
    await expect(row(page, name).locator('img'), name).toBeVisible();
  }
  // Every thumbnail came from IndexedDB, the damaged file's verdict too: nothing was decoded again.
  expect(await made(page)).toBe(0);
  await expect(row(page, 'xcrn0g04.png').locator('[data-thumbnail]')).toHaveAttribute(
    'data-thumbnail',
    'none',
  );
});

test('only rows on screen ask for thumbnails; scrolling makes the next ones', async ({ page }) => {
  const root = join(generated, 'thumbs-many');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const paths = Array.from({ length: 60 }, (_, i) => {
    const p = join(root, `f${String(i).padStart(2, '0')}.png`);
    linkSync(join(sharedFixtures, 'pngsuite/png/basn2c08.png'), p);
    return p;
  });
  await openApp(page);
  await page.getByLabel('Add files').setInputFiles(paths);
  await expect(page.getByTestId('item')).toHaveCount(60);
  await row(page, 'f00.png').scrollIntoViewIfNeeded();
  await expect(row(page, 'f00.png').locator('img')).toBeVisible();
  // Let anything else that was going to be made be made.
  await page.waitForTimeout(1500);
  const first = await made(page);
  expect(first).toBeGreaterThan(0);
  expect(first).toBeLessThan(20);
  await expect(row(page, 'f59.png').locator('img')).toHaveCount(0);

  // The page is the one scroll container: scroll it to the end, as a person would.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await expect(row(page, 'f59.png').locator('img')).toBeVisible();
  expect(await made(page)).toBeLessThan(40);
});
