import { createHash } from 'node:crypto';
import type { Sharp } from 'sharp';
import {
  ladderRungs,
  rungSettings,
  type LadderOptions,
  type LadderOutput,
} from '../../shared/ladder/index.js';
import type { ConversionSettings } from '../../shared/presets/index.js';
import type { ResizePlan } from '../../shared/resize-plan.js';
import { makeFile, type MadeFrom } from './make-file.js';
import { cropAndScale } from './resize.js';

/** One file of a ladder as made: its bytes and what names it (it has no place yet). */
export type LadderFile = Omit<LadderOutput, 'size' | 'path'> & { data: Uint8Array };

/** For `{hash8}`: the first 8 hex digits of the bytes' SHA-256. */
function hash8(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 8);
}

/**
 * Every file of `ladder` (the settings'), largest first, formats in the ladder's order. Each is
 * made from its own clone of the decoded `source`, cropped as `plan` says and scaled straight
 * to its size, then encoded as a single output would be (with its own target, if any).
 * One at a time: a ladder's memory is one file's, whatever its length.
 */
export async function makeLadder(
  source: Sharp,
  settings: ConversionSettings,
  ladder: LadderOptions,
  plan: ResizePlan,
  from: MadeFrom,
): Promise<LadderFile[]> {
  const files: LadderFile[] = [];
  for (const rung of ladderRungs(ladder, plan.width, plan.height)) {
    from.signal?.throwIfAborted();
    const pipeline = source.clone();
    cropAndScale(pipeline, from.width, from.height, plan, rung, settings.resize.method);
    const made = await makeFile(pipeline, rungSettings(settings, rung.format), rung, from);
    files.push({ ...made, hash8: hash8(made.data) });
  }
  return files;
}
