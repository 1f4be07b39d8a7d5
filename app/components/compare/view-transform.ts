// The compare view's zoom and pan, as plain numbers: the image (the "content", in the
// original's pixels) is drawn at `scale` CSS px per pixel with its top-left corner at (x, y)
// in the view, i.e. CSS `translate(x, y) scale(scale)` with the origin at the top left.
// Both sides of the split use the one transform. After Squoosh's pinch-zoom element
// (src/client/lazy-app/Compress/Output/custom-els/PinchZoom), without its DOMMatrix.

export interface Transform {
  x: number;
  y: number;
  scale: number;
}

export interface Size {
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

/** 3200 %: one pixel as a 32 px square is as close as anyone needs to look. */
export const maxScale = 32;

/** One press of Zoom in or Zoom out: two presses double or halve. */
export const zoomStep = Math.SQRT2;

const empty = (s: Size) => !(s.width > 0 && s.height > 0);

/** The whole image in the view, as large as fits, centred. */
export function fitTransform(view: Size, content: Size): Transform {
  if (empty(view) || empty(content)) return { x: 0, y: 0, scale: 1 };
  const scale = Math.min(view.width / content.width, view.height / content.height);
  return {
    x: (view.width - content.width * scale) / 2,
    y: (view.height - content.height * scale) / 2,
    scale,
  };
}

/** From the whole image in view (or 1:1 for one smaller than the view) to maxScale. */
export function scaleBounds(view: Size, content: Size): { min: number; max: number } {
  const fit = fitTransform(view, content).scale;
  return { min: Math.min(fit, 1), max: Math.max(maxScale, fit) };
}

function clampAxis(pos: number, view: number, content: number): number {
  // Smaller than the view: centred. Larger: no gap at either edge.
  if (content <= view) return (view - content) / 2;
  return Math.min(0, Math.max(view - content, pos));
}

/** The scale within bounds and the image kept over the view (or centred when smaller). */
export function clampTransform(t: Transform, view: Size, content: Size): Transform {
  if (empty(view) || empty(content)) return t;
  const { min, max } = scaleBounds(view, content);
  const scale = Math.min(max, Math.max(min, t.scale));
  return {
    x: clampAxis(t.x, view.width, content.width * scale),
    y: clampAxis(t.y, view.height, content.height * scale),
    scale,
  };
}

/** Zooms to `scale` (within bounds) keeping the image point under `origin` where it is. */
export function zoomTo(
  t: Transform,
  scale: number,
  origin: Point,
  view: Size,
  content: Size,
): Transform {
  const { min, max } = scaleBounds(view, content);
  const next = Math.min(max, Math.max(min, scale));
  const f = next / t.scale;
  return clampTransform(
    { x: origin.x - (origin.x - t.x) * f, y: origin.y - (origin.y - t.y) * f, scale: next },
    view,
    content,
  );
}

/** Zooms by `factor` around `origin` (a point in the view). */
export function zoomAt(
  t: Transform,
  factor: number,
  origin: Point,
  view: Size,
  content: Size,
): Transform {
  return zoomTo(t, t.scale * factor, origin, view, content);
}

/** Moves the image by (dx, dy) CSS px, as far as the edges allow. */
export function panBy(t: Transform, dx: number, dy: number, view: Size, content: Size): Transform {
  return clampTransform({ ...t, x: t.x + dx, y: t.y + dy }, view, content);
}

/**
 * Two fingers moved from `before` to `after`: the image scales by how far apart they went,
 * around where they were, and follows their midpoint.
 */
export function pinch(
  t: Transform,
  before: [Point, Point],
  after: [Point, Point],
  view: Size,
  content: Size,
): Transform {
  const distance = ([a, b]: [Point, Point]) => Math.hypot(a.x - b.x, a.y - b.y);
  const mid = ([a, b]: [Point, Point]) => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });
  const d0 = distance(before);
  const factor = d0 > 0 ? distance(after) / d0 : 1;
  const m0 = mid(before);
  const m1 = mid(after);
  const zoomed = zoomAt(t, factor, m0, view, content);
  return panBy(zoomed, m1.x - m0.x, m1.y - m0.y, view, content);
}

/**
 * The zoom factor of one wheel event, Squoosh's rule: a 100 px notch zooms by 4/3 (in when
 * scrolling up, out by the exact inverse when down), a trackpad pinch (reported with
 * ctrlKey) three times faster; Firefox's line deltas count 15 px a line.
 */
export function wheelFactor(deltaY: number, deltaMode: number, ctrlKey: boolean): number {
  const px = deltaMode === 1 ? deltaY * 15 : deltaMode === 2 ? deltaY * 400 : deltaY;
  // Capped so one big flick cannot jump from fit to the maximum.
  const ratio = Math.min(3, 1 + Math.abs(px) / (ctrlKey ? 100 : 300));
  return px < 0 ? ratio : 1 / ratio;
}

/** The CSS transform of `t` (with `transform-origin: 0 0`). */
export function cssTransform(t: Transform): string {
  return `translate(${t.x}px, ${t.y}px) scale(${t.scale})`;
}
