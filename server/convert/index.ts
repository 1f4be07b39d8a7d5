import { admitImage } from '../../shared/structure/index.js';
import { formats } from '../../shared/formats/index.js';
import { limits } from '../../shared/limits.js';
import type { ConversionSettings } from '../../shared/presets/index.js';
import type { Made } from '../../shared/output-facts.js';
import type { ConvertedFacts } from '../../shared/worker-api.js';
import { planResize } from '../../shared/resize-plan.js';
import { checkDimensions } from '../../shared/sniff.js';
import { keepsOriginal } from '../../shared/target/encode-to-target.js';
import { openSource } from './decode.js';
import { makeLadder, type LadderFile } from './ladder.js';
import { makeFile } from './make-file.js';
import { cropAndScale } from './resize.js';
import type { WasmPool } from './wasm-pool.js';

export type { LadderFile } from './ladder.js';

export interface ConvertOptions {
  maxInputPixels: number;
  /**
   * Aborted when the item is cancelled: a wasm job stops at once (its thread is replaced),
   * sharp's work at the end of its stage.
   */
  signal?: AbortSignal;
  /** Runs the wasm codecs; by default the pool the server context holds (wasm-threads.ts). */
  wasm?: WasmPool;
}

export interface ConvertOutput extends ConvertedFacts {
  /** The output; with a ladder, its first (largest) file, as `ladder[0]`. */
  data: Uint8Array;
  /** With a ladder in the settings: every file it made, largest first. */
  ladder?: LadderFile[];
}

/** What `out` made, by sizes rather than bytes (shared/output-facts.ts). */
export function madeOf({ data, ladder, ...facts }: ConvertOutput): Made {
  return {
    ...facts,
    size: data.length,
    ...(ladder && {
      ladder: ladder.map(({ data: bytes, ...file }) => ({ ...file, size: bytes.length })),
    }),
  };
}

/**
 * Converts one image as the app's pipeline does (app/workers/convert.ts): sniff, check the
 * header size against the limits before decoding, refuse broken structure, decode, turn
 * upright, crop and resize per the shared plan, flatten alpha for JPEG, encode, then carry
 * EXIF over if the settings ask. With a ladder, the plan's size is the largest of several
 * files (server/convert/ladder.ts). Errors are plain Errors worded like the app's.
 */
export async function convertImage(
  bytes: Uint8Array,
  settings: ConversionSettings,
  opts: ConvertOptions,
): Promise<ConvertOutput> {
  const { format } = admitImage(bytes, opts.maxInputPixels);
  const label = formats[format].label;
  const { wasm, signal } = opts;

  const source = await openSource(bytes, format, label, {
    maxInputPixels: opts.maxInputPixels,
    wasm,
    signal,
  });
  const { pipeline, width, height } = source;
  const decodedTooBig = checkDimensions(
    { width, height },
    opts.maxInputPixels,
    limits.maxDimension,
  );
  if (decodedTooBig) throw new Error(decodedTooBig);
  opts.signal?.throwIfAborted();

  const plan = planResize(width, height, settings.resize);
  const from = { bytes, format, label, width, height, wasm, signal };
  const input = { inputFormat: format, inputWidth: width, inputHeight: height };
  if (settings.ladder) {
    const ladder = await makeLadder(pipeline, settings, settings.ladder, plan, from);
    // Its first file is also the item's output, the one previews and single downloads use.
    const { hash8: _hash8, ...first } = ladder[0];
    return { ...first, ...input, ladder };
  }

  cropAndScale(pipeline, width, height, plan, plan, settings.resize.method);
  const made: ConvertOutput = { ...(await makeFile(pipeline, settings, plan, from)), ...input };
  // Never bigger: the input's own bytes when the result does not save enough.
  if (!keepsOriginal(settings.target, bytes.length, made.data.length)) return made;
  return { ...made, data: bytes, format, width, height, keptOriginal: true };
}
