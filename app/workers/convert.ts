import { formats, outputFormats } from '../../shared/formats/index.js';
import type { FormatId, OutputFormatId } from '../../shared/formats/index.js';
import { ladderSizes, rungSettings } from '../../shared/ladder/index.js';
import { limits } from '../../shared/limits.js';
import { exifOrientation } from '../../shared/headers/exif.js';
import { carryExif } from '../../shared/metadata/carry.js';
import { extractExif } from '../../shared/metadata/exif.js';
import type { ConversionSettings, ResizeMethod } from '../../shared/presets/index.js';
import { planResize, type ResizePlan } from '../../shared/resize-plan.js';
import { checkDimensions, orientedSize } from '../../shared/sniff.js';
import type { Stage } from '../../shared/state/index.js';
import { causeOf, decodeFailure, encodeFailure } from '../../shared/codec-errors.js';
import { admitImage } from '../../shared/structure/index.js';
import { decodeWasm, encodeWasm, hasWasmDecoder } from './codecs/index.js';
import { bitmapCanvas, canvasRoute, encodeOnCanvas } from './codecs/webp-canvas.js';
import { canvasPixels, drawOnCanvas } from './pipeline/canvas.js';
import { canDecodeInBrowser, decodeInBrowser } from './pipeline/decode-browser.js';
import { flatten } from './pipeline/flatten.js';
import { orient } from './pipeline/orient.js';
import { exactBuffer, type Pixels } from '../../codecs/pixels.js';
import { applyPlan } from './pipeline/resize.js';
import { encodeWithTarget } from './pipeline/target.js';
import {
  keepsOriginal,
  searches,
  TargetMissed,
  targetReport,
  type TargetReport,
} from '../../shared/target/encode-to-target.js';

export interface ConvertRequest {
  bytes: ArrayBuffer;
  /**
   * The same bytes as a Blob, when the caller has one: the browser decodes from it directly
   * instead of from a new Blob of the bytes, which Chromium would copy to its browser process.
   */
  blob?: Blob;
  /** The file name, for messages only: the format comes from the bytes. */
  name: string;
  settings: ConversionSettings;
  /** Inputs over this many pixels fail before decoding (limits.maxInputPixels or lower). */
  maxInputPixels: number;
}

/**
 * What the pool sends a worker: the input as a Blob, so the page never copies the bytes and
 * the worker reads them itself.
 */
export type ConvertJob = Omit<ConvertRequest, 'bytes'> & { input: Blob };

export interface ConvertResult {
  bytes: ArrayBuffer;
  /** The output's format: an output format, or the input's own when the original was kept. */
  format: FormatId;
  mimeType: string;
  width: number;
  height: number;
  inputFormat: FormatId;
  /** The input's upright size. */
  inputWidth: number;
  inputHeight: number;
  /** Milliseconds per stage. */
  timings: Partial<Record<Stage, number>>;
  /** How a target was met, when the settings have one. */
  target?: TargetReport;
  /** The result did not save enough (never bigger): these are the input's own bytes. */
  keptOriginal?: boolean;
  /** A size ladder's files, largest first; the first is the output above (same bytes). */
  ladder?: LadderFile[];
}

/** One file of a size ladder. */
export interface LadderFile {
  bytes: ArrayBuffer;
  format: OutputFormatId;
  width: number;
  height: number;
  hash8: string;
  target?: TargetReport;
}

/** Progress: `stage` is starting (0) or done (1). May be a Comlink proxy; never awaited. */
export type StageCallback = (stage: Stage, progress: number) => void;

// libheif applies irot/imir and libjxl the codestream orientation while decoding; the other
// wasm decoders hand back pixels as stored.
export const decoderOrients: ReadonlySet<FormatId> = new Set(['heic', 'jxl']);

const size = (w: number, h: number) => `${w} × ${h} px`;

/**
 * Converts one image: sniff, check the header size against the limits before any decoding,
 * decode (the browser's decoder and scaler where possible, wasm elsewhere), turn upright,
 * resize, flatten alpha for JPEG, encode, then carry EXIF over if the settings ask.
 * Every failure is a plain Error whose message says what went wrong in words a person can act on.
 */
