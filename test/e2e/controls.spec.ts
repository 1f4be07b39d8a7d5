import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { buildPhotoTree, sharedFixtures } from './fixture-tree.js';
import {
  addFolder,
  checkZip,
  downloadZips,
  choosePreset,
  countByStatus,
  openApp,
  setWorkers,
  waitForSettled,
} from './helpers.js';

const row = (page: Page, path: string) => page.locator(`[data-testid=item][data-path="${path}"]`);
const withStatus = (page: Page, status: string) =>
  page.locator(`[data-testid=item][data-status=${status}]`);

test('cancel one, pause and resume, cancel all, then retry brings every file to done', async ({
  page,
}) => {
  const { root, files } = buildPhotoTree('controls', 1);
  await openApp(page);
  await setWorkers(page, 1);
  // Lossless PNG of a 1800×1200 photo takes long enough to act on a running batch.
  await choosePreset(page, 'lossless-png');
  await addFolder(page, root, files.length);
  await page.getByRole('button', { name: 'Convert' }).click();

  // Cancel one that is still waiting.
  const last = files[files.length - 1].path;
  await row(page, last)
    .getByRole('button', { name: /^Cancel/ })
    .click();
  await expect(row(page, last)).toHaveAttribute('data-status', 'cancelled');

  // Pause: the running item finishes, nothing new starts.
  await expect(withStatus(page, 'done')).not.toHaveCount(0);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('batch-status')).toHaveText('paused');
  await expect(withStatus(page, 'processing')).toHaveCount(0);
  const paused = await countByStatus(page);
  await page.waitForTimeout(3000);
  expect(await countByStatus(page)).toEqual(paused);
  expect(paused.pending).toBeGreaterThan(0);

  // A file added to the started batch joins it and gets its place in the ZIP.
  await page
    .getByLabel('Add files')
    .setInputFiles(join(sharedFixtures, 'pngsuite/png/basn0g01.png'));
  await expect(page.getByTestId('item')).toHaveCount(files.length + 1);

  // Resume: work continues.
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByTestId('batch-status')).toHaveText('running');
  await expect
    .poll(async () => (await countByStatus(page)).done ?? 0)
    .toBeGreaterThan(paused.done ?? 0);

  // Cancel the one that is running: its worker is stopped at once. A file can finish between
  // being seen running and the click (a PNG here takes under a second), so that row is held
  // by its path, and when it got done first the next running one is tried.
  let cancelledRunning = false;
  for (let tries = 0; tries < 5 && !cancelledRunning; tries++) {
    const path = await withStatus(page, 'processing').first().getAttribute('data-path');
    const running = row(page, path!);
    await running
      .getByRole('button', { name: /^Cancel/ })
      .click({ timeout: 2000 })
      .catch(() => undefined);
    await expect(running).not.toHaveAttribute('data-status', 'processing', { timeout: 5000 });
    cancelledRunning = (await running.getAttribute('data-status')) === 'cancelled';
  }
  expect(cancelledRunning, 'a running file was cancelled').toBe(true);

  // Cancel all: nothing is left pending or running.
  await page.getByRole('button', { name: 'Cancel all' }).click();
  await expect(page.getByTestId('batch-status')).toHaveText('cancelled');
  await waitForSettled(page, 10_000);
  const cancelled = await countByStatus(page);
  expect(cancelled.cancelled).toBeGreaterThanOrEqual(3);

  // Retry: the cancelled files convert after all.
  await page.getByRole('button', { name: /^Retry failed/ }).click();
  await expect(page.getByTestId('batch-status')).toHaveText('done', { timeout: 150_000 });
  expect(await countByStatus(page)).toEqual({ done: files.length + 1 });
  const [zip] = await downloadZips(page);
  const names = checkZip(zip).filter((n) => !n.startsWith('pixpool-report'));
  expect(names.sort()).toEqual(
    [...files.map((f) => f.path.replace(/\.jpg$/, '.png')), 'basn0g01.png'].sort(),
  );
});
