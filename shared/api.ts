import type { LadderOutput } from './ladder/schema.js';
import type { TargetReport } from './target/encode-to-target.js';
import type { FormatId, OutputFormatId } from './formats/index.js';
import type { Preset, PresetOverride } from './presets/index.js';
import type { BatchStatus, ItemStatus, Stage } from './state/index.js';

// The sync server's HTTP and SSE contract (docs/API.md), declared once: the server's routes
// build these bodies and the app's client reads them, so a change is one edit and the type
// check finds every caller on both sides.

/** The header that declares how many files a manifest lists; it bounds the body's size. */
export const fileCountHeader = 'X-Pixpool-Files';

/** One file of a manifest: its path in the batch and its exact size in bytes. */
export interface ManifestFile {
  path: string;
  size: number;
  override?: PresetOverride;
}

/** The body of `POST /api/batches`. */
export interface Manifest {
  /** Defaults to the preset's name. */
  name?: string;
  preset: Preset;
  files: ManifestFile[];
  /** Where to POST a WebhookPayload when the batch finishes (docs/API.md). */
  webhook?: WebhookRequest;
}

/**
 * A completion webhook: `url` gets a signed POST when the batch is done or cancelled, retried
 * with backoff until it answers 2xx. The server must allow the URL's host
 * (PIXPOOL_WEBHOOK_HOSTS).
 */
export interface WebhookRequest {
  url: string;
  /** 16 to 256 characters; the HMAC-SHA256 key of `webhookSignatureHeader`. */
  secret: string;
  /** Put the batch's name and its files' paths in the payload; off by default. */
  includeNames?: boolean;
}

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the webhook's secret>`: the
 * receiver recomputes it and checks `t` is recent, so a replayed delivery is refused.
 */
export const webhookSignatureHeader = 'X-Pixpool-Signature';
/** The same id on every try of one delivery, so a receiver can ignore repeats. */
export const webhookDeliveryHeader = 'X-Pixpool-Delivery';

/** The body of a webhook POST. */
export interface WebhookPayload {
  event: 'batch.finished';
  batchId: string;
  status: 'done' | 'cancelled';
  progress: Progress;
  finishedAt: string;
  /** With `includeNames` only. */
  name?: string;
  /** With `includeNames` only: every file, in manifest order. */
  files?: { path: string; status: ItemStatus; outputPath?: string; error?: string }[];
}

/** `201` from `POST /api/batches`: the token is shown once; items follow the manifest's order. */
export interface CreatedBatch {
  batchId: string;
  token: string;
  items: { id: string; path: string; outputPath: string }[];
}

/** `200` from `PUT /api/batches/:id/files/:itemId`. */
export interface UploadResult {
  id: string;
  status: ItemStatus;
  size: number;
  format?: FormatId;
  label?: string;
  /** Why the file was skipped. */
  reason?: string;
}

export type BatchAction = 'pause' | 'resume' | 'cancel' | 'retry';

/** `GET /api/batches/:id/failed`: the files that could not be converted, in manifest order. */
export interface FailedItems {
  items: { id: string; path: string; error: string; attempts: number }[];
}

/** Item counts per state, as the status endpoint and `batch` events report them. */
export interface Progress {
  total: number;
  /** Converted (status done). */
  completed: number;
  failed: number;
  processing: number;
  pending: number;
  cancelled: number;
  skipped: number;
}

/** The data of an `item` event. */
export interface ItemEventData {
  id: string;
  status: ItemStatus;
  stage?: Stage;
  /** Why it failed or was skipped. */
  error?: string;
  /** Set when a complete file arrived. */
  uploaded?: boolean;
  size?: number;
  width?: number;
  height?: number;
  outputSize?: number;
  outputWidth?: number;
  outputHeight?: number;
  durationMs?: number;
  /** What was made, on `done`: a search or never bigger may settle the format and name. */
  outputFormat?: FormatId;
  outputPath?: string;
  keptOriginal?: boolean;
  /** How a size or visual target was met. */
  target?: TargetReport;
  /** A size ladder's files, on `done`: `GET …/files/:itemId/output?file=k` serves the k-th. */
  ladder?: LadderOutput[];
}

/** The data of a `batch` event. */
export interface BatchEventData {
  status: BatchStatus;
  progress: Progress;
}

/** An SSE event as `event:` names it and `data:` carries it. */
export type EventData =
  { type: 'item'; data: ItemEventData } | { type: 'batch'; data: BatchEventData };

/** One file in the status body. */
export interface StatusImage {
  id: string;
  filename: string;
  outputPath: string;
  status: ItemStatus;
  uploaded: boolean;
  size: number;
  error?: string;
  outputSize?: number;
  outputWidth?: number;
  outputHeight?: number;
  durationMs?: number;
  outputFormat?: FormatId;
  keptOriginal?: boolean;
  target?: TargetReport;
  ladder?: LadderOutput[];
}

/** `GET /api/batches/:id`, and the answer to every control. */
export interface BatchStatusBody {
  batchId: string;
  name: string;
  status: BatchStatus;
  progress: Progress;
  images: StatusImage[];
  /** Seconds; null before the first item is done. */
  estimatedTimeRemaining: number | null;
  createdAt: string;
  finishedAt: string | null;
}

/** `GET /api/health`. */
export interface Health {
  status: 'ok';
  version: string;
  uptimeSeconds: number;
}

/** The limits a client can check before it sends anything. */
export interface ServerLimits {
  maxFilesPerBatch: number;
  maxFileBytes: number;
  maxBatchBytes: number;
  maxInputPixels: number;
}

/** `GET /api/capabilities`. */
export interface Capabilities {
  version: string;
  inputFormats: FormatId[];
  outputFormats: OutputFormatId[];
  limits: ServerLimits;
  apiKeyRequired: boolean;
  concurrency: number;
}

/** Every `error` code the API answers with; clients branch on these, never on messages. */
export type ErrorCode =
  | 'invalid_manifest'
  | 'incomplete_upload'
  | 'upload_aborted'
  | 'unauthorized'
  | 'cross_origin'
  | 'not_found'
  | 'no_output'
  | 'conflict'
  | 'limit_exceeded'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'quota_exceeded'
  | 'disk_full'
  | 'internal';

/** The one error body: a code, a sentence a person can act on, and details per code. */
export interface ErrorBody {
  error: ErrorCode;
  message: string;
  [detail: string]: unknown;
}
