import type { ItemStatus, Stage } from '../../shared/state/index.js';
import type { BatchStatus } from '../../shared/state/index.js';

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

/** The data of an `item` event (docs/API.md). */
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
}

/** The data of a `batch` event. */
export interface BatchEventData {
  status: BatchStatus;
  progress: Progress;
}

export type EventData =
  { type: 'item'; data: ItemEventData } | { type: 'batch'; data: BatchEventData };

/** An event as stored and sent: `seq` is its SSE id, increasing across the whole server. */
export type BatchEvent = EventData & { seq: number; batchId: string };
