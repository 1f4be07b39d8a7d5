import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { outputFormats, type OutputFormatId } from '../../shared/formats/index.js';
import { replaceExtension } from '../../shared/naming.js';
import { readImageInfo } from '../../shared/sniff.js';
import {
  AppPage,
  extractZip,
  launchFirefox,
  repoRoot,
  sharedFixtures,
  zipEntries,
  type Firefox,
} from './firefox.js';

const exif = (name: string) => join(sharedFixtures, 'exif-orientation', name);
// Chromium reads it; Firefox's decoder and jSquash's libavif refuse it (test/fixtures/README.md).
const croppedAvif = join(repoRoot, 'test/fixtures/cropped-alpha-no-pixi.avif');

/** One of each kind of input, with the upright size each converts from. */
const inputs = [
  { file: exif('Landscape_1.jpg'), width: 1800, height: 1200 },
  { file: exif('Portrait_6.jpg'), width: 1200, height: 1800 }, // EXIF orientation 6
  { file: join(sharedFixtures, 'pngsuite/png/basn6a08.png'), width: 32, height: 32 },
  { file: join(sharedFixtures, 'heif/example.heic'), width: 1280, height: 854 },
  { file: croppedAvif, width: 320, height: 214 },
];
const names = inputs.map((i) => basename(i.file));

// What sharp calls each format (AVIF is HEIF with AV1 to libvips); it reads no JPEG XL.
const sharpFormat: Partial<Record<OutputFormatId, string>> = {
  webp: 'webp',
  jpeg: 'jpeg',
  avif: 'heif',
  png: 'png',
};

let firefox: Firefox;
let app: AppPage | undefined;

beforeAll(async () => {
  firefox = await launchFirefox();
});

afterAll(async () => {
  await firefox?.browser.close();
  if (firefox) rmSync(firefox.downloads, { recursive: true, force: true });
});

afterEach(async () => {
  // Every test runs in a context of its own, so no queue carries over.
  expect(app?.errors ?? []).toEqual([]);
  await app?.close();
  app = undefined;
});

async function open(): Promise<AppPage> {
  app = await AppPage.open(firefox, inject('baseURL'));
  return app;
}

describe('Firefox', () => {
  it('adds files: one pending row per image, a non-image skipped', async () => {
    const text = join(tmpdir(), 'pixpool-notes.txt');
    writeFileSync(text, 'not an image\n');
    const page = await open();
    await page.addFiles([...inputs.map((i) => i.file), text]);
    const rows = await page.items();
    expect(rows.map((r) => r.path).sort()).toEqual([...names, 'pixpool-notes.txt'].sort());
    for (const r of rows) {
      expect(r.status, r.path).toBe(r.path.endsWith('.txt') ? 'skipped' : 'pending');
    }
    expect(await page.batchStatus()).toBe('draft');
  });

  // 400 px thumbnails keep the encoders quick; the inputs still take every decoding route.
  it.each(Object.keys(outputFormats) as OutputFormatId[])(
    'converts every input to %s, and the ZIP holds files of that format',
    async (format) => {
      const page = await open();
      await page.choosePreset('thumbnails-webp-400');
      await page.chooseOutput(format);
      await page.addFiles(inputs.map((i) => i.file));
      await page.click('Convert');
      await page.waitForBatch('done');
      expect(await page.items()).toEqual(
        expect.arrayContaining(names.map((path) => ({ path, status: 'done' }))),
      );

      const zip = await page.downloadZip();
      const ext = outputFormats[format].extension;
      const expected = names.map((n) => replaceExtension(n, ext));
      const entries = zipEntries(zip);
      expect(entries.filter((e) => !e.startsWith('pixpool-report')).sort()).toEqual(
        expected.sort(),
      );
      const dir = extractZip(zip);
      for (const input of inputs) {
        const name = replaceExtension(basename(input.file), ext);
        const bytes = readFileSync(join(dir, name));
        const info = readImageInfo(bytes);
        expect(info?.format, name).toBe(format);
        // Never enlarged; the long edge brought to 400 px; upright (EXIF applied).
        const scale = Math.min(1, 400 / Math.max(input.width, input.height));
        expect([info?.width, info?.height], name).toEqual([
          Math.round(input.width * scale),
          Math.round(input.height * scale),
        ]);
        if (sharpFormat[format]) {
          const meta = await sharp(bytes).metadata();
          expect(meta.format, name).toBe(sharpFormat[format]);
          expect([meta.width, meta.height], name).toEqual([info?.width, info?.height]);
          if (format === 'avif') expect(meta.compression, name).toBe('av1');
        }
      }
    },
  );

  it("converts a cropped AVIF with alpha that Firefox's own decoder refuses", async () => {
    const page = await open();
    const native = await page.page.evaluate(async (base64: string) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      try {
        const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/avif' }));
        return `${bitmap.width} × ${bitmap.height}`;
      } catch {
        return 'refused';
      }
    }, readFileSync(croppedAvif).toString('base64'));
    expect(native).toBe('refused');

    await page.choosePreset('lossless-png');
    await page.addFiles([croppedAvif]);
    await page.click('Convert');
    await page.waitForBatch('done');
    expect(await page.items()).toEqual([{ path: basename(croppedAvif), status: 'done' }]);
    const dir = extractZip(await page.downloadZip());
    const { data, info } = await sharp(join(dir, 'cropped-alpha-no-pixi.png'))
      .raw()
      .toBuffer({ resolveWithObject: true });
    // The whole coded image, as Chromium gives it; alpha 0 at the left edge, 255 at the right.
    expect([info.width, info.height, info.channels]).toEqual([320, 214, 4]);
    const alpha = (x: number, y: number) => data[(y * info.width + x) * 4 + 3];
    expect([alpha(0, 100), alpha(319, 100)]).toEqual([0, 255]);
  });

  it('a reload in the middle of a batch resumes it: every file converted, each once', async () => {
    const photos = [0, 1, 2, 3, 4, 5, 6, 7, 8].flatMap((n) => [
      exif(`Landscape_${n}.jpg`),
      exif(`Portrait_${n}.jpg`),
    ]);
    const page = await open();
    // 18 photos to MozJPEG at 1600 px: ~0.5 s a photo on 2 cores, so ~10 s to reload in.
    await page.choosePreset('email-jpeg-1600');
    await page.addFiles(photos);
    await page.click('Convert');
    await page.page.waitForFunction(
      () => document.querySelectorAll('[data-testid=item][data-status=done]').length >= 1,
      { polling: 100, timeout: 60_000 },
    );
    const before = await page.countByStatus();
    expect(before.pending ?? 0, JSON.stringify(before)).toBeGreaterThan(0);

    await page.page.reload();
    await page.ready();
    await page.waitForRows(photos.length);
    await page.page.waitForFunction(() => document.body.innerText.includes('Restored'), {
      polling: 200,
      timeout: 30_000,
    });
    await page.waitForBatch('done', 110_000);
    const after = await page.items();
    expect(after.map((r) => r.path).sort()).toEqual(photos.map((p) => basename(p)).sort());
    expect(after.every((r) => r.status === 'done')).toBe(true);

    const entries = zipEntries(await page.downloadZip());
    expect(entries.filter((e) => !e.startsWith('pixpool-report')).sort()).toEqual(
      photos.map((p) => replaceExtension(basename(p), 'jpg')).sort(),
    );
  });
});
