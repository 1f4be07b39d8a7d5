import { describe, expect, it } from 'vitest';
import { resizeDefaults, type ResizeOptions } from '../../../shared/presets/index.js';
import { planResize } from '../../../shared/resize-plan.js';

const box = (maxWidth: number, maxHeight: number, more: Partial<ResizeOptions> = {}) => ({
  ...resizeDefaults,
  maxWidth,
  maxHeight,
  ...more,
});

describe('planResize', () => {
  it('keeps the size when neither side is limited', () => {
    expect(planResize(4000, 3000, box(0, 0))).toEqual({ width: 4000, height: 3000, crop: null });
    expect(planResize(40, 30, box(0, 0, { fit: 'cover', enlarge: true }))).toEqual({
      width: 40,
      height: 30,
      crop: null,
    });
  });

  describe('contain', () => {
    it('fits a landscape photo inside a square box, keeping its aspect ratio', () => {
      expect(planResize(4000, 3000, box(2048, 2048))).toEqual({
        width: 2048,
        height: 1536,
        crop: null,
      });
    });

    it('fits a portrait photo by its height', () => {
      expect(planResize(3000, 4000, box(2048, 2048))).toEqual({
        width: 1536,
        height: 2048,
        crop: null,
      });
    });

    it('limits only the side that has a limit', () => {
      expect(planResize(3000, 2000, box(1000, 0))).toMatchObject({ width: 1000, height: 667 });
      expect(planResize(3000, 2000, box(0, 500))).toMatchObject({ width: 750, height: 500 });
    });

    it('never enlarges a small image unless asked', () => {
      expect(planResize(800, 600, box(2048, 2048))).toEqual({
        width: 800,
        height: 600,
        crop: null,
      });
      expect(planResize(800, 600, box(2048, 2048, { enlarge: true }))).toEqual({
        width: 2048,
        height: 1536,
        crop: null,
      });
    });

    it('keeps a very thin image at least 1 px wide', () => {
      expect(planResize(10000, 3, box(100, 100))).toEqual({ width: 100, height: 1, crop: null });
    });

    it('never overshoots the box when rounding', () => {
      for (let w = 1; w <= 300; w += 7) {
        for (let h = 1; h <= 300; h += 11) {
          const plan = planResize(w, h, box(37, 53, { enlarge: true }));
          expect(plan.width).toBeLessThanOrEqual(37);
          expect(plan.height).toBeLessThanOrEqual(53);
          expect(plan.width === 37 || plan.height === 53, `${w}×${h}`).toBe(true);
        }
      }
    });
  });

  describe('cover', () => {
    it('fills the box and crops the centre of the source', () => {
      expect(planResize(4000, 3000, box(1000, 1000, { fit: 'cover' }))).toEqual({
        width: 1000,
        height: 1000,
        crop: { x: 500, y: 0, width: 3000, height: 3000 },
      });
      expect(planResize(3000, 4000, box(1600, 900, { fit: 'cover' }))).toEqual({
        width: 1600,
        height: 900,
        crop: { x: 0, y: 1156, width: 3000, height: 1688 },
      });
    });

    it('rounds an off-centre pixel towards the top left', () => {
      expect(planResize(4000, 3001, box(1000, 1000, { fit: 'cover' }))).toEqual({
        width: 1000,
        height: 1000,
        crop: { x: 499, y: 0, width: 3001, height: 3001 },
      });
      expect(planResize(3001, 4000, box(1000, 1000, { fit: 'cover' }))).toEqual({
        width: 1000,
        height: 1000,
        crop: { x: 0, y: 499, width: 3001, height: 3001 },
      });
    });

    it('needs no crop when the source already has the box aspect ratio', () => {
      expect(planResize(2000, 1000, box(1000, 500, { fit: 'cover' }))).toEqual({
        width: 1000,
        height: 500,
        crop: null,
      });
    });

    it('without enlarge, crops to the box at full scale instead of scaling up', () => {
      expect(planResize(1200, 600, box(1000, 1000, { fit: 'cover' }))).toEqual({
        width: 1000,
        height: 600,
        crop: { x: 100, y: 0, width: 1000, height: 600 },
      });
      expect(planResize(800, 600, box(1000, 1000, { fit: 'cover' }))).toEqual({
        width: 800,
        height: 600,
        crop: null,
      });
    });

    it('with enlarge, scales a small source up to fill the box', () => {
      expect(planResize(800, 600, box(1000, 1000, { fit: 'cover', enlarge: true }))).toEqual({
        width: 1000,
        height: 1000,
        crop: { x: 100, y: 0, width: 600, height: 600 },
      });
    });

    it('behaves as contain when one side has no limit', () => {
      expect(planResize(4000, 3000, box(1000, 0, { fit: 'cover' }))).toEqual({
        width: 1000,
        height: 750,
        crop: null,
      });
    });
  });

  describe('exact', () => {
    it('stretches to the box', () => {
      expect(planResize(4000, 3000, box(500, 500, { fit: 'exact' }))).toEqual({
        width: 500,
        height: 500,
        crop: null,
      });
    });

    it('without enlarge, clamps each side to the source', () => {
      expect(planResize(400, 3000, box(500, 500, { fit: 'exact' }))).toEqual({
        width: 400,
        height: 500,
        crop: null,
      });
      expect(planResize(400, 300, box(500, 500, { fit: 'exact', enlarge: true }))).toEqual({
        width: 500,
        height: 500,
        crop: null,
      });
    });

    it('behaves as contain when one side has no limit', () => {
      expect(planResize(4000, 3000, box(0, 300, { fit: 'exact' }))).toEqual({
        width: 400,
        height: 300,
        crop: null,
      });
    });
  });
});
