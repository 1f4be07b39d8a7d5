import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { ViteDevServer } from 'vite';
import { harnessServer } from './harness/dev-server.js';
import { sharedFixtures } from './fixture-tree.js';
import type { HarnessAnswer, HarnessRequest } from './harness/webp-canvas.worker.js';

// The app hands WebP encoding to Chromium's canvas encoder when it writes exactly what
// jSquash would (app/workers/codecs/webp-canvas.ts). This runs that module as it is, in
// a worker in Chromium, from Vite's dev server (the production build has no harness page).

const port = 4195;
let server: ViteDevServer;

test.beforeAll(async () => {
  server = await harnessServer(port, ['@jsquash/webp']);
});

test.afterAll(async () => {
  await server?.close();
});

test("Chromium's canvas encoder is used at effort 3 and writes jSquash's bytes", async ({
  page,
}) => {
  await page.goto(`http://localhost:${port}/test/e2e/harness/index.html?worker=webp-canvas`);
  const jpeg = (name: string) =>
    readFileSync(join(sharedFixtures, `exif-orientation/${name}.jpg`)).toString('base64');
  const opts = (quality: number, effort = 3, lossless = false) => ({ quality, effort, lossless });
  const request: HarnessRequest = {
    photos: [
      // Stored upright: handed over as the bitmap itself.
      { jpeg: jpeg('Landscape_1'), width: 1200, height: 800, route: 'bitmap' },
      // Stored turned (orientation 6, upright 1200 × 1800): drawn on a canvas first.
      { jpeg: jpeg('Landscape_6'), width: 800, height: 1200, route: 'drawn' },
    ],
    options: [opts(75), opts(40), opts(92), opts(75, 4), opts(100), opts(75, 3, true)],
  };
  const answer = await page.evaluate(
    (r) => (window as unknown as { run(r: HarnessRequest): Promise<HarnessAnswer> }).run(r),
    request,
  );
  // Effort 3 at quality < 100: taken straight from the bitmap, and byte for byte what jSquash
  // writes, on both routes.
  expect(answer.routes.slice(0, 3)).toEqual(['bitmap', 'bitmap', 'bitmap']);
  for (const row of answer.identical) expect(row.slice(0, 3)).toEqual([true, true, true]);
  // Another effort, quality 100 (the canvas turns lossless) or lossless: left to jSquash.
  expect(answer.routes.slice(3)).toEqual(['none', 'none', 'none']);
  expect(answer.identical[0][3]).toBe(false);
  expect(answer.givenBack).toBe(true);
  // Transparency is coded differently by the two: the canvas result is refused, and the
  // pixels are still there for jSquash.
  expect(answer.transparent).toEqual({ result: 'null', width: 1200, height: 800, corner: 0 });
});
