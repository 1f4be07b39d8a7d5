import type { Sharp } from 'sharp';
import { decodeFailure, encodeFailure } from '../../shared/codec-errors.js';
import { outputFormats, type FormatId, type OutputFormatId } from '../../shared/formats/index.js';
import { carryExif } from '../../shared/metadata/carry.js';
import type { ConversionSettings } from '../../shared/presets/index.js';
import {
  searches,
  TargetMissed,
  targetReport,
  type TargetReport,
  type TargetResult,
} from '../../shared/target/encode-to-target.js';
import { encode } from './encode.js';
import { encodeWithTarget } from './target.js';
import type { WasmPool } from './wasm-pool.js';

/** The input a file is made from: its bytes (for EXIF), format and upright size. */
export interface MadeFrom {
  bytes: Uint8Array;
  format: FormatId;
  label: string;
  width: number;
  height: number;
  wasm?: WasmPool;
  signal?: AbortSignal;
}

/** One encoded file. */
export interface MadeFile {
  data: Uint8Array;
  format: OutputFormatId;
  width: number;
  height: number;
  /** How a target was met, when the settings have one. */
  target?: TargetReport;
}

const px = (w: number, h: number) => `${w} × ${h} px`;

/**
 * Encodes one file from `pipeline` (already cropped and scaled to `size`): 8-bit sRGB, alpha
 * flattened for a format without it, encoded plainly or searched for the target, EXIF carried
 * over if the settings ask. A single output and each file of a ladder go through here.
 * Errors are plain Errors worded like the app's.
 */
export async function makeFile(
  pipeline: Sharp,
  settings: ConversionSettings,
  size: { width: number; height: number },
  from: MadeFrom,
): Promise<MadeFile> {
  const { bytes, format, label, wasm, signal } = from;
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
    if (decodeError !== undefined) {
      throw decodeFailure(label, decodeError, px(from.width, from.height));
    }
    throw encodeFailure(meta.label, e, px(size.width, size.height));
  }
  signal?.throwIfAborted();

  const { width, height } = encoded;
  if (reached) {
    const target = targetReport(reached);
    return { data: encoded.data, format: reached.output.format, width, height, target };
  }
  const data = carryExif(bytes, format, encoded.data, output.format, settings.metadata, {
    width,
    height,
  });
  return { data, format: output.format, width, height };
}
