import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { harnessServer } from '../e2e/harness/dev-server.js';
import type { HarnessAnswer, HarnessRequest } from '../e2e/harness/webp-canvas.worker.js';
import { firefoxPort, launchFirefox, sharedFixtures, type Firefox } from './firefox.js';

// Firefox's canvas WebP encoder is libwebp at method 4: it takes over from jSquash at effort 4
// only, where it writes the same bytes (app/workers/codecs/webp-canvas.ts). The harness runs
// that module as it is, in a Firefox worker, from Vite's dev server.

const port = firefoxPort() + 20;
let server: ViteDevServer;
let firefox: Firefox;

beforeAll(async () => {
  server = await harnessServer(port);
  firefox = await launchFirefox();
});

afterAll(async () => {
  await firefox?.browser.close();
  await server?.close();
});

it("Firefox's canvas encoder is used at effort 4 and writes jSquash's bytes", async () => {
  const page = await firefox.browser.newPage();
  await page.goto(`http://localhost:${port}/test/e2e/harness/index.html?worker=webp-canvas`);
  const jpeg = (name: string) =>
    readFileSync(join(sharedFixtures, `exif-orientation/${name}.jpg`)).toString('base64');
  const opts = (quality: number, effort = 4) => ({ quality, effort, lossless: false });
  const request: HarnessRequest = {
    photos: [
      { jpeg: jpeg('Landscape_1'), width: 1200, height: 800, route: 'drawn' },
      { jpeg: jpeg('Landscape_6'), width: 800, height: 1200, route: 'drawn' },
    ],
    options: [opts(75), opts(40), opts(92), opts(75, 3)],
  };
  const answer = await page.evaluate(
    (r) => (window as unknown as { run(r: HarnessRequest): Promise<HarnessAnswer> }).run(r),
    request,
  );
  expect(answer.routes.slice(0, 3).every((r) => r !== 'none')).toBe(true);
  for (const row of answer.identical) expect(row.slice(0, 3)).toEqual([true, true, true]);
  // Effort 3 is not what Firefox's canvas writes: left to jSquash.
  expect(answer.routes[3]).toBe('none');
  expect(answer.identical[0][3]).toBe(false);
  expect(answer.givenBack).toBe(true);
  await page.close();
});
