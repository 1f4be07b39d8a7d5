import type { WebhookRequest } from '../../shared/api.js';
import type { TargetReport } from '../../shared/target/encode-to-target.js';
import type { LadderOutput } from '../../shared/ladder/index.js';
import type { FormatId } from '../../shared/formats/index.js';
import type { Preset, PresetOverride } from '../../shared/presets/index.js';
import type { Batch, BatchItem, BatchStatus, ItemStatus } from '../../shared/state/index.js';

/** A batch as the server keeps it: the shared Batch plus what only the server needs. */
export interface ServerBatch extends Batch {
  tokenHash: string;
  /** Where to report the batch's end (shared/api.ts). */
  webhook?: WebhookRequest;
  /** The last upload or creation: abandoned uploads are cleaned up from this. */
  lastActivityAt: number;
}

/** An item as the server keeps it: the shared BatchItem plus upload bookkeeping. */
export interface ServerItem extends BatchItem {
  outputPath: string;
  outputFormat: FormatId;
  /** Whether the whole file arrived; only uploaded items are converted. */
  uploaded: boolean;
  /** Bytes of the last upload attempt, complete or not. */
  received: number;
  /** The earlier item with the same bytes and settings, whose result this one copies. */
  sameAs?: string;
}

export interface BatchRow {
  id: string;
  name: string;
  status: string;
  preset: string;
  token_hash: string;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  elapsed_ms: number;
  last_activity_at: number;
  webhook: string | null;
}

export interface ItemRow {
  id: string;
  batch_id: string;
  ord: number;
  path: string;
  output_path: string;
  output_format: string;
  size: number;
  uploaded: number;
  received: number;
  format: string | null;
  status: string;
  reason: string | null;
  override: string | null;
  width: number | null;
  height: number | null;
  output_width: number | null;
  output_height: number | null;
  output_size: number | null;
  duration_ms: number | null;
  target: string | null;
  kept_original: number;
  ladder: string | null;
  attempts: number;
  same_as: string | null;
}

// SQLite NULL becomes an absent field, as the shared types use optional fields.
const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

export function toBatch(r: BatchRow): ServerBatch {
  return {
    id: r.id,
    name: r.name,
    status: r.status as BatchStatus,
    preset: JSON.parse(r.preset) as Preset,
    createdAt: r.created_at,
    startedAt: opt(r.started_at),
    finishedAt: opt(r.finished_at),
    elapsedMs: r.elapsed_ms,
    tokenHash: r.token_hash,
    lastActivityAt: r.last_activity_at,
    webhook: r.webhook ? (JSON.parse(r.webhook) as WebhookRequest) : undefined,
  };
}

export function toItem(r: ItemRow): ServerItem {
  return {
    id: r.id,
    batchId: r.batch_id,
    order: r.ord,
    path: r.path,
    outputPath: r.output_path,
    outputFormat: r.output_format as FormatId,
    size: r.size,
    uploaded: r.uploaded === 1,
    received: r.received,
    format: r.format as FormatId | null,
    status: r.status as ItemStatus,
    reason: opt(r.reason),
    override: r.override ? (JSON.parse(r.override) as PresetOverride) : undefined,
    progress: r.status === 'done' ? 1 : 0,
    width: opt(r.width),
    height: opt(r.height),
    outputWidth: opt(r.output_width),
    outputHeight: opt(r.output_height),
    outputSize: opt(r.output_size),
    durationMs: opt(r.duration_ms),
    target: r.target ? (JSON.parse(r.target) as TargetReport) : undefined,
    keptOriginal: r.kept_original === 1 || undefined,
    ladder: r.ladder ? (JSON.parse(r.ladder) as LadderOutput[]) : undefined,
    attempts: r.attempts,
    sameAs: opt(r.same_as),
  };
}
