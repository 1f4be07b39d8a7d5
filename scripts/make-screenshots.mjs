// Takes the screenshots from the real app: the manifest's (public/screenshots/) and the
// README's (docs/screenshots/: light, dark, phone, compare). Run after `npm run build`:
//   npm run screenshots
// It serves dist/ with `vite preview` on its own port (SCREENSHOT_PORT, 4179) and stops it.
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';

const port = Number(process.env.SCREENSHOT_PORT ?? 4179);
const base = `http://localhost:${port}/`;
const photos = new URL('../../shared/fixtures/exif-orientation/', import.meta.url).pathname;
const heic = new URL('../../shared/fixtures/heif/example.heic', import.meta.url).pathname;

const preview = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], {
  stdio: 'ignore',
  detached: true,
});
const stop = () => {
  try {
    process.kill(-preview.pid);
  } catch {
    // already gone
  }
};
process.on('exit', stop);
for (let i = 0; ; i++) {
  if (
    await fetch(base)
      .then((r) => r.ok)
      .catch(() => false)
  )
    break;
  if (i > 100) throw new Error(`vite preview did not answer on ${base}`);
  await new Promise((r) => setTimeout(r, 100));
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});

/** A page with the EXIF photos (and a HEIC) in the queue, converted unless `convert` is false. */
async function batchPage({ width, height, colorScheme = 'light', convert = true }) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme });
  const page = await context.newPage();
  await page.goto(base);
  await page.locator('#preset-select').selectOption('thumbnails-webp-400');
  await page.getByLabel('Add folder').setInputFiles(photos);
  await page.getByTestId('item').first().waitFor();
  await page.getByLabel('Add files').setInputFiles([heic]);
  if (convert) {
    await page.getByRole('button', { name: 'Convert', exact: true }).click();
    await page.getByTestId('batch-status').filter({ hasText: 'done' }).waitFor({ timeout: 90_000 });
  }
  // Thumbnails and fonts settle.
  await page.waitForTimeout(1000);
  return { page, context };
}

mkdirSync('public/screenshots', { recursive: true });
mkdirSync('docs/screenshots', { recursive: true });

for (const [name, width, height, convert] of [
  ['wide', 1280, 800, true],
  ['narrow', 540, 960, false],
]) {
  const { page, context } = await batchPage({ width, height, convert });
  await page.screenshot({ path: `public/screenshots/${name}.png` });
  await context.close();
}

for (const colorScheme of ['light', 'dark']) {
  const { page, context } = await batchPage({ width: 1280, height: 900, colorScheme });
  await page.screenshot({ path: `docs/screenshots/${colorScheme}.png` });
  if (colorScheme === 'light') {
    await page.getByRole('button', { name: /^Compare Landscape_1/ }).click();
    await page.getByRole('dialog').waitFor();
    await page.waitForTimeout(1000);
    await page.screenshot({ path: 'docs/screenshots/compare.png' });
  }
  await context.close();
}

{
  const { page, context } = await batchPage({ width: 360, height: 780, colorScheme: 'dark' });
  await page.screenshot({ path: 'docs/screenshots/phone.png' });
  await context.close();
}

await browser.close();
stop();
console.log('screenshots written to public/screenshots/ and docs/screenshots/');
