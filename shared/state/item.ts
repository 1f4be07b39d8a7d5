import type { TargetReport } from '../target/encode-to-target.js';
import type { FormatId } from '../formats/index.js';
import type { PresetOverride } from '../presets/index.js';
import type { LadderOutput } from '../ladder/schema.js';

/**
 * pending → processing → done | failed | cancelled; skipped is final for inputs that are not
 * images we read. failed and cancelled go back to pending on retry; processing goes back to
 * pending when its worker was interrupted (reload, crash) rather than the image failing.
 */
export type ItemStatus = 'pending' | 'processing' | 'done' | 'failed' | 'cancelled' | 'skipped';

export const itemStatuses: readonly ItemStatus[] = [
  'pending',
  'processing',
  'done',
  'failed',
  'cancelled',
  'skipped',
];

const itemTransitions: Record<ItemStatus, readonly ItemStatus[]> = {
  pending: ['processing', 'cancelled'],
  processing: ['done', 'failed', 'cancelled', 'pending'],
  done: ['pending'],
  failed: ['pending'],
  cancelled: ['pending'],
  skipped: [],
};

export function canTransitionItem(from: ItemStatus, to: ItemStatus): boolean {
  return itemTransitions[from].includes(to);
}

/** Throws on a transition the state machine does not allow, naming both states. */
export function assertItemTransition(from: ItemStatus, to: ItemStatus): void {
  if (!canTransitionItem(from, to)) {
    throw new Error(`An item cannot go from ${from} to ${to}`);
  }
}

/** Final states: nothing more happens to the item unless someone retries it. */
export function isItemSettled(status: ItemStatus): boolean {
  return status !== 'pending' && status !== 'processing';
}

/**
 * The conversion stages reported as progress, in order. 'upload' and 'download' happen only
 * when the batch converts on a server.
 */
export type Stage =
  'upload' | 'read' | 'decode' | 'resize' | 'encode' | 'metadata' | 'write' | 'download';
export const stages: readonly Stage[] = [
  'upload',
  'read',
  'decode',
  'resize',
  'encode',
  'metadata',
  'write',
  'download',
];

// Each local stage's rough share of a conversion (photo → WebP, measured: decoding and scaling
// take about a third, encoding most of the rest), so one bar can cover the whole file.
const localShares: readonly [Stage, number][] = [
  ['read', 0.05],
  ['decode', 0.3],
  ['resize', 0.05],
  ['encode', 0.55],
  ['metadata', 0.05],
];

/**
 * How far a local conversion is, 0..1, from the stage it is in and how far that stage is
 * (0 when starting it, 1 when done). Other stages (upload, download, write) report their own
 * 0..1 and come back as they are.
 */
export function conversionProgress(stage: Stage, within: number): number {
  let before = 0;
  for (const [s, share] of localShares) {
    if (s === stage) return Math.min(1, before + share * Math.min(1, Math.max(0, within)));
    before += share;
  }
  return within;
}

export interface BatchItem {
  id: string;
  batchId: string;
  /** Relative path inside the dropped tree, with '/' separators: 'trip/day1/a.jpg'. */
  path: string;
  /** Input size in bytes. */
  size: number;
  /** Format sniffed from the bytes; null when not an image we read. */
  format: FormatId | null;
  status: ItemStatus;
  /** Why it failed or was skipped, in words a person can act on. */
  reason?: string;
  override?: PresetOverride;
  stage?: Stage;
  /**
   * Set when the page stopped without closing (a crash, a killed tab) while this item was
   * converting: it then converts alone, and a second such stop fails it (app/store/items.ts).
   */
  crashed?: boolean;
  /** 0..1 within the current conversion. */
  progress: number;
  /**
   * Where the output goes inside the ZIP; set when the batch starts. With a ladder, the name
   * its files and manifest are made from (the files are `ladder`).
   */
  outputPath?: string;
  /** An output format, or the input's own when the original was kept (never bigger). */
  outputFormat?: FormatId;
  outputSize?: number;
  width?: number;
  height?: number;
  outputWidth?: number;
  outputHeight?: number;
  /** Milliseconds spent converting (the last attempt). */
  durationMs?: number;
  /** How the batch's target was met (quality chosen, tries, score), when it has one. */
  target?: TargetReport;
  /** Never bigger: the output is the original file, as converting did not save enough. */
  keptOriginal?: boolean;
  /**
   * A size ladder's files, largest first. The first is also the item's output: outputFormat,
   * outputSize, outputWidth and outputHeight describe it, and previews and single downloads use
   * it.
   */
  ladder?: LadderOutput[];
  attempts: number;
  /** Position in the queue: insertion order. */
  order: number;
  /** The server's id for this item while its batch converts remotely. */
  remoteId?: string;
  /** True once the server has the whole input. */
  uploaded?: boolean;
}
