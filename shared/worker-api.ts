import type { FormatId } from './formats/index.js';
import type { LadderOutput } from './ladder/schema.js';
import type { ConversionSettings } from './presets/index.js';
import type { TargetReport } from './target/encode-to-target.js';

// The internal contract between the sync server and its conversion workers (distributed
// mode, docs/DEPLOY.md), declared once like the public one in api.ts. Workers share nothing
// with the server but Redis and these endpoints; every request carries the worker token
// (`Authorization: Bearer …`).

/** Where the endpoints live: `${workerApiBase}/jobs/:batchId/:itemId/{claim,input,done,failed}`. */
export const workerApiBase = '/internal/v1';

/** What the worker says when claiming: the job's claim count when it was queued. */
export interface ClaimRequest {
  queued: number;
}

/** `200` from `claim`: the run is the worker's (`409` when the item is not runnable any more). */
export interface ClaimGranted {
  /** The claim's number: `input`, `done` and `failed` name it (`?attempt=`). */
  attempt: number;
  settings: ConversionSettings;
  maxInputPixels: number;
  /** How long the run may take before the worker gives it up as timed out. */
  timeoutSeconds: number;
}

/** What a conversion made, but its bytes (the server's ConvertOutput adds them). */
export interface ConvertedFacts {
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
  /** The result did not save enough: the output is the input as it came. */
  keptOriginal?: boolean;
}

/**
 * The `result` part of `done` (multipart: `result` as JSON, then the files `file0`…: the
 * output, or a ladder's files largest first).
 */
export interface WorkerResult extends ConvertedFacts {
  /** A ladder's files without their bytes, in the order of the file parts. */
  ladder?: Omit<LadderOutput, 'size' | 'path'>[];
  durationMs: number;
}

/** The body of `failed`: the image cannot be converted, in words a person can act on. */
export interface WorkerFailure {
  reason: string;
  durationMs: number | null;
}

/** `GET /health` of a worker (its HEALTH_PORT): what it is doing and has done since it started. */
export interface WorkerHealth {
  status: 'ok' | 'stopping';
  name: string;
  version: string;
  uptimeSeconds: number;
  /** Whether its Redis connection is up (it reconnects by itself). */
  redis: 'ready' | 'reconnecting';
  concurrency: number;
  /** Jobs converting now. */
  busy: number;
  /** Jobs since start: converted, failed on their image, found stale, and faults BullMQ retries. */
  jobs: { done: number; failed: number; stale: number; faults: number };
}
