import { describe, expect, it } from 'vitest';
import { fitWithin } from '../../../app/workers/pipeline/preview-size.js';

describe('fitWithin', () => {
  it('scales a photo to a thumbnail by its long side, keeping the aspect ratio', () => {
    expect(fitWithin({ width: 4000, height: 3000 }, { longSide: 192 })).toEqual({
      width: 192,
      height: 144,
    });
    expect(fitWithin({ width: 1200, height: 1800 }, { longSide: 192 })).toEqual({
      width: 128,
      height: 192,
    });
  });

  it('never enlarges an image smaller than the box', () => {
    expect(fitWithin({ width: 32, height: 32 }, { longSide: 192 })).toEqual({
      width: 32,
      height: 32,
    });
    expect(fitWithin({ width: 4000, height: 3000 }, { maxPixels: 4096 * 4096 })).toEqual({
      width: 4000,
      height: 3000,
    });
  });

  it('caps a giant image under the pixel budget without distorting it', () => {
    const out = fitWithin({ width: 8000, height: 5336 }, { maxPixels: 4096 * 4096 });
    expect(out.width * out.height).toBeLessThanOrEqual(4096 * 4096);
    expect(out.width * out.height).toBeGreaterThan(4096 * 4096 * 0.998);
    expect(Math.abs(out.width / out.height - 8000 / 5336)).toBeLessThan(0.001);
  });

  it('keeps at least one pixel on each side of a very thin image', () => {
    expect(fitWithin({ width: 10_000, height: 2 }, { longSide: 192 })).toEqual({
      width: 192,
      height: 1,
    });
  });
});
