import { ownBuffer, type Pixels } from '../../../codecs/pixels.js';

/** Orientations 5..8 turn the image a quarter, so width and height swap. */
export function swapsAxes(orientation: number): boolean {
  return orientation >= 5 && orientation <= 8;
}

/**
 * Turns stored pixels upright by EXIF Orientation (0x0112): 1 as stored, 2 mirrored, 3 turned
 * 180°, 4 flipped, 5 transposed, 6 needs 90° clockwise, 7 transversed, 8 needs 90°
 * counter-clockwise. Anything else (0, missing, garbage) counts as 1 and returns the input.
 */
export function orient(image: Pixels, orientation: number): Pixels {
  if (!Number.isInteger(orientation) || orientation < 2 || orientation > 8) return image;
  const { width: w, height: h } = image;
  const src = new Uint32Array(ownBuffer(image).data.buffer, 0, w * h);
  const out = new Uint8ClampedArray(w * h * 4);
  const dst = new Uint32Array(out.buffer);
  const swap = swapsAxes(orientation);
  const outW = swap ? h : w;
  // Where source pixel (x, y) lands: dst index = base(y) + x * step, per orientation.
  for (let y = 0; y < h; y++) {
    let i: number;
    let step: number;
    switch (orientation) {
      case 2: // mirror: (w-1-x, y)
        i = y * outW + (w - 1);
        step = -1;
        break;
      case 3: // 180°: (w-1-x, h-1-y)
        i = (h - 1 - y) * outW + (w - 1);
        step = -1;
        break;
      case 4: // flip: (x, h-1-y)
        i = (h - 1 - y) * outW;
        step = 1;
        break;
      case 5: // transpose: (y, x)
        i = y;
        step = outW;
        break;
      case 6: // 90° clockwise: (h-1-y, x)
        i = h - 1 - y;
        step = outW;
        break;
      case 7: // transverse: (h-1-y, w-1-x)
        i = (w - 1) * outW + (h - 1 - y);
        step = -outW;
        break;
      default: // 8, 90° counter-clockwise: (y, w-1-x)
        i = (w - 1) * outW + y;
        step = -outW;
    }
    const row = y * w;
    for (let x = 0; x < w; x++, i += step) dst[i] = src[row + x];
  }
  return { data: out, width: outW, height: swap ? w : h };
}
