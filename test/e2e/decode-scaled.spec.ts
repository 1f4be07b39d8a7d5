import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { ViteDevServer } from 'vite';
import { harnessServer } from './harness/dev-server.js';
import { sharedFixtures } from './fixture-tree.js';
import type { ScaledAnswer, ScaledRequest } from './harness/decode-scaled.worker.js';

// A JPEG shrinking by more than 1/8 decodes at libjpeg's M/8 scale through ImageDecoder
// (app/workers/pipeline/decode-scaled.ts), upright whatever its EXIF orientation. This runs
// that module as it is, in a worker in Chromium, from Vite's dev server.

const port = 4197;
let server: ViteDevServer;

test.beforeAll(async () => {
  server = await harnessServer(port);
});

test.afterAll(async () => {
  await server?.close();
});

test('a JPEG decodes straight to a smaller size, as createImageBitmap would scale it', async ({
  page,
}) => {
  const answer = await decode(page, {
    jpegs: [landscape(1)],
    width: 1800,
    height: 1200,
    targets: [
      { width: 400, height: 267 }, // 2/8 decodes 450 × 300
      { width: 900, height: 600 }, // exactly 4/8
      { width: 1700, height: 1133 }, // no scale below 8/8 covers it: declined
    ],
  });
  const [[small, half, declined]] = answer.results;
  expect(small).toMatchObject({ width: 400, height: 267 });
  expect(half).toMatchObject({ width: 900, height: 600 });
  expect(declined).toBeNull();
  // The same picture as the usual path, up to its different scaling filters.
  expect(small!.psnr).toBeGreaterThan(38);
  expect(half!.psnr).toBeGreaterThan(38);
});

test('a turned or flipped JPEG decodes scaled and turns upright', async ({ page }) => {
  // Landscape_2..8 hold one picture stored in the seven other orientations; upright, each is
  // 1800 × 1200. Pixels turned wrongly would come back 267 × 400, or mirrored (low PSNR).
  const orientations = [2, 3, 4, 5, 6, 7, 8];
  const answer = await decode(page, {
    jpegs: orientations.map(landscape),
    width: 1800,
    height: 1200,
    targets: [{ width: 400, height: 267 }],
  });
  answer.results.forEach(([result], i) => {
    expect(result, `orientation ${orientations[i]}`).toMatchObject({ width: 400, height: 267 });
    expect(result!.psnr, `orientation ${orientations[i]}`).toBeGreaterThan(38);
  });
});

function landscape(orientation: number): ScaledRequest['jpegs'][number] {
  const file = join(sharedFixtures, `exif-orientation/Landscape_${orientation}.jpg`);
  return { jpeg: readFileSync(file).toString('base64'), orientation };
}

async function decode(page: Page, request: ScaledRequest): Promise<ScaledAnswer> {
  await page.goto(`http://localhost:${port}/test/e2e/harness/index.html?worker=decode-scaled`);
  return page.evaluate(
    (r) => (window as unknown as { run(r: ScaledRequest): Promise<ScaledAnswer> }).run(r),
    request,
  );
}
