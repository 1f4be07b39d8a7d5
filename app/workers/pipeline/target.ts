import { scorerFor, type Scorer } from '../../../codecs/metrics/scorer.js';
import type { Pixels } from '../../../codecs/pixels.js';
import type { FormatId } from '../../../shared/formats/index.js';
import { carryExif } from '../../../shared/metadata/carry.js';
import type { ConversionSettings } from '../../../shared/presets/index.js';
import {
  encodeToTarget,
  QualityMemory,
  requestFor,
  type TargetResult,
  type TargetSide,
} from '../../../shared/target/encode-to-target.js';
import { flattensFor, sourceVariants } from '../../../shared/target/sources.js';
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
  const req = requestFor(settings, memory);
  const at = sourceVariants(pixels, {
    resize: (full, scale) => {
      const width = Math.max(1, Math.round(full.width * scale));
      const height = Math.max(1, Math.round(full.height * scale));
      return applyPlan(full, { width, height, crop: null }, settings.resize.method);
    },
    flatten: async (image) => flatten(image, settings.background),
  });
  const scorers = new Map<string, Scorer>();

  const side: TargetSide = {
    async encode(output, scale) {
      const image = await at(scale, flattensFor(output));
      const encoded = await encodeWasm(image, output);
      return carryExif(input.bytes, input.format, encoded, output.format, settings.metadata, {
        width: image.width,
        height: image.height,
      });
    },
    async score(encoded, output, scale) {
      const key = `${scale} ${flattensFor(output)}`;
      let score = scorers.get(key);
      if (!score) {
        // One reference at a time: Butteraugli's holds some 100 bytes a pixel.
        scorers.clear();
        score = scorerFor(req.target.metric, await at(scale, flattensFor(output)));
        scorers.set(key, score);
      }
      return score(await decodeWasm(output.format, encoded));
    },
  };

  const result = await encodeToTarget(side, req);
  const { width, height } = await at(result.scale, false);
  return { ...result, width, height };
}
