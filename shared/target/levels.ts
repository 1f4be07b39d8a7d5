import type { VisualLevel, VisualMetric } from './schema.js';

/**
 * The score each visual level allows, per metric (lower scores are closer to the source).
 *
 * Butteraugli, the max-norm distance butteraugli_main prints first: 1.0 is its own "just
 * noticeable difference", the usual meaning of visually lossless; 1.4 was Squoosh CLI's
 * default target; 3 is about a WebP at quality 75 of a typical photo.
 *
 * SSIMULACRA, as ssimulacra_main prints it: its documentation calls under 0.01 likely
 * imperceptible and over 0.1 annoying; on the fixture photos JPEG at quality 90 scores
 * 0.016–0.036 and WebP at 75 0.025–0.048 (codecs/metrics/ssimulacra.ts).
 */
export const levelScores: Readonly<Record<VisualMetric, Readonly<Record<VisualLevel, number>>>> = {
  butteraugli: { lossless: 1.0, high: 1.5, web: 3.0 },
  ssimulacra: { lossless: 0.01, high: 0.02, web: 0.045 },
};

export const metricNames: Readonly<Record<VisualMetric, string>> = {
  butteraugli: 'Butteraugli',
  ssimulacra: 'SSIMULACRA',
};