export async function convert(
  req: ConvertRequest,
  onStage?: StageCallback,
): Promise<ConvertResult> {
  const { settings } = req;
  const timings: Partial<Record<Stage, number>> = {};
  let stage: Stage = 'decode';
  let started = 0;
  const begin = (s: Stage) => {
    stage = s;
    started = performance.now();
    report(onStage, s, 0);
  };
  const end = () => {
    timings[stage] = Math.round(performance.now() - started);
    report(onStage, stage, 1);
  };

  begin('decode');
  const bytes = new Uint8Array(req.bytes);
  const { format, label, orientation, header } = admit(bytes, req.maxInputPixels);
  // The same limits on the decoded size, for images whose header gave none.
  let tooLarge: Error | undefined;
  const checkDecoded = (width: number, height: number) => {
    const why = checkDimensions({ width, height }, req.maxInputPixels, limits.maxDimension);
    if (why) throw (tooLarge = new Error(why));
  };

  // The browser path may leave the image as its bitmap, for an encoder that takes one.
  let image: Pixels | ImageBitmap | undefined;
  let resized = false;
  let inputWidth = header?.width ?? 0;
  let inputHeight = header?.height ?? 0;
  let browserError: unknown;
  if (settings.resize.method === 'auto' && canDecodeInBrowser(format)) {
    try {
      const blob = req.blob ?? new Blob([bytes], { type: formats[format].mimeType });
      const decoded = await decodeInBrowser(blob, format, orientation, header, (w, h) => {
        checkDecoded(w, h);
        return planResize(w, h, settings.resize);
      });
      ({ image, width: inputWidth, height: inputHeight } = decoded);
      resized = true;
    } catch (e) {
      if (e === tooLarge) throw e;
      // Fall through to wasm, which may read what the browser would not; if it cannot either,
      // its error (or the browser's, when there is no wasm decoder) is reported.
      browserError = e;
    }
  }
  if (!image) {
    if (!hasWasmDecoder(format)) {
      throw browserError !== undefined
        ? decodeFailure(label, browserError)
        : new Error(`Could not decode ${label}: only the browser's decoder reads ${label} files`);
    }
    const known = header ? size(header.width, header.height) : undefined;
    let decoded: Pixels;
    try {
      decoded = await decodeWasm(format, bytes);
    } catch (e) {
      throw decodeFailure(label, e, known);
    }
    if (!decoded?.data || !(decoded.width > 0) || !(decoded.height > 0)) {
      throw decodeFailure(label, new Error('the decoder returned no pixels'), known);
    }
    if (!decoderOrients.has(format)) decoded = orient(decoded, orientation);
    checkDecoded(decoded.width, decoded.height);
    inputWidth = decoded.width;
    inputHeight = decoded.height;
    image = decoded;
  }
  end();

  begin('resize');
  if (!resized && !isBitmap(image)) {
    image = await scale(
      image,
      planResize(image.width, image.height, settings.resize),
      settings.resize.method,
    );
  }
  end();

  begin('encode');
  const input = { bytes, format, orientation };
  if (settings.ladder) {
    const files = await encodeLadder(image, settings, input);
    end();
    const [first] = files;
    return {
      bytes: first.bytes,
      format: first.format,
      mimeType: outputFormats[first.format].mimeType,
      width: first.width,
      height: first.height,
      inputFormat: format,
      inputWidth,
      inputHeight,
      timings,
      target: first.target,
      ladder: files,
    };
  }
  const encoded = await encodeImage(image, settings, input);
  end();

  begin('metadata');
  const withMeta = withExif(encoded, settings, input);
  end();

  return keepOriginalIf({
    bytes: exactBuffer(withMeta),
    format: encoded.format,
    mimeType: outputFormats[encoded.format].mimeType,
    width: encoded.width,
    height: encoded.height,
    inputFormat: format,
    inputWidth,
    inputHeight,
    timings,
    target: encoded.target,
  });

  /** Never bigger: the input's own bytes when the result does not save enough (keepsOriginal). */
  function keepOriginalIf(result: ConvertResult): ConvertResult {
    if (!keepsOriginal(settings.target, bytes.length, result.bytes.byteLength)) return result;
    return {
      ...result,
      bytes: exactBuffer(bytes),
      format,
      mimeType: formats[format].mimeType,
      width: inputWidth,
      height: inputHeight,
      keptOriginal: true,
    };
  }
}

/** applyPlan, failing in words that say which sizes. */
async function scale(from: Pixels, plan: ResizePlan, method: ResizeMethod): Promise<Pixels> {
  try {
    return await applyPlan(from, plan, method);
  } catch (e) {
    throw new Error(
      `Could not resize ${size(from.width, from.height)} to ${size(plan.width, plan.height)} (${causeOf(e)})`,
      { cause: e },
    );
  }
}

/** What the input is, for the encoders' choices and the EXIF carried over. */
interface InputFacts {
  bytes: Uint8Array;
  format: FormatId;
  orientation: number;
}

/** One encoded output, before its EXIF unless `exifCarried`. */
interface Encoded {
  bytes: Uint8Array;
  format: OutputFormatId;
  width: number;
  height: number;
  target?: TargetReport;
  /** A target's attempts carry the EXIF themselves: a size cap counts the file as written. */
  exifCarried: boolean;
}

/**
 * Encodes `image` as `settings` ask: through a target's search (or a choice of formats), or
 * once; WebP from a JPEG bitmap on the browser's canvas encoder where measured as good.
 */
