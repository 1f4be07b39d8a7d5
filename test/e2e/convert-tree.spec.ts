import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import { join } from 'node:path';
import { buildTree } from './fixture-tree.js';
import {
  addFolder,
  checkZip,
  choosePreset,
  downloadZips,
  extractZip,
  items,
  openApp,
  waitForSettled,
} from './helpers.js';

test('converts a dropped folder tree and downloads it as a ZIP with the same tree', async ({
  page,
}) => {
  const { root, files } = buildTree();
  await openApp(page);
  await choosePreset(page, 'thumbnails-webp-400');
  await addFolder(page, root, files.length);
  await page.getByRole('button', { name: 'Convert' }).click();
  await waitForSettled(page);

  const shown = new Map((await items(page)).map((it) => [it.path, it]));
  expect(shown.size).toBe(files.length);
  for (const f of files) {
    const it = shown.get(f.path);
    expect(it, f.path).toBeDefined();
    const want = { image: 'done', corrupt: 'failed', 'non-image': 'skipped' }[f.kind];
    expect(`${f.path}: ${it!.status}`).toBe(`${f.path}: ${want}`);
    if (f.kind !== 'image') {
      // The reason is shown as text in the row, after the path and the status.
      const rest = it!.text.replace(f.path, '').replace(it!.status, '').trim();
      expect(rest.length, `${f.path} should show why`).toBeGreaterThan(10);
    }
  }
  expect(files.filter((f) => f.kind === 'corrupt')).toHaveLength(14);
  expect(shown.get('tree/notes/empty.jpg')!.text).toMatch(/empty/i);

  const [zip] = await downloadZips(page);
  const entries = checkZip(zip);
  const images = entries.filter((e) => !e.startsWith('pixpool-report'));
  const expected = files
    .filter((f) => f.kind === 'image')
    .map((f) => f.path.replace(/\.[^./]+$/, '.webp'));
  // The HEIC and the AVIF sample share a name: the second gets a number, not the first's place.
  const heif = expected.indexOf('tree/photos/heif/example.webp');
  expected[expected.lastIndexOf('tree/photos/heif/example.webp')] =
    'tree/photos/heif/example (2).webp';
  expect(heif).toBeGreaterThanOrEqual(0);
  expect(images.sort()).toEqual(expected.sort());
  expect(entries).toContain('pixpool-report.csv');
  expect(entries).toContain('pixpool-report.json');

  const dir = extractZip(zip);
  for (const name of images) {
    const meta = await sharp(join(dir, name)).metadata();
    expect(meta.format, name).toBe('webp');
    expect(Math.max(meta.width!, meta.height!), name).toBeLessThanOrEqual(400);
    // The preset strips metadata, whichever encoder wrote the file (Chromium's tags sRGB).
    expect(meta.icc, name).toBeUndefined();
    expect(meta.exif, name).toBeUndefined();
  }
  // EXIF orientation is applied: every landscape photo comes out wider than tall, and vice versa.
  for (const n of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const l = await sharp(join(dir, `tree/photos/exif/Landscape_${n}.webp`)).metadata();
    const p = await sharp(join(dir, `tree/photos/exif/Portrait_${n}.webp`)).metadata();
    expect(l.width!, `Landscape_${n}`).toBeGreaterThan(l.height!);
    expect(p.height!, `Portrait_${n}`).toBeGreaterThan(p.width!);
  }
});
