import type { ResizeOptions } from './presets/index.js';

/** The output size, and for cover the source rectangle to keep (crop first, then scale). */
export interface ResizePlan {
  width: number;
  height: number;
  crop: { x: number; y: number; width: number; height: number } | null;
}

const atLeastOne = (n: number) => Math.max(1, Math.round(n));

/**
 * Plans the output size for an image of `srcWidth` × `srcHeight` (already oriented) under
 * `resize`; a 0 side of the box means no limit on that side.
 *
 * @example
 * // A 4000 × 3000 photo covering a 1000 × 1000 square keeps the central 3000 × 3000.
 * planResize(4000, 3000, { ...resizeDefaults, maxWidth: 1000, maxHeight: 1000, fit: 'cover' });
 * // → { width: 1000, height: 1000, crop: { x: 500, y: 0, width: 3000, height: 3000 } }
 */
export function planResize(srcWidth: number, srcHeight: number, resize: ResizeOptions): ResizePlan {
  const sw = atLeastOne(srcWidth);
  const sh = atLeastOne(srcHeight);
  const { maxWidth: bw, maxHeight: bh, enlarge } = resize;
  if (bw <= 0 && bh <= 0) return { width: sw, height: sh, crop: null };
  // With one side unbounded there is no box to fill or stretch to, only a limit to fit under.
  const fit = bw > 0 && bh > 0 ? resize.fit : 'contain';

  if (fit === 'exact') {
    return enlarge
      ? { width: bw, height: bh, crop: null }
      : { width: Math.min(bw, sw), height: Math.min(bh, sh), crop: null };
  }

  if (fit === 'contain') {
    let scale = Math.min(bw > 0 ? bw / sw : Infinity, bh > 0 ? bh / sh : Infinity);
    if (!enlarge) scale = Math.min(scale, 1);
    // The limiting side lands on the box exactly; the other rounds, which cannot overshoot.
    return { width: atLeastOne(sw * scale), height: atLeastOne(sh * scale), crop: null };
  }

  // cover: scale so both sides reach the box, then keep the centre of what overflows.
  let scale = Math.max(bw / sw, bh / sh);
  if (!enlarge) scale = Math.min(scale, 1);
  const width = Math.min(bw, atLeastOne(sw * scale));
  const height = Math.min(bh, atLeastOne(sh * scale));
  const cropWidth = Math.min(sw, atLeastOne(width / scale));
  const cropHeight = Math.min(sh, atLeastOne(height / scale));
  const crop =
    cropWidth === sw && cropHeight === sh
      ? null
      : {
          x: Math.floor((sw - cropWidth) / 2),
          y: Math.floor((sh - cropHeight) / 2),
          width: cropWidth,
          height: cropHeight,
        };
  return { width, height, crop };
}
