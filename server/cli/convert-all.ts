import { limits } from '../../shared/limits.js';
import { resolveSettings } from '../../shared/presets/index.js';
import { convertImage, madeOf } from '../convert/index.js';
import type { CliBatch } from './cli-batch.js';

/**
 * Converts the batch's files here with sharp, `concurrency` at a time, as the server would
 * (server/convert): each file read, converted and written before the lane takes the next.
 */
export async function convertAll(batch: CliBatch, concurrency: number): Promise<void> {
  const settings = resolveSettings(batch.preset);
  const one = async (i: number) => {
    const input = await batch.triage(i);
    if (!input) return;
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    try {
      const result = await convertImage(input.bytes, settings, {
        maxInputPixels: limits.maxInputPixels,
      });
      const bytesOf = (k: number) => result.ladder?.[k].data ?? result.data;
      await batch.save(i, input.hash, madeOf(result), bytesOf, ms());
    } catch (e) {
      batch.fail(i, e, ms());
    }
  };
  let next = 0;
  const lane = async () => {
    while (next < batch.items.length) await one(next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
}
