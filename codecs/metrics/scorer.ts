import type { Pixels } from '../pixels.js';
import { ButteraugliComparator } from './butteraugli.js';
import { hasTranslucency } from './butteraugli-opsin.js';
import { ssimulacraAgainst } from './ssimulacra.js';

/** Scores a distorted image against the reference it was made for; lower is closer. */
export type Scorer = (distorted: Pixels) => number;

/**
 * A scorer for `reference` by the named metric, analysing the reference once for the many
 * attempts of a quality search: Butteraugli's max-norm distance, or SSIMULACRA's score.
 */
export function scorerFor(metric: 'butteraugli' | 'ssimulacra', reference: Pixels): Scorer {
  if (metric === 'ssimulacra') {
    // ssimulacra_main ignores alpha, so colour hidden under transparent pixels (which lossy
    // WebP and AVIF are free to change) would count in full. Both sides are blended over
    // mid-grey first, as Cloudinary's original SSIMULACRA did; opaque images are unchanged.
    if (!hasTranslucency(reference.data)) return ssimulacraAgainst(reference);
    const score = ssimulacraAgainst(overGrey(reference));
    return (distorted) => score(overGrey(distorted));
  }
  // Butteraugli blends over black and over white itself (enc_comparator.cc).
  const comparator = new ButteraugliComparator(reference);
  return (distorted) => comparator.compare(distorted).distance;
}

/** The image composited over mid-grey (128) and made opaque. */
function overGrey({ data, width, height }: Pixels): Pixels {
  const out = new Uint8ClampedArray(data.length);
  for (let i = 0; i < data.length; i += 4) {
    const a = data[i + 3] / 255;
    for (let c = 0; c < 3; c++) out[i + c] = data[i + c] * a + 128 * (1 - a);
    out[i + 3] = 255;
  }
  return { data: out, width, height };
}
