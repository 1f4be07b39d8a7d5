import { expect, test, type Page } from '@playwright/test';
import { linkSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { generated, sharedFixtures } from './fixture-tree.js';
import { checkZip, choosePreset, downloadZips, items, openApp, waitForSettled } from './helpers.js';

/** Puts files into the page as File objects, as a drop or a paste would deliver them. */
async function sendFiles(
  page: Page,
  kind: 'drop' | 'paste',
  files: { name: string; path: string }[],
) {
  const payload = files.map((f) => ({
    name: f.name,
    b64: readFileSync(f.path).toString('base64'),
  }));
  await page.evaluate(
    ({ kind, payload }) => {
      const dt = new DataTransfer();
      for (const f of payload) {
        const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
        dt.items.add(new File([bytes], f.name, { type: 'image/jpeg' }));
      }
      if (kind === 'paste') {
        document.body.dispatchEvent(
          new ClipboardEvent('paste', { clipboardData: dt, bubbles: true }),
        );
      } else {
        const zone = document.querySelector('.dropzone')!;
        zone.dispatchEvent(
          new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }),
        );
      }
    },
    { kind, payload },
  );
}

test('dropped and pasted files join the queue, and one file can convert with its own settings', async ({
  page,
}) => {
  const photo = (n: number) => join(sharedFixtures, `exif-orientation/Landscape_${n}.jpg`);
  await openApp(page);
  await choosePreset(page, 'thumbnails-webp-400');
  await sendFiles(page, 'drop', [
    { name: 'dropped-1.jpg', path: photo(1) },
    { name: 'dropped-2.jpg', path: photo(2) },
  ]);
  await expect(page.getByTestId('item')).toHaveCount(2);
  await sendFiles(page, 'paste', [{ name: 'pasted.jpg', path: photo(3) }]);
  await expect(page.getByTestId('item')).toHaveCount(3);

  await page.getByRole('button', { name: 'Settings for dropped-2.jpg' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Output format').selectOption('jpeg');
  await dialog.getByLabel('Quality').fill('50');
  await dialog.getByLabel('Quality').press('Tab');
  await dialog.getByRole('button', { name: 'Use for this file' }).click();
  // The row says what the file becomes.
  await expect(page.locator('[data-path="dropped-2.jpg"]')).toContainText(
    'Own settings: becomes dropped-2.jpg, JPEG at quality 50, fit inside 400 × 400 px',
  );

  await page.getByRole('button', { name: 'Convert' }).click();
  await waitForSettled(page);
  expect((await items(page)).map((it) => it.status)).toEqual(['done', 'done', 'done']);
  const [zip] = await downloadZips(page);
  const names = checkZip(zip).filter((n) => !n.startsWith('pixpool-report'));
  expect(names.sort()).toEqual(['dropped-1.webp', 'dropped-2.jpg', 'pasted.webp']);
});

test('a 10,000-file queue renders only the rows in view and scrolls to the last one', async ({
  page,
}) => {
  const root = join(generated, 'many');
  rmSync(root, { recursive: true, force: true });
  const source = join(sharedFixtures, 'pngsuite/png/basn0g01.png');
  const paths: string[] = [];
  for (let d = 0; d < 10; d++) {
    mkdirSync(join(root, `d${d}`), { recursive: true });
    for (let i = 0; i < 1000; i++) {
      const p = join(root, `d${d}`, `f${String(i).padStart(4, '0')}.png`);
      linkSync(source, p);
      paths.push(p);
    }
  }
  await openApp(page);
  await page.getByLabel('Add files').setInputFiles(paths);
  await expect(page.getByText('0 of 10000 converted')).toBeVisible({ timeout: 120_000 });
  const rendered = await page.getByTestId('item').count();
  expect(rendered).toBeGreaterThan(5);
  expect(rendered).toBeLessThan(60);

  await page.locator('.queue').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(page.locator('[data-testid=item][data-path="f0999.png"]').last()).toBeVisible();
  expect(await page.getByTestId('item').count()).toBeLessThan(60);
});
