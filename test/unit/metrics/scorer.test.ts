import { describe, expect, it } from 'vitest';
import { scorerFor } from '../../../codecs/metrics/scorer.js';
import type { Pixels } from '../../../codecs/pixels.js';

/** A 64 × 64 image: a gradient, its left half fully transparent. */
function image(hidden: number): Pixels {
  const data = new Uint8ClampedArray(64 * 64 * 4);
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 64; x++) {
      const i = (y * 64 + x) * 4;
      const transparent = x < 32;
      data.set([transparent ? hidden : x * 4, y * 4, 128, transparent ? 0 : 255], i);
    }
  }
  return { data, width: 64, height: 64 };
}

describe('scorerFor', () => {
  it('does not count colour hidden under transparent pixels, with either metric', () => {
    for (const metric of ['ssimulacra', 'butteraugli'] as const) {
      const score = scorerFor(metric, image(0));
      expect(score(image(0)), metric).toBe(0);
      expect(score(image(255)), metric).toBeCloseTo(0, 6);
    }
  });

  it('counts a visible change', () => {
    const changed = image(0);
    for (let i = 32 * 4; i < changed.data.length; i += 64 * 4) changed.data[i + 1] ^= 0x40;
    for (const metric of ['ssimulacra', 'butteraugli'] as const) {
      expect(scorerFor(metric, image(0))(changed), metric).toBeGreaterThan(0);
    }
  });
});
