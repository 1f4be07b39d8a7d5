import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { levelScores } from '../../shared/target/levels.js';
import { buildPhotoTree, sharedFixtures } from './fixture-tree.js';
import {
  addFolder,
  choosePreset,
  downloadZips,
  extractZip,
  openApp,
  setLadder,
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

test('a visual target: every output scores within the level by the reference binary', async ({
  page,
}) => {
  const { root, files } = buildPhotoTree('targets-visual', 1);
  const some = files.filter((f) => /_[1-4]\.jpg$/.test(f.path));
  for (const f of files) if (!some.includes(f)) rmSync(join(root, '..', f.path));
  await openApp(page);
  await choosePreset(page, 'thumbnails-webp-400');
  await page.getByRole('button', { name: 'Edit options' }).click();

  // The reference: the same decode and resize, written losslessly.
  await page.locator('#preset-format').selectOption('png');
  await addFolder(page, root, some.length);
  await page.getByRole('button', { name: 'Convert' }).click();
  await waitForSettled(page);
  const reference = extractZip((await downloadZips(page))[0]);

  await page.getByRole('button', { name: 'New batch' }).click();
  await page.locator('#preset-format').selectOption('webp');
  await page.locator('#target-mode').selectOption('visual');
  await page.locator('#target-level').selectOption('web');
  await page.locator('#target-metric').selectOption('ssimulacra');
  await expect(page.getByTestId('preset-summary')).toContainText('WebP looking fine for the web');
  await addFolder(page, root, some.length);
  await page.getByRole('button', { name: 'Convert' }).click();
  await waitForSettled(page);
  await expect(page.locator('[data-testid=item][data-status=done]')).toHaveCount(some.length);
  // The summary shows how close each file came to the limit, also as a table.
  const chart = page.getByRole('img', { name: 'Files by how close they came to the visual limit' });
  await expect(chart).toBeVisible();
  await page.getByText('Files by how close they came to the visual limit, as a table').click();
  const counts = await page
    .getByRole('table', { name: 'Files by how close they came to the visual limit' })
    .locator('tbody td:nth-child(2)')
    .allInnerTexts();
  expect(counts.map(Number).reduce((a, b) => a + b, 0)).toBe(some.length);
  const outputs = extractZip((await downloadZips(page))[0]);

  for (const f of some) {
    const stem = f.path.replace(/\.jpg$/, '');
    const png = join(outputs, `${stem}.check.png`);
    await sharp(join(outputs, `${stem}.webp`))
      .png()
      .toFile(png);
    const score = Number(
      execFileSync('ssimulacra_main', [join(reference, `${stem}.png`), png], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    );
    expect(score, f.path).toBeLessThanOrEqual(levelScores.ssimulacra.web + 1e-4);
  }
});

test('never bigger keeps originals as they came, and the smallest of the allowed formats wins', async ({
  page,
}) => {
  const tiny = join(sharedFixtures, 'pngsuite/png/basn6a08.png');
  const photo = join(sharedFixtures, 'exif-orientation/Landscape_1.jpg');
  await openApp(page);
  await choosePreset(page, 'thumbnails-webp-400');
  await page.getByRole('button', { name: 'Edit options' }).click();
  await page.locator('#target-keepOriginal').check();
  await page.locator('#also-try-avif').check();
  await expect(page.getByTestId('preset-summary')).toContainText(
    'the smallest of WebP at quality 70 and AVIF at quality 50',
  );
  await expect(page.getByTestId('preset-summary')).toContainText('never bigger than the original');
  await page.getByLabel('Add files').setInputFiles([tiny, photo]);
  await page.getByRole('button', { name: 'Convert' }).click();
  await waitForSettled(page);
  const dir = extractZip((await downloadZips(page))[0]);
  const names = readdirSync(dir).sort();
  const report = JSON.parse(readFileSync(join(dir, 'pixpool-report.json'), 'utf8'));
  const rows = Object.fromEntries(report.rows.map((r: { path: string }) => [r.path, r]));

  // The PNG would grow as WebP or AVIF: it is kept, byte for byte, under its own name.
  expect(readFileSync(join(dir, 'basn6a08.png')).equals(readFileSync(tiny))).toBe(true);
  expect(rows['basn6a08.png']).toMatchObject({ keptOriginal: true, outputFormat: 'png' });
  // The photo is whichever of WebP and AVIF came out smaller.
  const made = Object.fromEntries(
    rows['Landscape_1.jpg'].tried.split('; ').map((t: string) => t.split(' ')),
  );
  const [webp, avif] = [Number(made.webp), Number(made.avif)];
  const winner = avif < webp ? 'avif' : 'webp';
  expect(names).toContain(`Landscape_1.${winner}`);
  expect(statSync(join(dir, `Landscape_1.${winner}`)).size).toBe(Math.min(webp, avif));

  // Another file's settings change and it converts again; the names already settled stay.
  await page.getByRole('button', { name: 'Settings for Landscape_1.jpg' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings for Landscape_1.jpg' });
  await dialog.locator('#override-format').selectOption('jpeg');
  await dialog.getByRole('button', { name: 'Use for this file' }).click();
  await waitForSettled(page);
  await expect(page.locator('[data-testid=item][data-status=done]')).toHaveCount(2);
  const again = readdirSync(extractZip((await downloadZips(page))[0]));
  expect(again).toEqual(expect.arrayContaining(['basn6a08.png']));
});

test('a ladder: every size × format under the template names, with manifests and snippets, in the same folders', async ({
  page,
}) => {
  const { root, files } = buildPhotoTree('targets-ladder', 1);
  const some = files.filter((f) => /(Landscape|Portrait)_[16]\.jpg$/.test(f.path));
  for (const f of files) if (!some.includes(f)) rmSync(join(root, '..', f.path));
  await openApp(page);
  await choosePreset(page, 'web-webp-2048');
  await page.getByRole('button', { name: 'Edit options' }).click();
  await setLadder(page, '160, 320, 9000', '{name}_{width}x{height}_{format}_{hash8}');
  await expect(page.getByTestId('preset-summary')).toContainText(
    'WebP at quality 75 and JPEG at quality 75, each 160, 320 and 9000 px wide',
  );
  await addFolder(page, root, some.length);
  await page.getByRole('button', { name: 'Convert' }).click();
  await waitForSettled(page);
  await expect(page.locator('[data-testid=item][data-status=done]')).toHaveCount(some.length);
  await expect(page.getByTestId('ladder-files').first()).toHaveText('6 files');
  const dir = extractZip((await downloadZips(page))[0]);
  const report = JSON.parse(readFileSync(join(dir, 'pixpool-report.json'), 'utf8'));

  for (const f of some) {
    const rel = f.path.replace(/\.jpg$/, '');
    const folder = join(dir, rel, '..');
    const stem = rel.slice(rel.lastIndexOf('/') + 1);
    const manifest = JSON.parse(readFileSync(join(dir, `${rel}.json`), 'utf8'));
    expect(manifest.source).toBe(f.path);
    // 9000 px is wider than the photo: that size is the photo's own, made once.
    const { info: full } = await sharp(join(root, '..', f.path))
      .autoOrient()
      .toBuffer({ resolveWithObject: true });
    expect(
      manifest.files.map((m: { format: string; width: number }) => m.format + m.width),
    ).toEqual([
      'jpeg160',
      'jpeg320',
      `jpeg${full.width}`,
      'webp160',
      'webp320',
      `webp${full.width}`,
    ]);
    for (const m of manifest.files) {
      const bytes = readFileSync(join(folder, m.file));
      const hash8 = createHash('sha256').update(bytes).digest('hex').slice(0, 8);
      const ext = m.format === 'jpeg' ? 'jpg' : m.format;
      expect(m.file).toBe(`${stem}_${m.width}x${m.height}_${m.format}_${hash8}.${ext}`);
      expect(bytes.length).toBe(m.bytes);
      const meta = await sharp(bytes).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual([m.format, m.width, m.height]);
    }
    const snippet = readFileSync(join(dir, `${rel}.html`), 'utf8');
    expect(snippet).toContain(`<source type="image/webp" srcset="${stem}_160x`);
    expect(snippet).toMatch(new RegExp(`<img src="${stem}_${full.width}x\\d+_jpeg_\\w{8}\\.jpg"`));
    expect(report.rows.find((r: { path: string }) => r.path === f.path)).toMatchObject({
      status: 'done',
      files: 6,
    });
  }
});