async function encodeImage(
  image: Pixels | ImageBitmap,
  settings: ConversionSettings,
  input: InputFacts,
): Promise<Encoded> {
  const output = settings.output;
  const meta = outputFormats[output.format];
  if (searches(settings)) {
    // A search, or several formats: each attempt encodes the pixels (flattened per format).
    const pixels = asPixels(image);
    try {
      const reached = await encodeWithTarget(pixels, settings, input);
      return {
        bytes: reached.bytes,
        format: reached.output.format,
        width: reached.width,
        height: reached.height,
        target: targetReport(reached),
        exifCarried: true,
      };
    } catch (e) {
      if (e instanceof TargetMissed) throw e;
      throw encodeFailure(meta.label, e, size(pixels.width, pixels.height));
    }
  }
  const { width, height } = image;
  let encoded: Uint8Array | null = null;
  // JPEG has no alpha, so the canvas encoder's differing alpha coding never comes into it.
  if (isBitmap(image) && input.format === 'jpeg' && output.format === 'webp') {
    const route = await canvasRoute(output.options);
    if (route !== 'none') {
      // A bitmap the engine turned upright must be drawn first (see bitmapCanvas).
      const direct = route === 'bitmap' && input.orientation === 1;
      const canvas = direct ? bitmapCanvas(image) : drawOnCanvas(image);
      encoded = await encodeOnCanvas(canvas, output.options).catch(() => null);
      if (!encoded) image = direct ? canvas.transferToImageBitmap() : canvasPixels(canvas);
    }
  }
  if (!encoded) {
    let pixels = asPixels(image);
    if (!meta.alpha) pixels = flatten(pixels, settings.background);
    try {
      encoded = await encodeWasm(pixels, output);
    } catch (e) {
      throw encodeFailure(meta.label, e, size(width, height));
    }
  }
  if (!encoded?.length) {
    throw encodeFailure(meta.label, new Error('the encoder returned nothing'), size(width, height));
  }
  return { bytes: encoded, format: output.format, width, height, exifCarried: false };
}

/** The encoded bytes with the input's EXIF as the settings ask (carryExif). */
function withExif(encoded: Encoded, settings: ConversionSettings, input: InputFacts): Uint8Array {
  if (encoded.exifCarried) return encoded.bytes;
  return carryExif(input.bytes, input.format, encoded.bytes, encoded.format, settings.metadata, {
    width: encoded.width,
    height: encoded.height,
  });
}

/**
 * A size ladder's files, largest first: each size scaled from `image` (the preset's resize
 * already applied), then encoded in each format with that format's settings.
 */
async function encodeLadder(
  image: Pixels | ImageBitmap,
  settings: ConversionSettings,
  input: InputFacts,
): Promise<LadderFile[]> {
  const ladder = settings.ladder!;
  // Pixels once: each size is scaled from them, and each format encodes a size's pixels.
  const base = asPixels(image);
  const files: LadderFile[] = [];
  for (const rung of ladderSizes(base.width, base.height, ladder.widths)) {
    const scaled = await scale(base, { ...rung, crop: null }, settings.resize.method);
    for (const format of ladder.formats) {
      const rungSet = rungSettings(settings, format);
      const encoded = await encodeImage(scaled, rungSet, input);
      const bytes = exactBuffer(withExif(encoded, rungSet, input));
      files.push({
        bytes,
        format: encoded.format,
        width: encoded.width,
        height: encoded.height,
        hash8: await hash8(bytes),
        target: encoded.target,
      });
    }
  }
  return files;
}

/** The first 8 hex digits of the SHA-256 of `bytes`, for a ladder template's `{hash8}`. */
async function hash8(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A decoded image as RGBA pixels: a bitmap is drawn on a canvas and read back. */
function asPixels(image: Pixels | ImageBitmap): Pixels {
  return isBitmap(image) ? canvasPixels(drawOnCanvas(image)) : image;
}

function isBitmap(image: Pixels | ImageBitmap): image is ImageBitmap {
  return typeof ImageBitmap === 'function' && image instanceof ImageBitmap;
}

/**
 * The EXIF orientation to honour. The header reader covers JPEG, WebP and the HEIF family;
 * PNG's eXIf chunk it leaves at 1, yet Chromium turns such PNGs (measured), so it is read
 * here to give the same upright result on every path.
 */
export function orientationOf(format: FormatId, bytes: Uint8Array, fromHeader: number): number {
  if (format !== 'png') return fromHeader;
  const exif = extractExif(bytes, 'png');
  return exif ? exifOrientation(exif) : 1;
}

/**
 * The shared admission step (admitImage) plus what every decode path here needs next: the
 * format's label, the orientation to apply and the upright size the header gives, if any.
 * Conversions and previews (preview.ts) both start here.
 */
export function admit(bytes: Uint8Array, maxInputPixels: number) {
  const info = admitImage(bytes, maxInputPixels);
  const { format } = info;
  const orientation = orientationOf(format, bytes, info.orientation);
  const header =
    info.width !== undefined && info.height !== undefined
      ? orientedSize(info.width, info.height, orientation)
      : undefined;
  return { format, label: formats[format].label, orientation, header };
}

/** Progress is advisory: a failing or closed callback must never fail the conversion. */
function report(onStage: StageCallback | undefined, stage: Stage, progress: number): void {
  if (!onStage) return;
  try {
    const r: unknown = onStage(stage, progress);
    if (r instanceof Promise) r.catch(() => {});
  } catch {
    // ignored, see above
  }
}
