import { expect, test } from '@playwright/test';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildPhotoTree } from './fixture-tree.js';
import {
  addFolder,
  choosePreset,
  downloadZips,
  extractZip,
  openApp,
  waitForSettled,
} from './helpers.js';

/** Every file under `dir` with its size. */
function sizes(dir: string): { path: string; bytes: number }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((p) => ({ path: p, bytes: statSync(join(dir, p)).size }))
    .filter((f) => statSync(join(dir, f.path)).isFile() && !/report|\.json$|\.csv$/.test(f.path));
}

test('a folder converted with a file-size cap: every output under the cap and at least 85 % of it', async ({
  page,
}) => {
  const { root, files } = buildPhotoTree('targets-size', 1);
  await openApp(page);
  await choosePreset(page, 'web-webp-2048');
  await page.getByRole('button', { name: 'Edit options' }).click();
  await page.locator('#target-mode').selectOption('size');
  await page.locator('#target-maxKB').fill('120');
  await page.locator('#target-maxKB').press('Tab');
  await expect(page.getByTestId('preset-summary')).toContainText('WebP at most 120 kB');
  await addFolder(page, root, files.length);

  // The preview says what the search settled on before the batch runs.
  await page.getByLabel('Preview on').selectOption({ index: 1 });
  await expect(page.getByTestId('preview-result')).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('preview-result')).toContainText(/quality \d+, after \d+ tries/);

  await page.getByRole('button', { name: 'Convert' }).click();
  await waitForSettled(page);
  await expect(page.locator('[data-testid=item][data-status=done]')).toHaveCount(files.length);
  const [zip] = await downloadZips(page);
  const outputs = sizes(extractZip(zip)).filter((f) => f.path.endsWith('.webp'));
  expect(outputs).toHaveLength(files.length);
  for (const f of outputs) {
    expect(f.bytes, f.path).toBeLessThanOrEqual(120_000);
    expect(f.bytes, f.path).toBeGreaterThanOrEqual(120_000 * 0.85);
  }
});
