import { randomUUID } from 'node:crypto';
import sharp, { type Sharp } from 'sharp';
import type { Pixels } from '../../codecs/pixels.js';
import type { FormatId, OutputSettings } from '../../shared/formats/index.js';
import { carryExif } from '../../shared/metadata/carry.js';
import type { ConversionSettings } from '../../shared/presets/index.js';
import {
  encodeToTarget,
  QualityMemory,
  requestFor,
  type TargetResult,
  type TargetSide,
} from '../../shared/target/encode-to-target.js';
import { flattensFor, sourceVariants } from '../../shared/target/sources.js';
import { encode } from './encode.js';
import type { WasmPool } from './wasm-pool.js';
import { decodeOnPool, scoreOnPool } from './wasm-tasks.js';

interface Raw {
  data: Buffer;
  width: number;
  height: number;
  channels: 3 | 4;
}

export interface TargetContext {
  /** The input, for its EXIF: the cap counts the file as written. */
  bytes: Uint8Array;
  inputFormat: FormatId;
  wasm?: WasmPool;
  signal?: AbortSignal;
}

/** This process's recent answers: its next search starts near them. */
const memory = new QualityMemory();

/**
 * The server's side of a target (shared/target/encode-to-target.ts): the pipeline's pixels
 * are made once, each attempt encodes them with sharp (JPEG XL on the pool) and carries the
 * EXIF over, and a visual target scores the decoded attempt with its metric on the pool
 * against the same pixels. A size cap that shrinks the picture resizes those pixels.
 */
export async function encodeWithTarget(
  pipeline: Sharp,
  settings: ConversionSettings,
  ctx: TargetContext,
): Promise<TargetResult & { width: number; height: number }> {
  const req = requestFor(settings, memory);
  const { data, info } = await pipeline
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 && info.channels !== 4) {
    throw new Error(`Expected RGB or RGBA pixels but received ${info.channels} channels`);
  }
  const source: Raw = { data, width: info.width, height: info.height, channels: info.channels };
  const at = sourceVariants(source, {
    resize: resized,
    flatten: (raw) => flattened(raw, settings.background),
  });
  // The metric reads RGBA: made once per variant, not at every attempt.
  const references = new Map<string, Pixels>();
  const key = randomUUID();
  const { wasm, signal } = ctx;

  const side: TargetSide = {
    async encode(output, scale) {
      const raw = await at(scale, flattensFor(output));
      const encoded = await encode(asPipeline(raw), output, wasm, signal);
      signal?.throwIfAborted();
      return carryExif(ctx.bytes, ctx.inputFormat, encoded.data, output.format, settings.metadata, {
        width: raw.width,
        height: raw.height,
      });
    },
    async score(encoded, output, scale) {
      const variant = `${scale}:${flattensFor(output)}`;
      let reference = references.get(variant);
      if (!reference) {
        reference = rgba(await at(scale, flattensFor(output)));
        references.set(variant, reference);
      }
      const decoded = await decodeOutput(encoded, output, wasm, signal);
      const task = {
        metric: req.target.metric,
        key: `${key}@${variant}`,
        reference,
        distorted: decoded,
      };
      return scoreOnPool(wasm, task, signal);
    },
  };

  const result = await encodeToTarget(side, req);
  const { width, height } = await at(result.scale, false);
  return { ...result, width, height };
}

const asPipeline = (raw: Raw) =>
  sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels } });

async function resized(source: Raw, scale: number): Promise<Raw> {
  const width = Math.max(1, Math.round(source.width * scale));
  const height = Math.max(1, Math.round(source.height * scale));
  const data = await asPipeline(source)
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  return { data, width, height, channels: source.channels };
}

/** The pixels over `background`, for a format without alpha. */
async function flattened(raw: Raw, background: string): Promise<Raw> {
  if (raw.channels === 3) return raw;
  const data = await asPipeline(raw).flatten({ background }).raw().toBuffer();
  return { data, width: raw.width, height: raw.height, channels: 3 };
}

/** RGBA, as the metric reads pixels. */
function rgba(raw: Raw): Pixels {
  const { width, height } = raw;
  if (raw.channels === 4) {
    return {
      data: new Uint8ClampedArray(raw.data.buffer, raw.data.byteOffset, raw.data.length),
      width,
      height,
    };
  }
  const out = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, j = 0; i < out.length; i += 4, j += 3) {
    out[i] = raw.data[j];
    out[i + 1] = raw.data[j + 1];
    out[i + 2] = raw.data[j + 2];
    out[i + 3] = 255;
  }
  return { data: out, width, height };
}

/** An attempt decoded back to RGBA: sharp reads what it writes, except JPEG XL. */
async function decodeOutput(
  encoded: Uint8Array,
  output: OutputSettings,
  wasm?: WasmPool,
  signal?: AbortSignal,
): Promise<Pixels> {
  if (output.format === 'jxl') return decodeOnPool(wasm, 'jxl', encoded, signal);
  const { data, info } = await sharp(encoded)
    .toColourspace('srgb')
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
  };
}
