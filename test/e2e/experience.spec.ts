import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { sharedFixtures } from './fixture-tree.js';
import {
  choosePreset,
  countByStatus,
  inSettings,
  items,
  openApp,
  setField,
  waitForSettled,
} from './helpers.js';

const photo = (n: string) => join(sharedFixtures, 'exif-orientation', n);
const photos = ['Landscape_1.jpg', 'Portrait_3.jpg', 'Landscape_6.jpg', 'Portrait_8.jpg'].map(
  photo,
);
const damaged = join(sharedFixtures, 'pngsuite/png/xs1n0g01.png');

async function addPhotos(page: Page, files = photos): Promise<void> {
  await page.getByLabel('Add files').setInputFiles(files);
  await expect(page.getByTestId('item')).toHaveCount(files.length);
}

async function convertAll(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Convert', exact: true }).click();
  await expect(page.getByTestId('batch-status')).toHaveText('done');
}

/**
 * What sticks out past the right edge of a `width` px wide page: the page's own scroll width,
 * an open dialog's, and every visible element's box.
 */
async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > innerWidth) out.push(`page scrolls to ${root.scrollWidth}px`);
    for (const d of document.querySelectorAll('dialog[open]')) {
      if (d.scrollWidth > d.clientWidth + 1) out.push(`dialog scrolls to ${d.scrollWidth}px`);
    }
    for (const el of document.querySelectorAll<HTMLElement>('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || el.closest('.visually-hidden, .skip-link')) continue;
      if (r.right > innerWidth + 1) {
        out.push(`${el.tagName.toLowerCase()}.${el.className} ends at ${Math.round(r.right)}px`);
      }
    }
    return out.slice(0, 5);
  });
}

test('the page fits 360 and 390 px wide in every state and dialog', async ({ browser }) => {
  for (const width of [360, 390]) {
    const page = await browser.newPage({ viewport: { width, height: 800 } });
    const check = async (state: string) =>
      expect(await overflow(page), `${width}px, ${state}`).toEqual([]);
    await openApp(page);
    await check('empty');
    await page.getByRole('button', { name: 'Edit options' }).click();
    await check('preset options');
    await addPhotos(page, [...photos, damaged]);
    await check('draft');
    await page.getByLabel('Preview on').selectOption({ label: 'Landscape_6.jpg' });
    await expect(page.getByTestId('preview-result')).toHaveAttribute('data-state', 'ready');
    await check('live preview');
    await page.getByRole('button', { name: 'Compare preview' }).click();
    await expect(page.getByRole('dialog').locator('.stage canvas')).toHaveCount(2);
    await check('preview compare dialog');
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: /^Settings for Landscape_1/ }).click();
    await check('file settings dialog');
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await check('settings dialog');
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await convertAll(page);
    await check('done, with summary');
    await page.getByRole('button', { name: 'More…' }).click();
    await check('downloads menu');
    await page.getByRole('button', { name: 'History', exact: true }).click();
    await check('history dialog');
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: /^Compare Landscape_1/ }).click();
    await expect(page.getByRole('dialog').locator('.stage canvas')).toHaveCount(2);
    await check('compare dialog');
    await page.close();
  }
});

test('the dark theme follows prefers-color-scheme', async ({ browser }) => {
  const luminance = async (scheme: 'light' | 'dark') => {
    const page = await browser.newPage({ colorScheme: scheme });
    await openApp(page);
    const [bg, fg] = await page.evaluate(() => {
      const style = getComputedStyle(document.documentElement);
      return [style.backgroundColor, style.color];
    });
    await page.close();
    const lum = (css: string) => {
      const [r, g, b] = css.match(/\d+/g)!.map(Number);
      return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    };
    return { bg: lum(bg), fg: lum(fg) };
  };
  const light = await luminance('light');
  const dark = await luminance('dark');
  expect(light.bg).toBeGreaterThan(0.9);
  expect(light.fg).toBeLessThan(0.2);
  expect(dark.bg).toBeLessThan(0.15);
  expect(dark.fg).toBeGreaterThan(0.8);
});

test('axe finds no accessibility violations in the main states, light and dark', async ({
  browser,
}) => {
  for (const colorScheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ colorScheme });
    const page = await context.newPage();
    const audit = async (state: string) => {
      const { violations } = await new AxeBuilder({ page }).analyze();
      const found = violations.map(
        (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      );
      expect(found, `${colorScheme}, ${state}`).toEqual([]);
    };
    await openApp(page);
    await audit('empty');
    await addPhotos(page, [photos[0], damaged]);
    await page.getByRole('button', { name: 'Edit options' }).click();
    await page.getByLabel('Preview on').selectOption({ label: 'Landscape_1.jpg' });
    await expect(page.getByTestId('preview-result')).toHaveAttribute('data-state', 'ready');
    await audit('draft, with the preset options and a live preview open');
    await convertAll(page);
    await audit('done');
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await audit('settings dialog');
    await context.close();
  }
});

