import type { Pixels } from '../pixels.js';
import { ButteraugliComparator } from './butteraugli.js';
import { ssimulacraAgainst } from './ssimulacra.js';

/** Scores a distorted image against the reference it was made for; lower is closer. */
export type Scorer = (distorted: Pixels) => number;

/**
 * A scorer for `reference` by the named metric, analysing the reference once for the many
 * attempts of a quality search: Butteraugli's max-norm distance, or SSIMULACRA's score.
 */
export function scorerFor(metric: 'butteraugli' | 'ssimulacra', reference: Pixels): Scorer {
  if (metric === 'ssimulacra') return ssimulacraAgainst(reference);
  const comparator = new ButteraugliComparator(reference);
  return (distorted) => comparator.compare(distorted).distance;
}
