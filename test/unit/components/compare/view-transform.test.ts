import { describe, expect, it } from 'vitest';
import {
  clampTransform,
  cssTransform,
  fitTransform,
  maxScale,
  panBy,
  pinch,
  scaleBounds,
  wheelFactor,
  zoomAt,
  zoomStep,
  zoomTo,
  type Point,
  type Transform,
} from '../../../../app/components/compare/view-transform.js';

const view = { width: 800, height: 600 };
const photo = { width: 4000, height: 3000 };

/** Where image point `p` (in image pixels) lands in the view. */
const onScreen = (t: Transform, p: Point): Point => ({
  x: t.x + p.x * t.scale,
  y: t.y + p.y * t.scale,
});
/** Which image point is under view point `p`. */
const underneath = (t: Transform, p: Point): Point => ({
  x: (p.x - t.x) / t.scale,
  y: (p.y - t.y) / t.scale,
});

describe('fitTransform', () => {
  it('shows the whole image as large as fits, centred on the other axis', () => {
    expect(fitTransform(view, photo)).toEqual({ x: 0, y: 0, scale: 0.2 });
    const tall = fitTransform(view, { width: 3000, height: 4000 });
    expect(tall.scale).toBe(0.15);
    expect(tall.x).toBe((800 - 450) / 2);
    expect(tall.y).toBe(0);
  });

  it('enlarges an image smaller than the view, and survives a view not laid out yet', () => {
    expect(fitTransform(view, { width: 80, height: 60 }).scale).toBe(10);
    expect(fitTransform({ width: 0, height: 0 }, photo)).toEqual({ x: 0, y: 0, scale: 1 });
  });
});

describe('zooming', () => {
  it('keeps the image point under the pointer in place', () => {
    const fit = fitTransform(view, photo);
    const pointer = { x: 600, y: 150 };
    const before = underneath(fit, pointer);
    const zoomed = zoomAt(fit, 3, pointer, view, photo);
    expect(zoomed.scale).toBeCloseTo(0.6);
    const after = onScreen(zoomed, before);
    expect(after.x).toBeCloseTo(pointer.x);
    expect(after.y).toBeCloseTo(pointer.y);
  });

  it('goes to 1:1 around the centre and back to fit', () => {
    const fit = fitTransform(view, photo);
    const centre = { x: 400, y: 300 };
    const one = zoomTo(fit, 1, centre, view, photo);
    expect(one.scale).toBe(1);
    // The middle of the photo stays in the middle of the view.
    expect(underneath(one, centre)).toEqual({ x: 2000, y: 1500 });
  });

  it('stops between the whole image in view and 3200 %', () => {
    const fit = fitTransform(view, photo);
    expect(zoomAt(fit, 1 / zoomStep, { x: 0, y: 0 }, view, photo).scale).toBe(0.2);
    expect(zoomTo(fit, 1000, { x: 0, y: 0 }, view, photo).scale).toBe(maxScale);
    expect(scaleBounds(view, { width: 80, height: 60 })).toEqual({ min: 1, max: maxScale });
    expect(scaleBounds(view, { width: 8, height: 6 }).max).toBe(100);
  });
});

describe('panning', () => {
  it('moves a zoomed image by the drag, never past its edges', () => {
    const t = zoomTo(fitTransform(view, photo), 1, { x: 400, y: 300 }, view, photo);
    const moved = panBy(t, 120, -40, view, photo);
    expect(moved).toEqual({ x: t.x + 120, y: t.y - 40, scale: 1 });
    expect(panBy(t, 1e6, 1e6, view, photo)).toEqual({ x: 0, y: 0, scale: 1 });
    expect(panBy(t, -1e6, -1e6, view, photo)).toEqual({ x: 800 - 4000, y: 600 - 3000, scale: 1 });
  });

  it('keeps an image smaller than the view centred', () => {
    const fit = fitTransform(view, photo);
    expect(panBy(fit, 50, 50, view, photo)).toEqual(fit);
    expect(clampTransform({ x: -999, y: 5, scale: 0.1 }, view, photo)).toEqual(fit);
  });
});

describe('pinch', () => {
  it('scales by how far the fingers spread, around where they were, and follows them', () => {
    const t = zoomTo(fitTransform(view, photo), 1, { x: 400, y: 300 }, view, photo);
    const before: [Point, Point] = [
      { x: 300, y: 300 },
      { x: 500, y: 300 },
    ];
    const after: [Point, Point] = [
      { x: 220, y: 310 },
      { x: 620, y: 310 },
    ];
    const picked = underneath(t, { x: 400, y: 300 });
    const next = pinch(t, before, after, view, photo);
    expect(next.scale).toBeCloseTo(2);
    const now = onScreen(next, picked);
    expect(now.x).toBeCloseTo(420);
    expect(now.y).toBeCloseTo(310);
  });
});

describe('wheelFactor', () => {
  it('zooms in on a notch up and out by the exact inverse on a notch down', () => {
    expect(wheelFactor(-100, 0, false)).toBeCloseTo(4 / 3);
    expect(wheelFactor(100, 0, false) * wheelFactor(-100, 0, false)).toBeCloseTo(1);
    // Firefox: 3 lines.
    expect(wheelFactor(-3, 1, false)).toBeCloseTo(1.15);
    // A trackpad pinch is faster, and no flick jumps more than ×3.
    expect(wheelFactor(-10, 0, true)).toBeCloseTo(1.1);
    expect(wheelFactor(-5000, 0, false)).toBe(3);
  });
});

it('writes the transform as CSS', () => {
  expect(cssTransform({ x: 10, y: -5.5, scale: 0.25 })).toBe('translate(10px, -5.5px) scale(0.25)');
});
