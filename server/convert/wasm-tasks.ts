import type { Pixels } from '../../codecs/pixels.js';
import type { JxlOptions } from '../../shared/formats/index.js';
import type { WasmPool } from './wasm-pool.js';
import { runningWasmPool } from './wasm-threads.js';

// The jobs wasm-worker.ts runs (the perceptual metrics too: up to seconds of computation that
// would stall every request on the main thread). sharp's prebuilt libvips cannot read HEIC (no HEVC), JPEG XL
// (no libjxl) or BMP (only through ImageMagick, not shipped), nor write JPEG XL; these go to
// the wasm codecs in codecs/ (and the BMP reader in bmp.ts) on the pool's threads.

/** Formats decoded on the pool rather than by sharp. */
export const poolDecoded = ['heic', 'jxl', 'bmp'] as const;
export type PoolDecoded = (typeof poolDecoded)[number];

export interface DecodeTask {
  kind: 'decode';
  format: PoolDecoded;
  bytes: Uint8Array;
}

export interface EncodeJxlTask {
  kind: 'encode-jxl';
  image: Pixels;
  options: JxlOptions;
}

export interface ScoreTask {
  kind: 'score';
  metric: 'butteraugli' | 'ssimulacra';
  /** Names the reference: a thread that scored against it last keeps its analysis. */
  key: string;
  reference: Pixels;
  distorted: Pixels;
}

/** Whether `format` is one the pool decodes. */
export function isPoolDecoded(format: string): format is PoolDecoded {
  return (poolDecoded as readonly string[]).includes(format);
}

/**
 * Decodes to upright RGBA on a worker of `pool` (by default the running one, wasm-threads.ts): libheif applies irot/imir, libjxl the codestream
 * orientation, and BMP has none. The bytes are copied (the caller keeps them for EXIF); the
 * pixels come back moved, not copied.
 */
export function decodeOnPool(
  pool: WasmPool | undefined,
  format: PoolDecoded,
  bytes: Uint8Array,
  signal?: AbortSignal,
): Promise<Pixels> {
  const task: DecodeTask = { kind: 'decode', format, bytes };
  return (pool ?? runningWasmPool()).run<Pixels>(task, { signal, role: 'decoder' });
}

/**
 * Encodes RGBA as JPEG XL on a worker. sharp's raw buffers cannot be moved to another thread
 * (Node copies them), so `image` is copied once on the way in.
 */
export function encodeJxlOnPool(
  pool: WasmPool | undefined,
  image: Pixels,
  options: JxlOptions,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const task: EncodeJxlTask = { kind: 'encode-jxl', image, options };
  return (pool ?? runningWasmPool()).run<Uint8Array>(task, { signal, role: 'encoder' });
}

/**
 * The score of `distorted` against `reference` by `metric` (codecs/metrics/scorer.ts) on a
 * worker, the thread keeping the reference's analysis for the next call with the same `key`.
 */
export function scoreOnPool(
  pool: WasmPool | undefined,
  task: Omit<ScoreTask, 'kind'>,
  signal?: AbortSignal,
): Promise<number> {
  return (pool ?? runningWasmPool()).run<number>({ kind: 'score', ...task } satisfies ScoreTask, {
    signal,
    role: 'metric',
  });
}
