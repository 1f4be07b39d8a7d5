import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { sharedFixtures } from './fixture-tree.js';
import { choosePreset, items, openApp, setWorkers } from './helpers.js';

// A file that crashes the whole page (its renderer out of memory, say) must not crash it on
// every reload. The renderer is crashed here for real, through the DevTools protocol.

const processing = (page: Page) =>
  page
    .locator('[data-testid=item][data-status=processing]')
    .evaluateAll((els) => els.map((el) => el.getAttribute('data-path')));

async function crash(page: Page): Promise<void> {
  const crashed = page.waitForEvent('crash');
  const cdp = await page.context().newCDPSession(page);
  void cdp.send('Page.crash').catch(() => {});
  await crashed;
}

test('a file converting when the page crashes twice fails with the reason; the rest finish', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await openApp(page);
  await setWorkers(page, 2);
  // AVIF at a high effort keeps each file converting for seconds: time to crash mid-file.
  await choosePreset(page, 'modern-avif');
  await page.getByRole('button', { name: 'Edit options' }).click();
  await page.locator('#preset-effort').fill('7');
  await page.locator('#preset-effort').press('Tab');
  const names = ['Landscape_1', 'Landscape_2', 'Portrait_1', 'Portrait_2'];
  await page
    .getByLabel('Add files')
    .setInputFiles(names.map((n) => join(sharedFixtures, `exif-orientation/${n}.jpg`)));
  await expect(page.getByTestId('item')).toHaveCount(names.length);
  await page.getByRole('button', { name: 'Convert' }).click();

  // First crash, with both workers busy (and the next file read ahead, also 'processing').
  await expect
    .poll(async () => (await processing(page)).length, { timeout: 30_000 })
    .toBeGreaterThanOrEqual(2);
  const first = await processing(page);
  await crash(page);

  // The next page converts those one at a time, nothing beside them.
  const second = await page.context().newPage();
  await openApp(second);
  await expect(second.getByTestId('item')).toHaveCount(names.length);
  await expect.poll(() => processing(second), { timeout: 30_000 }).toHaveLength(1);
  const [alone] = await processing(second);
  expect(first).toContain(alone);
  for (let i = 0; i < 5; i++) {
    expect(await processing(second)).toEqual([alone]);
    await second.waitForTimeout(200);
  }
  // It crashes the page again: it is the culprit.
  await crash(second);

  const third = await page.context().newPage();
  await openApp(third);
  await expect(third.getByTestId('item')).toHaveCount(names.length);
  await expect(third.getByTestId('batch-status')).toHaveText('done', { timeout: 200_000 });
  const rows = new Map((await items(third)).map((it) => [it.path, it]));
  expect(rows.get(alone!)!.status).toBe('failed');
  expect(rows.get(alone!)!.text).toMatch(/page stopped twice while converting this file/);
  for (const n of names) {
    if (`${n}.jpg` !== alone) expect(rows.get(`${n}.jpg`)!.status, n).toBe('done');
  }
});
