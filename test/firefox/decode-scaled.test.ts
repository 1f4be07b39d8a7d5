import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { ScaledAnswer, ScaledRequest } from '../e2e/harness/decode-scaled.worker.js';
import { sharedFixtures } from './firefox.js';
import { firefoxHarness } from './harness.js';

// Firefox's ImageDecoder hands back frames already upright and at exactly the size asked,
// where Chromium's are as stored with `rotation`/`flip` set (app/workers/pipeline/
// decode-scaled.ts). The same harness as test/e2e/decode-scaled.spec.ts, in a Firefox worker.

const run = firefoxHarness(21);

it('a JPEG in any of the eight orientations decodes scaled and upright', async () => {
  // Landscape_1..8 hold one picture stored in the eight orientations; upright, each is
  // 1800 × 1200. Pixels turned wrongly would come back 267 × 400, or mirrored (low PSNR).
  const orientations = [1, 2, 3, 4, 5, 6, 7, 8];
  const jpegs = orientations.map((orientation) => {
    const file = join(sharedFixtures, `exif-orientation/Landscape_${orientation}.jpg`);
    return { jpeg: readFileSync(file).toString('base64'), orientation };
  });
  const request: ScaledRequest = {
    jpegs,
    width: 1800,
    height: 1200,
    // 2/8, and 5/8 (where Chromium leaves a turned photo to createImageBitmap).
    targets: [
      { width: 400, height: 267 },
      { width: 1100, height: 733 },
    ],
  };
  const answer = await run<ScaledRequest, ScaledAnswer>('decode-scaled', request);
  answer.results.forEach((results, i) => {
    results.forEach((result, j) => {
      const what = `orientation ${orientations[i]} to ${request.targets[j].width} px`;
      expect(result, what).toMatchObject(request.targets[j]);
      expect(result!.psnr, what).toBeGreaterThan(38);
    });
  });
});
