import { scorerFor, type Scorer } from '../../../codecs/metrics/scorer.js';
import type { Pixels } from '../../../codecs/pixels.js';
import type { FormatId } from '../../../shared/formats/index.js';
import { carryExif } from '../../../shared/metadata/carry.js';
import type { ConversionSettings } from '../../../shared/presets/index.js';
import {
  encodeToTarget,
  type TargetResult,
  type TargetSide,
} from '../../../shared/target/encode-to-target.js';
import { levelScores } from '../../../shared/target/levels.js';
import type { TargetOptions } from '../../../shared/target/schema.js';
import { decodeWasm, encodeWasm } from '../codecs/index.js';
import { applyPlan } from './resize.js';

/**
 * The workers' side of a target (shared/target/encode-to-target.ts), as the server's
 * (server/convert/target.ts): each attempt encodes the resized pixels with the wasm encoder and
 * carries the EXIF over; a visual target decodes the attempt with the wasm decoder and scores
 * it with the target's metric against the same pixels, the reference analysed once per size.
 */
export async function encodeWithTarget(
  pixels: Pixels,
  settings: ConversionSettings & { target: TargetOptions },
  input: { bytes: Uint8Array; format: FormatId },
): Promise<TargetResult & { width: number; height: number }> {
  const sizes = new Map<number, Promise<Pixels>>([[1, Promise.resolve(pixels)]]);
  const at = (scale: number) => {
    let image = sizes.get(scale);
    if (!image) {
      const width = Math.max(1, Math.round(pixels.width * scale));
      const height = Math.max(1, Math.round(pixels.height * scale));
      image = applyPlan(pixels, { width, height, crop: null }, settings.resize.method);
      sizes.set(scale, image);
    }
    return image;
  };
  const { metric } = settings.target;
  const scorers = new Map<number, Scorer>();

  const side: TargetSide = {
    async encode(output, scale) {
      const image = await at(scale);
      const encoded = await encodeWasm(image, output);
      return carryExif(input.bytes, input.format, encoded, output.format, settings.metadata, {
        width: image.width,
        height: image.height,
      });
    },
    async score(encoded, output, scale) {
      let score = scorers.get(scale);
      if (!score) {
        // One reference at a time: Butteraugli's holds some 100 bytes a pixel.
        scorers.clear();
        score = scorerFor(metric, await at(scale));
        scorers.set(scale, score);
      }
      return score(await decodeWasm(output.format, encoded));
    },
  };

  const result = await encodeToTarget(side, {
    target: settings.target,
    outputs: [settings.output],
    maxScore: levelScores[metric][settings.target.level],
  });
  const { width, height } = await at(result.scale);
  return { ...result, width, height };
}
