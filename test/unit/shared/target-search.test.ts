import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { join } from 'node:path';
import { searchQuality, type Goal, type Probe } from '../../../shared/target/search.js';

const photo = join(
  import.meta.dirname,
  '../../../../shared/fixtures/exif-orientation/Landscape_1.jpg',
);

/** Real JPEG sizes of a real photo at every quality, so the search meets a real curve. */
async function jpegCurve(width: number): Promise<number[]> {
  const pixels = await sharp(photo).resize(width).raw().toBuffer({ resolveWithObject: true });
  const sizes: number[] = [];
  for (let q = 1; q <= 100; q++) {
    const { data, info } = pixels;
    const out = await sharp(data, { raw: info }).jpeg({ quality: q, mozjpeg: true }).toBuffer();
    sizes[q] = out.length;
  }
  return sizes;
}

function probeFrom(sizes: number[], score?: (q: number) => number) {
  const calls: number[] = [];
  const probe = async (quality: number): Promise<Probe> => {
    calls.push(quality);
    return { quality, bytes: sizes[quality], score: score?.(quality) };
  };
  return { probe, calls };
}

const size = (maxBytes: number): Goal => ({ kind: 'size', maxBytes, slack: 0.05 });

describe('searchQuality for a file-size cap, on a real JPEG curve', async () => {
  const sizes = await jpegCurve(640);

  it('stays under every cap and lands within 15 % of it where the cap binds, in few encodes', async () => {
    const caps = [0.15, 0.25, 0.4, 0.6, 0.8].map((f) => Math.round(sizes[100] * f));
    for (const cap of caps) {
      const { probe, calls } = probeFrom(sizes);
      const r = await searchQuality({
        goal: size(cap),
        min: 1,
        max: 100,
        first: 75,
        maxAttempts: 7,
        probe,
      });
      expect(r.best, `cap ${cap}`).toBeDefined();
      expect(r.best!.bytes).toBeLessThanOrEqual(cap);
      expect(r.best!.bytes, `cap ${cap}: ${calls.join(', ')}`).toBeGreaterThanOrEqual(cap * 0.85);
      expect(calls.length).toBeLessThanOrEqual(7);
      expect(r.attempts.map((a) => a.quality)).toEqual(calls);
    }
  });

  it('returns the best quality when even it fits under the cap', async () => {
    const { probe, calls } = probeFrom(sizes);
    const r = await searchQuality({
      goal: size(sizes[100] * 2),
      min: 1,
      max: 100,
      first: 75,
      maxAttempts: 7,
      probe,
    });
    expect(r.best!.quality).toBe(100);
    expect(calls.length).toBeLessThanOrEqual(3);
  });

  it('says how close it got when even the lowest quality is over the cap', async () => {
    const { probe, calls } = probeFrom(sizes);
    const cap = Math.round(sizes[1] * 0.8);
    const r = await searchQuality({
      goal: size(cap),
      min: 1,
      max: 100,
      first: 75,
      maxAttempts: 5,
      probe,
    });
    expect(r.best).toBeUndefined();
    // The lowest quality was tried: the cap cannot be met in this range.
    expect(calls).toContain(1);
    expect(r.closest).toEqual({ quality: 1, bytes: sizes[1], score: undefined });
    expect(calls.length).toBeLessThanOrEqual(5);
  });

  it('never spends more than maxAttempts encodes', async () => {
    for (const maxAttempts of [1, 2, 3]) {
      const { probe, calls } = probeFrom(sizes);
      const r = await searchQuality({
        goal: size(Math.round(sizes[100] * 0.3)),
        min: 1,
        max: 100,
        first: 95,
        maxAttempts,
        probe,
      });
      expect(calls.length).toBeLessThanOrEqual(maxAttempts);
      if (r.best) expect(r.best.bytes).toBeLessThanOrEqual(sizes[100] * 0.3);
    }
  });
});

describe('searchQuality keeps its limit on a curve that is not monotone', () => {
  it('returns only measured passes, whatever the noise', async () => {
    // Sizes that grow with quality but jump ±8 % from one quality to the next.
    let seed = 7;
    const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.16;
    const sizes = Array.from({ length: 101 }, (_, q) =>
      Math.round(20_000 * 2 ** (q / 15) * (1 + noise())),
    );
    for (const cap of [30_000, 60_000, 90_000, 150_000]) {
      const { probe } = probeFrom(sizes);
      const r = await searchQuality({
        goal: size(cap),
        min: 0,
        max: 100,
        first: 50,
        maxAttempts: 8,
        probe,
      });
      expect(r.best).toBeDefined();
      expect(r.best!.bytes).toBeLessThanOrEqual(cap);
    }
  });
});

describe('searchQuality for a visual limit', () => {
  // A perceptual distance that falls as quality rises, as real metrics do.
  const score = (q: number) => 0.2 * Math.exp(-q / 18);
  const sizes = Array.from({ length: 101 }, (_, q) => Math.round(10_000 * 2 ** (q / 15)));
  const visual = (maxScore: number): Goal => ({ kind: 'visual', maxScore, slack: 0.1 });

  it('finds the lowest quality whose score is within the limit', async () => {
    for (const limit of [0.1, 0.03, 0.01, 0.003]) {
      const { probe, calls } = probeFrom(sizes, score);
      const r = await searchQuality({
        goal: visual(limit),
        min: 0,
        max: 100,
        first: 75,
        maxAttempts: 7,
        probe,
      });
      const lowest = sizes.findIndex((_, q) => score(q) <= limit);
      expect(r.best!.score).toBeLessThanOrEqual(limit);
      // Within the slack of the lowest passing quality, or that quality itself.
      expect(
        r.best!.quality === lowest || r.best!.score! >= limit * 0.9,
        `${limit}: ${calls}`,
      ).toBe(true);
      expect(calls.length).toBeLessThanOrEqual(7);
    }
  });

  it('reports the best score reached when even the highest quality misses the limit', async () => {
    const { probe, calls } = probeFrom(sizes, score);
    const r = await searchQuality({
      goal: visual(1e-5),
      min: 0,
      max: 100,
      first: 75,
      maxAttempts: 4,
      probe,
    });
    expect(r.best).toBeUndefined();
    expect(calls).toContain(100);
    expect(r.closest!.quality).toBe(100);
  });

  it('asks for a score on every probe', async () => {
    const { probe } = probeFrom(sizes);
    await expect(
      searchQuality({ goal: visual(0.01), min: 0, max: 100, first: 75, maxAttempts: 3, probe }),
    ).rejects.toThrow(/needs a score/);
  });
});
