import { expect, test } from '@playwright/test';
import { buildPhotoTree } from './fixture-tree.js';
import {
  addFolder,
  checkZip,
  choosePreset,
  countByStatus,
  downloadZips,
  items,
  openApp,
  waitForSettled,
} from './helpers.js';

test('a reload in the middle of a batch resumes it with no file lost or converted twice', async ({
  page,
}) => {
  const { root, files } = buildPhotoTree('reload', 2);
  await openApp(page);
  await choosePreset(page, 'lossless-png');
  await addFolder(page, root, files.length);
  await page.getByRole('button', { name: 'Convert' }).click();
  await expect.poll(async () => (await countByStatus(page)).done ?? 0).toBeGreaterThanOrEqual(3);
  const before = await countByStatus(page);
  expect(before.pending ?? 0).toBeGreaterThan(0);

  await page.reload();
  await expect(page.getByTestId('item')).toHaveCount(files.length);
  await expect(page.getByText(/Restored/)).toBeVisible();
  await waitForSettled(page);
  await expect(page.getByTestId('batch-status')).toHaveText('done');

  const after = await items(page);
  expect(new Set(after.map((it) => it.path)).size).toBe(files.length);
  expect(after.every((it) => it.status === 'done')).toBe(true);
  expect(after.map((it) => it.path).sort()).toEqual(files.map((f) => f.path).sort());

  const [zip] = await downloadZips(page);
  const images = checkZip(zip).filter((e) => e.endsWith('.png'));
  expect(images.sort()).toEqual(files.map((f) => f.path.replace(/\.jpg$/, '.png')).sort());
});
