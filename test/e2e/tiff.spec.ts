import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertImage } from '../../server/convert/index.js';
import { configureSharp } from '../../server/convert/sharp-setup.js';
import { limits } from '../../shared/limits.js';
import { builtInPresets } from '../../shared/presets/index.js';
import { tiffCorpus } from '../unit/shared/tiff-fixture.js';
import { generated, sharedFixtures } from './fixture-tree.js';
import {
  checkZip,
  choosePreset,
  downloadZips,
  extractZip,
  items,
  openApp,
  waitForSettled,
} from './helpers.js';

/** The plain words of a reason, without the decoder's own text in brackets. */
const plain = (text: string) => /Could not decode [^(\n]+/.exec(text)?.[0].trim() ?? '';

test('converts TIFF scans added with "Add files" in Chromium, and fails damaged ones as the server does', async ({
  page,
}) => {
  const root = join(generated, 'tiff');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const corpus = await tiffCorpus(
    new Uint8Array(readFileSync(join(sharedFixtures, 'exif-orientation/Landscape_1.jpg'))),
  );
  const names = Object.keys(corpus).sort();
  for (const name of names) writeFileSync(join(root, name), corpus[name].bytes);

  // What the server makes of each file, in this process: the same admission and libvips.
  configureSharp();
  const preset = builtInPresets.find((p) => p.id === 'thumbnails-webp-400')!;
  const server = new Map<string, { status: string; text: string; data?: Uint8Array }>();
  for (const name of names) {
    const outcome = await convertImage(corpus[name].bytes, preset, {
      maxInputPixels: limits.maxInputPixels,
    }).then(
      (r) => ({ status: 'done', text: '', data: r.data }),
      (e: Error) => ({ status: 'failed', text: e.message }),
    );
    server.set(name, outcome);
  }

  await openApp(page);
  await choosePreset(page, 'thumbnails-webp-400');
  await page.getByLabel('Add files').setInputFiles(names.map((n) => join(root, n)));
  await expect(page.getByTestId('item')).toHaveCount(names.length);
  await page.getByRole('button', { name: 'Convert' }).click();
  await waitForSettled(page);
  await expect(page.getByTestId('batch-status')).toHaveText('done');

  const rows = new Map((await items(page)).map((it) => [it.path, it]));
  const mismatches: string[] = [];
  for (const name of names) {
    const row = rows.get(name)!;
    const s = server.get(name)!;
    const want = corpus[name].verdict;
    if (row.status !== want || s.status !== want) {
      mismatches.push(`${name}: expected ${want}, browser ${row.status}, server ${s.status}`);
    } else if (want === 'failed' && plain(row.text) !== plain(s.text)) {
      mismatches.push(`${name}: browser "${plain(row.text)}" / server "${plain(s.text)}"`);
    }
    if (row.status === 'failed') expect(row.text).toMatch(/Could not decode TIFF: the file is/);
  }
  expect(mismatches).toEqual([]);

  const [zip] = await downloadZips(page);
  const entries = checkZip(zip);
  const outputs = entries.filter((e) => !e.startsWith('pixpool-report')).sort();
  const valid = names.filter((n) => corpus[n].verdict === 'done');
  expect(outputs).toEqual(valid.map((n) => n.replace(/\.tif$/, '.webp')).sort());
  const dir = extractZip(zip);
  const size = async (b: Uint8Array | string) => {
    const m = await sharp(b).metadata();
    return `${m.format} ${m.width}×${m.height}`;
  };
  for (const name of valid) {
    const out = join(dir, name.replace(/\.tif$/, '.webp'));
    // Same format and size as the server's output: the first page, turned upright.
    expect(`${name}: ${await size(out)}`).toBe(`${name}: ${await size(server.get(name)!.data!)}`);
  }
  expect(await size(join(dir, 'rgb16-lzw.webp'))).toBe('webp 240×160');
  expect(await size(join(dir, 'turned-6.webp'))).toBe('webp 160×240');
  expect(await size(join(dir, 'two-pages.webp'))).toBe('webp 60×40');
  // The first page is the red one.
  const { data } = await sharp(join(dir, 'two-pages.webp')).raw().toBuffer({
    resolveWithObject: true,
  });
  expect(data[0]).toBeGreaterThan(180);
  expect(data[2]).toBeLessThan(80);
});
