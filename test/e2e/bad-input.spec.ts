import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { generated, sharedFixtures } from './fixture-tree.js';
import {
  addFolder,
  choosePreset,
  inSettings,
  items,
  openApp,
  setField,
  waitForSettled,
} from './helpers.js';

/** A real PNG whose IHDR claims width × height, with a valid CRC so only the size is wrong. */
function pngClaiming(width: number, height: number): Buffer {
  const png = Buffer.from(readFileSync(join(sharedFixtures, 'pngsuite/png/basn2c08.png')));
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

test('hostile inputs end as a per-file error or a valid output and the batch finishes', async ({
  page,
}) => {
  const root = join(generated, 'bad');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const photo = readFileSync(join(sharedFixtures, 'exif-orientation/Landscape_1.jpg'));
  writeFileSync(join(root, 'truncated.jpg'), photo.subarray(0, Math.floor(photo.length * 0.3)));
  writeFileSync(join(root, 'zero.jpg'), '');
  writeFileSync(join(root, 'huge-claim.png'), pngClaiming(65536, 65536));
  writeFileSync(join(root, 'really-a-jpeg.png'), photo);
  writeFileSync(join(root, 'really-a-png.jpg'), pngClaiming(32, 32));
  await sharp({
    create: { width: 20000, height: 14000, channels: 3, background: '#3a6' },
    limitInputPixels: false,
  })
    .jpeg({ quality: 50 })
    .toFile(join(root, 'giant-20000x14000.jpg'));

  await openApp(page);
  await choosePreset(page, 'thumbnails-webp-400');
  await addFolder(page, root, 6);
  await page.getByRole('button', { name: 'Convert' }).click();
  await waitForSettled(page);
  await expect(page.getByTestId('batch-status')).toHaveText('done');

  const byName = new Map((await items(page)).map((it) => [it.path.split('/').pop(), it]));
  expect(byName.get('zero.jpg')!.status).toBe('skipped');
  expect(byName.get('zero.jpg')!.text).toMatch(/empty/i);
  expect(byName.get('huge-claim.png')!.status).toBe('failed');
  expect(byName.get('huge-claim.png')!.text).toMatch(/65536 × 65536/);
  expect(byName.get('giant-20000x14000.jpg')!.status).toBe('failed');
  expect(byName.get('giant-20000x14000.jpg')!.text).toMatch(/20000 × 14000.*limit/);
  // The extension lies; the bytes decide.
  expect(byName.get('really-a-jpeg.png')!.status).toBe('done');
  expect(byName.get('really-a-png.jpg')!.status).toBe('done');
  // A truncated JPEG either fails with a reason or decodes what is there.
  const truncated = byName.get('truncated.jpg')!;
  expect(['done', 'failed']).toContain(truncated.status);
  if (truncated.status === 'failed') expect(truncated.text).toMatch(/truncat|damag|decode/i);
});

test('a file that takes too long fails with a timeout and the batch goes on', async ({ page }) => {
  await openApp(page);
  await inSettings(page, async () => {
    await setField(page, 'setting-timeout', '1');
    await setField(page, 'setting-workers', '1');
  });
  // AVIF at the highest effort takes far longer than a second for a 2 MP photo.
  await choosePreset(page, 'modern-avif');
  await page.getByRole('button', { name: 'Edit options' }).click();
  await page.locator('#preset-effort').fill('9');
  await page.locator('#preset-effort').press('Tab');
  await page
    .getByLabel('Add files')
    .setInputFiles([
      join(sharedFixtures, 'exif-orientation/Landscape_1.jpg'),
      join(sharedFixtures, 'pngsuite/png/basn0g01.png'),
    ]);
  await expect(page.getByTestId('item')).toHaveCount(2);
  await page.getByRole('button', { name: 'Convert' }).click();
  await expect(page.getByTestId('batch-status')).toHaveText('done');
  const byName = new Map((await items(page)).map((it) => [it.path, it]));
  expect(byName.get('Landscape_1.jpg')!.status).toBe('failed');
  expect(byName.get('Landscape_1.jpg')!.text).toMatch(/Timed out after 1 s/);
  // The worker that was stopped is replaced: the next file converts.
  expect(byName.get('basn0g01.png')!.status).toBe('done');
});
