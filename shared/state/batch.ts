import type { Preset } from '../presets/index.js';

/**
 * draft: files being added; running: dispatching; paused: no new dispatch, running items
 * finish; done: every item settled; cancelled: stopped by the user.
 */
export type BatchStatus = 'draft' | 'running' | 'paused' | 'done' | 'cancelled';

const batchTransitions: Record<BatchStatus, readonly BatchStatus[]> = {
  draft: ['running', 'cancelled'],
  running: ['paused', 'done', 'cancelled'],
  paused: ['running', 'cancelled'],
  // Retrying failed or cancelled items starts a settled batch again.
  done: ['running'],
  cancelled: ['running'],
};

export function canTransitionBatch(from: BatchStatus, to: BatchStatus): boolean {
  return batchTransitions[from].includes(to);
}

export function assertBatchTransition(from: BatchStatus, to: BatchStatus): void {
  if (!canTransitionBatch(from, to)) {
    throw new Error(`A batch cannot go from ${from} to ${to}`);
  }
}

export interface Batch {
  id: string;
  name: string;
  createdAt: number;
  status: BatchStatus;
  /** The batch preset as it was when chosen, so later edits to the preset change nothing. */
  preset: Preset;
  /** Time spent running, summed over pauses and reloads. */
  elapsedMs: number;
  startedAt?: number;
  finishedAt?: number;
  /** Set while the batch converts on a sync server instead of in this browser. */
  remote?: RemoteLink;
  /**
   * A server batch this browser took over ("Convert the rest here"), kept until the server
   * confirms it cancelled it, so a server that was away does not convert it again later.
   */
  abandoned?: RemoteLink;
}

/** Where a batch runs remotely and how to reach it again after a reload. */
export interface RemoteLink {
  /** The server's base URL, e.g. 'http://127.0.0.1:5173'. */
  server: string;
  batchId: string;
  /** The per-batch token the server handed out; every call on the batch presents it. */
  token: string;
  /** The last server-sent event id seen, to resume the stream without gaps or repeats. */
  lastEventId?: string;
}
