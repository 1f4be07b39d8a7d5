import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { ViteDevServer } from 'vite';
import { harnessServer } from './harness/dev-server.js';
import { sharedFixtures } from './fixture-tree.js';
import type { ScaledAnswer, ScaledRequest } from './harness/decode-scaled.worker.js';

// An upright JPEG shrinking by more than 1/8 decodes at libjpeg's M/8 scale through
// ImageDecoder (app/workers/pipeline/decode-scaled.ts). This runs that module as it is, in a
// worker in Chromium, from Vite's dev server.

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
  await page.goto(`http://localhost:${port}/test/e2e/harness/index.html?worker=decode-scaled`);
  const request: ScaledRequest = {
    jpeg: readFileSync(join(sharedFixtures, 'exif-orientation/Landscape_1.jpg')).toString('base64'),
    width: 1800,
    height: 1200,
    targets: [
      { width: 400, height: 267 }, // 2/8 decodes 450 × 300
      { width: 900, height: 600 }, // exactly 4/8
      { width: 1700, height: 1133 }, // no scale below 8/8 covers it: declined
    ],
  };
  const answer = await page.evaluate(
    (r) => (window as unknown as { run(r: ScaledRequest): Promise<ScaledAnswer> }).run(r),
    request,
  );
  const [small, half, declined] = answer.results;
  expect(small).toMatchObject({ width: 400, height: 267 });
  expect(half).toMatchObject({ width: 900, height: 600 });
  expect(declined).toBeNull();
  // The same picture as the usual path, up to its different scaling filters.
  expect(small!.psnr).toBeGreaterThan(38);
  expect(half!.psnr).toBeGreaterThan(38);
});
