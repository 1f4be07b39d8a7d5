import type { Pixels } from '../../../codecs/pixels.js';

/** '#rrggbb' to [r, g, b]; anything else is white, the preset default. */
export function parseColour(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return [255, 255, 255];
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

/**
 * Paints `background` under every pixel that is not fully opaque and makes it opaque, in
 * place: JPEG has no alpha, and its encoder would otherwise keep the colour hidden under
 * transparency (often black).
 */
export function flatten(image: Pixels, background: string): Pixels {
  const [br, bg, bb] = parseColour(background);
  const d = image.data;
  // Uint8ClampedArray rounds to nearest on assignment.
  for (let i = 3; i < d.length; i += 4) {
    const a = d[i];
    if (a === 255) continue;
    const inv = 255 - a;
    d[i - 3] = (d[i - 3] * a + br * inv) / 255;
    d[i - 2] = (d[i - 2] * a + bg * inv) / 255;
    d[i - 1] = (d[i - 1] * a + bb * inv) / 255;
    d[i] = 255;
  }
  return image;
}
