import { scorerFor, type Scorer } from '../../../codecs/metrics/scorer.js';
import type { Pixels } from '../../../codecs/pixels.js';
import {
  outputFormats,
  type FormatId,
  type OutputSettings,
} from '../../../shared/formats/index.js';
import { carryExif } from '../../../shared/metadata/carry.js';
import type { ConversionSettings } from '../../../shared/presets/index.js';
import {
  encodeToTarget,
  outputsToTry,
  QualityMemory,
  type TargetResult,
  type TargetSide,
} from '../../../shared/target/encode-to-target.js';
import { levelScores } from '../../../shared/target/levels.js';
import { targetDefaults } from '../../../shared/target/schema.js';
import { decodeWasm, encodeWasm } from '../codecs/index.js';
import { flatten } from './flatten.js';
import { applyPlan } from './resize.js';

/** This worker's recent answers: its next search starts near them. */
const memory = new QualityMemory();

/**
 * The workers' side of a target (shared/target/encode-to-target.ts), as the server's
 * (server/convert/target.ts): each attempt encodes the resized pixels with the wasm encoder and
 * carries the EXIF over; a visual target decodes the attempt with the wasm decoder and scores
 * it with the target's metric against the same pixels, the reference analysed once per size.
 */
export async function encodeWithTarget(
  pixels: Pixels,
  settings: ConversionSettings,
  input: { bytes: Uint8Array; format: FormatId },
): Promise<TargetResult & { width: number; height: number }> {
  const target = settings.target ?? targetDefaults;
  // Per scale, the pixels as they are and flattened on the background (for JPEG).
  const sizes = new Map<string, Promise<Pixels>>();
  const at = (scale: number, flat: boolean): Promise<Pixels> => {
    const key = `${scale} ${flat}`;
    let image = sizes.get(key);
    if (!image) {
      if (flat) image = at(scale, false).then((p) => flatten(p, settings.background));
      else if (scale === 1) image = Promise.resolve(pixels);
      else {
        const width = Math.max(1, Math.round(pixels.width * scale));
        const height = Math.max(1, Math.round(pixels.height * scale));
        image = applyPlan(pixels, { width, height, crop: null }, settings.resize.method);
      }
      sizes.set(key, image);
    }
    return image;
  };
  const flat = (output: OutputSettings) => !outputFormats[output.format].alpha;
  const scorers = new Map<string, Scorer>();

  const side: TargetSide = {
    async encode(output, scale) {
      const image = await at(scale, flat(output));
      const encoded = await encodeWasm(image, output);
      return carryExif(input.bytes, input.format, encoded, output.format, settings.metadata, {
        width: image.width,
        height: image.height,
      });
    },
    async score(encoded, output, scale) {
      const key = `${scale} ${flat(output)}`;
      let score = scorers.get(key);
      if (!score) {
        // One reference at a time: Butteraugli's holds some 100 bytes a pixel.
        scorers.clear();
        score = scorerFor(target.metric, await at(scale, flat(output)));
        scorers.set(key, score);
      }
      return score(await decodeWasm(output.format, encoded));
    },
  };

  const result = await encodeToTarget(side, {
    target,
    outputs: outputsToTry(settings),
    memory,
    maxScore: levelScores[target.metric][target.level],
  });
  const { width, height } = await at(result.scale, false);
  return { ...result, width, height };
}
