import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { generated, sharedFixtures } from './fixture-tree.js';
import { choosePreset, expectBothSidesDrawn, openApp, waitForSettled } from './helpers.js';

const inputs = [
  join(sharedFixtures, 'exif-orientation/Landscape_6.jpg'),
  join(sharedFixtures, 'heif/example.heic'),
];

const result = (page: Page) => page.getByTestId('preview-result');

/** The preview's line once it is ready (never a line made with settings no longer current). */
async function readyPreview(page: Page, expected: RegExp): Promise<string> {
  await expect(result(page)).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  await expect(result(page)).toContainText(expected);
  return result(page).innerText();
}

test('the live preview converts a chosen file with the current options, follows their changes, compares, and makes what the batch then makes', async ({
  page,
}) => {
  await openApp(page);
  await choosePreset(page, 'web-webp-2048');
  await page.getByLabel('Add files').setInputFiles(inputs);
  await expect(page.getByTestId('item')).toHaveCount(2);
  await expect(result(page)).toHaveAttribute('data-state', 'idle');

  await page.getByLabel('Preview on').selectOption({ label: 'example.heic' });
  await readyPreview(page, /example\.webp: [\d.]+ kB.*1280 × 854 px/);

  // New options: the preview follows them without a click.
  await page.getByRole('button', { name: 'Edit options' }).click();
  await page.locator('#preset-format').selectOption('jpeg');
  await readyPreview(page, /example\.jpg: [\d.]+ kB.*1280 × 854 px/);
  await page.locator('#resize-maxWidth').fill('400');
  await page.locator('#resize-maxWidth').press('Tab');
  const line = await readyPreview(page, /example\.jpg: [\d.]+ kB.*400 × 267 px/);
  const previewSize = /: ([\d.]+ kB)/.exec(line)![1];

  // Compare shows the original and the preview's bytes, drawn, with their labels.
  await page.getByRole('button', { name: 'Compare preview' }).click();
  const dialog = page.getByRole('dialog', { name: 'Preview of example.heic' });
  await expect(dialog.getByTestId('compare-before-label')).toContainText(
    /HEIC\/HEIF\s*1280 × 854 px/,
  );
  await expect(dialog.getByTestId('compare-after-label')).toContainText(
    new RegExp(`JPEG\\s*400 × 267 px · ${previewSize}`),
  );
  await expectBothSidesDrawn(dialog);
  await dialog.getByRole('button', { name: 'Close' }).click();

  // Nothing was converted or stored: the draft is as it was.
  await expect(page.locator('[data-testid=item][data-status=pending]')).toHaveCount(2);
  await expect(page.getByRole('button', { name: 'Convert' })).toBeVisible();

  // The batch makes the same file the preview showed.
  await page.getByRole('button', { name: 'Convert' }).click();
  await waitForSettled(page);
  const row = page.locator('[data-testid=item][data-path="example.heic"]');
  await expect(row).toHaveAttribute('data-status', 'done');
  await expect(row).toContainText(`→ ${previewSize}`);
});

test('the preview follows a file’s own settings, says why a file does not convert, and ends when its file is removed', async ({
  page,
}) => {
  // A real PNG whose header claims 65536 × 65536 px (valid CRC): over the size limit.
  const huge = Buffer.from(readFileSync(join(sharedFixtures, 'pngsuite/png/basn2c08.png')));
  huge.writeUInt32BE(65536, 16);
  huge.writeUInt32BE(65536, 20);
  huge.writeUInt32BE(crc32(huge.subarray(12, 29)), 29);
  mkdirSync(join(generated, 'preview'), { recursive: true });
  const hugePath = join(generated, 'preview', 'huge-claim.png');
  writeFileSync(hugePath, huge);

  await openApp(page);
  await choosePreset(page, 'web-webp-2048');
  await page.getByLabel('Add files').setInputFiles([...inputs, hugePath]);
  await page.getByLabel('Preview on').selectOption({ label: 'huge-claim.png' });
  await expect(result(page)).toHaveAttribute('data-state', 'failed', { timeout: 30_000 });
  await expect(result(page)).toContainText(
    /huge-claim\.png does not convert with these settings: .*65536 × 65536/,
  );

  await page.getByLabel('Preview on').selectOption({ label: 'Landscape_6.jpg' });
  await readyPreview(page, /Landscape_6\.webp: .*1800 × 1200 px/);

  await page.getByRole('button', { name: 'Settings for Landscape_6.jpg' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings for Landscape_6.jpg' });
  await dialog.locator('#override-format').selectOption('png');
  await dialog.locator('#override-resize-maxWidth').fill('100');
  await dialog.locator('#override-resize-maxWidth').press('Tab');
  await dialog.getByRole('button', { name: 'Use for this file' }).click();
  await readyPreview(page, /Landscape_6\.png: .* 100 × 67 px/);

  await page
    .locator('[data-testid=item][data-path="Landscape_6.jpg"]')
    .getByRole('button', { name: 'Remove' })
    .click();
  await expect(result(page)).toHaveAttribute('data-state', 'idle');
  await expect(page.getByLabel('Preview on')).toHaveValue('');
});
