import type { VisualLevel } from './schema.js';

/**
 * The Butteraugli distance (libjxl 0.7's max-norm, what butteraugli_main prints first) each
 * visual level allows. 1.0 is Butteraugli's own "just noticeable difference", the usual
 * meaning of visually lossless; 1.4 was Squoosh CLI's default target; 3 is about a WebP at
 * quality 75 of a typical photo, small and fine at screen size.
 */
export const levelDistance: Readonly<Record<VisualLevel, number>> = {
  lossless: 1.0,
  high: 1.5,
  web: 3.0,
};
