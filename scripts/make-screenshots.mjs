// Takes the manifest's screenshots from the real app. Run after `npm run build` with
// `npx vite preview --port 4173` serving dist/:  node scripts/make-screenshots.mjs
import { chromium } from '@playwright/test';
import { mkdirSync } from 'node:fs';

const base = process.env.BASE_URL ?? 'http://localhost:4173/';
const photos = new URL('../../shared/fixtures/exif-orientation/', import.meta.url).pathname;
mkdirSync('public/screenshots', { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
for (const [name, width, height] of [
  ['wide', 1280, 800],
  ['narrow', 540, 960],
]) {
  const page = await browser.newPage({ viewport: { width, height } });
  await page.goto(base);
  await page.locator('#preset-select').selectOption('thumbnails-webp-400');
  await page.getByLabel('Add folder').setInputFiles(photos);
  await page.getByTestId('item').first().waitFor();
  if (name === 'wide') {
    await page.getByRole('button', { name: 'Convert' }).click();
    await page.getByTestId('batch-status').filter({ hasText: 'done' }).waitFor({ timeout: 60_000 });
  }
  await page.screenshot({ path: `public/screenshots/${name}.png` });
  await page.close();
}
await browser.close();
console.log('screenshots written to public/screenshots/');
