import { admitImage } from '../../shared/structure/index.js';
import { formats, outputFormats } from '../../shared/formats/index.js';
import type { FormatId } from '../../shared/formats/index.js';
import { limits } from '../../shared/limits.js';
import { carryExif } from '../../shared/metadata/carry.js';
import type { ConversionSettings } from '../../shared/presets/index.js';
import { checkDimensions } from '../../shared/sniff.js';
import { decodeFailure, encodeFailure } from '../../shared/codec-errors.js';
import { openSource } from './decode.js';
import { encode } from './encode.js';
import { applyResize } from './resize.js';
import { encodeWithTarget } from './target.js';
import {
  keepsOriginal,
  searches,
  TargetMissed,
  targetReport,
  type TargetReport,
  type TargetResult,
} from '../../shared/target/encode-to-target.js';
import type { WasmPool } from './wasm-pool.js';

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

export interface ConvertOutput {
  data: Uint8Array;
  /** An output format, or the input's own when the original was kept (never bigger). */
  format: FormatId;
  width: number;
  height: number;
  inputFormat: FormatId;
  /** The input's upright size. */
  inputWidth: number;
  inputHeight: number;
  /** How a target was met, when the settings have one. */
  target?: TargetReport;
  /** The result did not save enough: `data` is the input as it came. */
  keptOriginal?: boolean;
}

const size = (w: number, h: number) => `${w} × ${h} px`;

/**
 * Converts one image as the app's pipeline does (app/workers/convert.ts): sniff, check the
 * header size against the limits before decoding, refuse broken structure, decode, turn
 * upright, crop and resize per the shared plan, flatten alpha for JPEG, encode, then carry
 * EXIF over if the settings ask. Errors are plain Errors worded like the app's.
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

  const plan = applyResize(pipeline, width, height, settings.resize);
  const output = settings.output;
  const meta = outputFormats[output.format];
  // 8-bit sRGB whatever came in (16-bit PNG, CMYK JPEG, grey): what the browser's canvas gives.
  pipeline.toColourspace('srgb');
  // A search flattens per format it tries (server/convert/target.ts).
  const searching = searches(settings);
  if (!meta.alpha && !searching) pipeline.flatten({ background: settings.background });

  // The same reads, crop and resize with no encoder at the end: when the pipeline fails, this
  // tells a damaged input (it fails too) from an encoder that could not write the result,
  // without reading libvips' text. libvips decodes while the pipeline runs, so the decode
  // must be repeated the same way (a plain decode of some damaged AVIFs succeeds).
  const withoutEncoder = pipeline.clone();
  let encoded;
  let reached: (TargetResult & { width: number; height: number }) | undefined;
  try {
    if (searching) {
      // The target's encodes carry the EXIF themselves: a size cap counts the file as written.
      reached = await encodeWithTarget(pipeline, settings, {
        bytes,
        inputFormat: format,
        wasm,
        signal,
      });
      encoded = { data: reached.bytes, width: reached.width, height: reached.height };
    } else {
      encoded = await encode(pipeline, output, wasm, signal);
    }
  } catch (e) {
    if (signal?.aborted || e instanceof TargetMissed) throw e;
    const decodeError = await withoutEncoder
      .raw()
      .toBuffer()
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    if (decodeError !== undefined) throw decodeFailure(label, decodeError, size(width, height));
    throw encodeFailure(meta.label, e, size(plan.width, plan.height));
  }
  opts.signal?.throwIfAborted();

  const data = reached
    ? encoded.data
    : carryExif(bytes, format, encoded.data, output.format, settings.metadata, {
        width: encoded.width,
        height: encoded.height,
      });
  const made: ConvertOutput = {
    data,
    format: reached?.output.format ?? output.format,
    target: reached && targetReport(reached),
    width: encoded.width,
    height: encoded.height,
    inputFormat: format,
    inputWidth: width,
    inputHeight: height,
  };
  // Never bigger: the input's own bytes when the result does not save enough.
  if (!keepsOriginal(settings.target, bytes.length, data.length)) return made;
  return { ...made, data: bytes, format, width, height, keptOriginal: true };
}
