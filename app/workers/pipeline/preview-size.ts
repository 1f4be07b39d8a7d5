/** A size in pixels. */
export interface Size {
  width: number;
  height: number;
}

const atLeastOne = (n: number) => Math.max(1, Math.round(n));

/**
 * The largest size with the image's aspect ratio whose long side is at most `longSide` and
 * whose area is at most `maxPixels`, never larger than the image itself.
 *
 * @example
 * fitWithin({ width: 4000, height: 3000 }, { longSide: 192 }); // → 192 × 144
 * fitWithin({ width: 8000, height: 5336 }, { maxPixels: 4096 * 4096 }); // → 5015 × 3345
 */
export function fitWithin(
  image: Size,
  { longSide = Infinity, maxPixels = Infinity }: { longSide?: number; maxPixels?: number },
): Size {
  const { width, height } = image;
  const scale = Math.min(
    1,
    longSide / Math.max(width, height),
    Math.sqrt(maxPixels / (width * height)),
  );
  if (scale >= 1) return { width, height };
  let out = { width: atLeastOne(width * scale), height: atLeastOne(height * scale) };
  // Rounding up may overshoot the pixel budget by a row: take one off the longer side's share.
  while (out.width * out.height > maxPixels && out.width > 1 && out.height > 1) {
    out = width >= height ? { ...out, width: out.width - 1 } : { ...out, height: out.height - 1 };
  }
  return out;
}
