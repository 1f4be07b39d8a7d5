import { expect, test, type Page } from '@playwright/test';
import sharp from 'sharp';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtInPresets, type Preset } from '../../shared/presets/index.js';
import { repoRoot, sharedFixtures } from './fixture-tree.js';
import { choosePreset, openApp } from './helpers.js';

/** The words of `line` as POSIX sh reads them (quotes taken off), through the real `sh`. */
function shellWords(line: string): string[] {
  const out = execFileSync('sh', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

/** The word after `flag` in `words`; undefined when the flag is not there. */
function valueOf(words: readonly string[], flag: string): string | undefined {
  const at = words.indexOf(flag);
  return at < 0 ? undefined : words[at + 1];
}

/** Runs the real bin with `args` in `cwd`; fails the test, with its output, unless it exits 0. */
function pixpool(cwd: string, args: readonly string[], what: string): void {
  const run = spawnSync(process.execPath, [join(repoRoot, 'bin/pixpool.cjs'), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(run.status, `${what}\n${run.stdout}${run.stderr}`).toBe(0);
}

/** The preset the app converts with now, as it keeps it in IndexedDB. */
const storedPreset = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<unknown>((resolve, reject) => {
        const open = indexedDB.open('pixpool');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const get = db.transaction('settings').objectStore('settings').get('currentPreset');
          get.onsuccess = () => {
            resolve(get.result);
            db.close();
          };
        };
      }),
  );

/** What the output folder's manifest records of each input: the key of its settings. */
const manifest = (dir: string) =>
  JSON.parse(readFileSync(join(dir, '.pixpool-manifest.json'), 'utf8')) as Record<
    string,
    { settings: string }
  >;

test("'Copy as command' gives a shell line the real CLI runs to the same settings", async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page);
  await choosePreset(page, 'web-webp-2048');
  await page.getByRole('button', { name: 'Edit options' }).click();

  // Settings of every kind: a format, an int, a choice of the format's own (no flag of its
  // own, so `--set`), the resize box and fit, metadata, and a colour sh must see quoted.
  await page.locator('#preset-format').selectOption('avif');
  await page.locator('#preset-quality').fill('63');
  await page.locator('#preset-chromaSubsampling').selectOption('4:4:4');
  await page.locator('#resize-maxWidth').fill('640');
  await page.locator('#resize-maxWidth').press('Tab');
  await page.locator('#resize-maxHeight').fill('400');
  await page.locator('#resize-maxHeight').press('Tab');
  await page.locator('#resize-fit').selectOption('cover');
  await page.locator('#preset-metadata').selectOption('keep');
  await page.locator('#preset-background').fill('#336699');
  await expect(page.getByTestId('preset-summary')).toContainText('AVIF');

  await page.getByRole('button', { name: 'Copy as command' }).click();
  const pre = page.getByTestId('preset-command');
  await expect(pre).toBeVisible();
  const line = (await pre.textContent())!.trim();
  expect(line).not.toContain('\n');
  // The clipboard, where there is one, holds the same line.
  const status = page.locator('.command [role=status]');
  await expect(status).toContainText('Replace photos and converted with your folders');
  if ((await status.textContent())!.startsWith('Copied.')) {
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(line);
  }

  // What the line says, word by word as sh splits it.
  const words = shellWords(line);
  expect(words.slice(0, 3), line).toEqual(['pixpool', 'convert', 'photos']);
  expect(valueOf(words, '-o'), line).toBe('converted');
  const base = builtInPresets.find((p) => p.id === valueOf(words, '-p'));
  expect(base, `a built-in after -p in: ${line}`).toBeDefined();
  // Each setting changed is said by its flag, or is the built-in's own already (the line
  // starts from the built-in nearest to the settings).
  const said = (flag: string, own: (p: Preset) => unknown) =>
    valueOf(words, flag) ?? String(own(base!));
  const options = (p: Preset) => p.output.options as unknown as Record<string, unknown>;
  expect(
    said('-f', (p) => p.output.format),
    line,
  ).toBe('avif');
  expect(
    said('-q', (p) => options(p).quality),
    line,
  ).toBe('63');
  expect(
    said('--max-width', (p) => p.resize.maxWidth),
    line,
  ).toBe('640');
  expect(
    said('--max-height', (p) => p.resize.maxHeight),
    line,
  ).toBe('400');
  expect(
    said('--fit', (p) => p.resize.fit),
    line,
  ).toBe('cover');
  expect(
    said('--metadata', (p) => p.metadata),
    line,
  ).toBe('keep');
  expect(
    said('--background', (p) => p.background),
    line,
  ).toBe('#336699');
  // A colour is no bare word to sh (`#` starts a comment): the line quotes it.
  expect(line).toContain("--background '#336699'");
  // A format's own option has no flag: it is a --set.
  expect(valueOf(words, '--set'), line).toBe('output.options.chromaSubsampling=4:4:4');

  // Run it with the real bin, the placeholders swapped for folders of our own.
  const tmp = mkdtempSync(join(tmpdir(), 'pixpool-command-'));
  const photos = join(tmp, 'photos');
  const converted = join(tmp, 'converted');
  mkdirSync(photos);
  copyFileSync(
    join(sharedFixtures, 'exif-orientation/Landscape_1.jpg'),
    join(photos, 'Landscape_1.jpg'),
  );
  const args = words.slice(1);
  args[1] = photos;
  args[args.indexOf('-o') + 1] = converted;
  pixpool(tmp, args, line);

  // The 1800×1200 photo fills the 640×400 box, cropped, in AVIF. (No EXIF to look for:
  // 'keep' writes none into AVIF, see shared/metadata/attach.ts.)
  expect(readdirSync(join(converted, 'photos'))).toEqual(['Landscape_1.avif']);
  const meta = await sharp(join(converted, 'photos/Landscape_1.avif')).metadata();
  expect(meta.format).toBe('heif');
  expect(meta.compression).toBe('av1');
  expect([meta.width, meta.height]).toEqual([640, 400]);

  const report = JSON.parse(readFileSync(join(converted, 'pixpool-report.json'), 'utf8')) as {
    rows: {
      path: string;
      status: string;
      outputPath: string | null;
      outputFormat: string | null;
      outputWidth: number | null;
      outputHeight: number | null;
    }[];
  };
  expect(report.rows).toHaveLength(1);
  expect(report.rows[0]).toMatchObject({
    path: 'photos/Landscape_1.jpg',
    status: 'done',
    outputPath: 'photos/Landscape_1.avif',
    outputFormat: 'avif',
    outputWidth: 640,
    outputHeight: 400,
  });

  // The same photo converted from the app's own preset, as a preset file: the CLI records
  // the same settings and makes the same file, so nothing was lost on the way (the quality
  // and colour detail included, which the file itself does not show).
  await expect
    .poll(async () => (await storedPreset(page)) as Preset)
    .toMatchObject({
      output: { format: 'avif', options: { quality: 63, chromaSubsampling: '4:4:4' } },
      resize: { maxWidth: 640, maxHeight: 400, fit: 'cover' },
      metadata: 'keep',
      background: '#336699',
    });
  const presetFile = join(tmp, 'app-preset.json');
  writeFileSync(presetFile, JSON.stringify(await storedPreset(page)));
  const direct = join(tmp, 'direct');
  pixpool(tmp, ['convert', photos, '-o', direct, '-p', presetFile], presetFile);
  expect(manifest(converted)['photos/Landscape_1.jpg'].settings).toBe(
    manifest(direct)['photos/Landscape_1.jpg'].settings,
  );
  expect(readFileSync(join(converted, 'photos/Landscape_1.avif'))).toEqual(
    readFileSync(join(direct, 'photos/Landscape_1.avif')),
  );
});
