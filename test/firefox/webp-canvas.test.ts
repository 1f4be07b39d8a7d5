import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { HarnessAnswer, HarnessRequest } from '../e2e/harness/webp-canvas.worker.js';
import { sharedFixtures } from './firefox.js';
import { firefoxHarness } from './harness.js';

// Firefox's canvas WebP encoder is libwebp at method 4: it takes over from jSquash at effort 4
// only, where it writes the same bytes (app/workers/codecs/webp-canvas.ts). The harness runs
// that module as it is, in a Firefox worker, from Vite's dev server.

const run = firefoxHarness(20);

it("Firefox's canvas encoder is used at effort 4 and writes jSquash's bytes", async () => {
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
  const answer = await run<HarnessRequest, HarnessAnswer>('webp-canvas', request);
  expect(answer.routes.slice(0, 3).every((r) => r !== 'none')).toBe(true);
  for (const row of answer.identical) expect(row.slice(0, 3)).toEqual([true, true, true]);
  // Effort 3 is not what Firefox's canvas writes: left to jSquash.
  expect(answer.routes[3]).toBe('none');
  expect(answer.identical[0][3]).toBe(false);
  expect(answer.givenBack).toBe(true);
});