test('files added by mistake leave a draft: one, the selected, the ones shown, or all', async ({
  page,
}) => {
  await openApp(page);
  const more = ['Landscape_2.jpg', 'Landscape_3.jpg', 'Portrait_2.jpg'].map(photo);
  await addPhotos(page, [...photos, ...more]);
  const row = page.locator('[data-testid=item][data-path="Portrait_3.jpg"]');
  await row.getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByTestId('item')).toHaveCount(6);

  // Ticked rows, and a shift-click that ticks the run from the last one ticked.
  await page.getByLabel('Select Landscape_1.jpg').check();
  await page.getByLabel('Select Landscape_2.jpg').click();
  await page.getByLabel('Select Portrait_2.jpg').click({ modifiers: ['Shift'] });
  await page.getByLabel('Select Landscape_1.jpg').uncheck();
  await page.getByRole('button', { name: 'Remove 3 selected' }).click();
  await expect(page.getByTestId('item')).toHaveCount(3);
  expect((await items(page)).map((it) => it.path)).toEqual([
    'Landscape_1.jpg',
    'Landscape_6.jpg',
    'Portrait_8.jpg',
  ]);
  await expect(page.getByRole('button', { name: /selected/ })).toHaveCount(0);

  await page.locator('#queue-search').fill('Landscape');
  await page.getByRole('button', { name: 'Remove the 2 shown' }).click();
  await page.locator('#queue-search').fill('');
  await expect(page.getByTestId('item')).toHaveCount(1);
  expect((await items(page)).map((it) => it.path)).toEqual(['Portrait_8.jpg']);
  // Gone for good: a reload brings back what is left, not what was removed.
  await page.reload();
  await expect(page.getByTestId('item')).toHaveCount(1);
  await page.getByRole('button', { name: 'Remove all' }).click();
  await expect(page.getByTestId('item')).toHaveCount(0);
  await expect(page.getByText('Drop photos or whole folders here')).toBeVisible();
});

test('a static site shows no server at all and uploads nothing', async ({ page }) => {
  const uploads: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/') && r.method() !== 'GET') uploads.push(r.url());
  });
  await openApp(page);
  await addPhotos(page, photos.slice(0, 2));
  await convertAll(page);
  await expect(page.getByTestId('privacy')).toHaveText(
    'Converts on this device. Nothing is uploaded.',
  );
  await expect(page.getByRole('button', { name: /Upload|server/i })).toHaveCount(0);
  await expect(page.getByTestId('connection')).toHaveCount(0);
  expect(uploads).toEqual([]);
});

test('after Cancel all the counts and the bar show what was converted, not a full bar', async ({
  page,
}) => {
  await openApp(page);
  await inSettings(page, () => setField(page, 'setting-workers', '1'));
  // Full-size AVIF: slow enough to cancel with most files left.
  await choosePreset(page, 'modern-avif');
  await addPhotos(page);
  await page.getByRole('button', { name: 'Convert', exact: true }).click();
  await expect.poll(async () => (await countByStatus(page)).done ?? 0).toBeGreaterThanOrEqual(1);
  await page.getByRole('button', { name: 'Cancel all' }).click();
  await expect(page.getByTestId('batch-status')).toHaveText('cancelled');
  await waitForSettled(page);
  const counts = await countByStatus(page);
  const done = counts.done ?? 0;
  expect(done + (counts.cancelled ?? 0)).toBe(photos.length);
  expect(counts.cancelled).toBeGreaterThan(0);
  await expect(page.locator('.batch-progress .counts')).toContainText(
    `${done} of ${photos.length} converted · ${counts.cancelled} cancelled`,
  );
  const bar = await page
    .getByLabel('Batch progress')
    .evaluate((p) => (p as HTMLProgressElement).value);
  expect(bar).toBe(Math.round((done / photos.length) * 100));
  await expect(page.getByTestId('announcement')).toHaveText(
    `Batch cancelled: ${done} converted, ${counts.cancelled} cancelled.`,
  );
});

test('options explain themselves and refuse a wrong value in place, never silently', async ({
  page,
}) => {
  await openApp(page);
  await choosePreset(page, 'web-webp-2048');
  await page.getByRole('button', { name: 'Edit options' }).click();
  const quality = page.locator('#preset-quality');
  await expect(page.locator('#preset-quality-hint')).toHaveText(
    'Higher keeps more detail and makes bigger files (0–100)',
  );
  await quality.fill('150');
  await expect(page.locator('#preset-quality-hint')).toHaveText(
    'Enter a whole number from 0 to 100',
  );
  await expect(quality).toHaveAttribute('aria-invalid', 'true');
  // What was typed stays, and the preset keeps its last good value.
  await expect(quality).toHaveValue('150');
  await expect(page.getByTestId('preset-summary')).toContainText('WebP at quality 75');
  await quality.fill('60');
  await expect(quality).toHaveAttribute('aria-invalid', 'false');
  await expect(page.getByTestId('preset-summary')).toContainText('WebP at quality 60');
});

test('the More… menu takes focus to its first choice, and Escape or Tab closes it', async ({
  page,
}) => {
  await openApp(page);
  await addPhotos(page, [photos[0]]);
  await convertAll(page);
  const more = page.getByRole('button', { name: 'More…' });
  const menu = page.getByRole('group', { name: 'More downloads' });
  await more.focus();
  await page.keyboard.press('Enter');
  await expect(menu).toBeVisible();
  await expect(menu.getByRole('button').first()).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect(more).toBeFocused();

  await page.keyboard.press('Enter');
  await expect(menu).toBeVisible();
  const choices = await menu.getByRole('button').count();
  for (let i = 0; i < choices; i++) await page.keyboard.press('Tab');
  await expect(menu).toBeHidden();
});
