import type { FormatTrial } from './target/encode-to-target.js';
import type { FormatId } from './formats/index.js';
import { outputBytes as bytesOf } from './ladder/files.js';
import { itemStatuses, type Batch, type BatchItem, type ItemStatus } from './state/index.js';

// Fields are null rather than absent so every row has the same keys in JSON and CSV.

/** One input file in the report. */
export interface ReportRow {
  path: string;
  status: ItemStatus;
  reason: string | null;
  inputFormat: FormatId | null;
  outputPath: string | null;
  outputFormat: FormatId | null;
  /** Files made from the input: 1, or a ladder's sizes × formats. */
  files: number | null;
  inputBytes: number;
  /** All its files together. */
  outputBytes: number | null;
  /** Share of the input size saved, e.g. 62.5; negative when the output grew. */
  savedPercent: number | null;
  inputWidth: number | null;
  inputHeight: number | null;
  outputWidth: number | null;
  outputHeight: number | null;
  durationMs: number | null;
  /** 'quality', 'size' or 'visual': what decided the quality. */
  target: string;
  /** The quality a size or visual target chose. */
  chosenQuality: number | null;
  /** Encodes spent on the file. */
  encodes: number | null;
  /** The metric a visual target was judged by, and the output's score by it. */
  metric: string | null;
  score: number | null;
  /** Share of the resized size a size cap shrank the picture to, when it had to. */
  shrunkPercent: number | null;
  /** Never bigger kept the original file. */
  keptOriginal: boolean;
  /** Each format tried and its bytes, the smallest first: why the output's format won. */
  tried: string | null;
}

export interface ReportTotals {
  count: number;
  byStatus: Record<ItemStatus, number>;
  /** Bytes in and out over done items only, so failures do not count as savings. */
  inputBytes: number;
  outputBytes: number;
  savedBytes: number;
  savedPercent: number;
  elapsedMs: number;
  imagesPerSecond: number;
}

/** What a finished (or running) batch did, for download as CSV or JSON. */
export interface Report {
  batchId: string;
  batchName: string;
  presetName: string;
  status: Batch['status'];
  generatedAt: string;
  totals: ReportTotals;
  rows: ReportRow[];
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

function savedPercent(before: number, after: number): number {
  return before > 0 ? round1(((before - after) / before) * 100) : 0;
}

/** 'avif 212000; webp 260000; jpeg: does not fit in 100 kB…', smallest first. */
function triedWords(trials: readonly FormatTrial[]): string {
  const made = trials.filter((t) => t.bytes !== undefined).sort((a, b) => a.bytes! - b.bytes!);
  const missed = trials.filter((t) => t.bytes === undefined);
  return [
    ...made.map((t) => `${t.format} ${t.bytes}`),
    ...missed.map((t) => `${t.format}: ${t.failed}`),
  ].join('; ');
}

function toRow(item: BatchItem, preset: Batch['preset']): ReportRow {
  const done = item.status === 'done';
  const t = done ? item.target : undefined;
  const target = item.override?.target ?? preset.target;
  const outputBytes = done ? bytesOf(item) : null;
  return {
    path: item.path,
    status: item.status,
    reason: item.reason ?? null,
    inputFormat: item.format,
    outputPath: done ? (item.ladder?.[0]?.path ?? item.outputPath ?? null) : null,
    outputFormat: done ? (item.outputFormat ?? null) : null,
    files: done ? (item.ladder?.length ?? 1) : null,
    inputBytes: item.size,
    outputBytes,
    savedPercent: outputBytes === null ? null : savedPercent(item.size, outputBytes),
    inputWidth: item.width ?? null,
    inputHeight: item.height ?? null,
    outputWidth: done ? (item.outputWidth ?? null) : null,
    outputHeight: done ? (item.outputHeight ?? null) : null,
    durationMs: item.durationMs ?? null,
    target: target?.mode ?? 'quality',
    chosenQuality: t?.quality ?? null,
    encodes: t?.attempts ?? null,
    metric: target?.mode === 'visual' ? target.metric : null,
    score: t?.score === undefined ? null : Math.round(t.score * 1e4) / 1e4,
    shrunkPercent: t && t.scale < 1 ? round1(t.scale * 100) : null,
    keptOriginal: done && item.keptOriginal === true,
    tried: t && t.trials.length > 1 ? triedWords(t.trials) : null,
  };
}

/**
 * Summarises a batch: counts per status, bytes saved over done items, throughput, and one row
 * per file in queue order. `now` counts the running stretch of a batch still in progress.
 */
export function buildReport(batch: Batch, items: readonly BatchItem[], now = Date.now()): Report {
  const sorted = [...items].sort((a, b) => a.order - b.order);
  const byStatus = Object.fromEntries(itemStatuses.map((s) => [s, 0])) as Record<
    ItemStatus,
    number
  >;
  let inputBytes = 0;
  let outputBytes = 0;
  for (const item of sorted) {
    byStatus[item.status]++;
    if (item.status === 'done') {
      inputBytes += item.size;
      outputBytes += bytesOf(item);
    }
  }
  // elapsedMs holds finished stretches; startedAt marks the one under way (see app/state).
  const elapsedMs =
    batch.elapsedMs +
    (batch.status === 'running' && batch.startedAt ? Math.max(0, now - batch.startedAt) : 0);
  return {
    batchId: batch.id,
    batchName: batch.name,
    presetName: batch.preset.name,
    status: batch.status,
    generatedAt: new Date(now).toISOString(),
    totals: {
      count: sorted.length,
      byStatus,
      inputBytes,
      outputBytes,
      savedBytes: inputBytes - outputBytes,
      savedPercent: savedPercent(inputBytes, outputBytes),
      elapsedMs,
      imagesPerSecond: elapsedMs > 0 ? round2(byStatus.done / (elapsedMs / 1000)) : 0,
    },
    rows: sorted.map((it) => toRow(it, batch.preset)),
  };
}

const csvColumns: readonly (keyof ReportRow)[] = [
  'path',
  'status',
  'reason',
  'inputFormat',
  'outputPath',
  'outputFormat',
  'files',
  'inputBytes',
  'outputBytes',
  'savedPercent',
  'inputWidth',
  'inputHeight',
  'outputWidth',
  'outputHeight',
  'durationMs',
  'target',
  'chosenQuality',
  'encodes',
  'metric',
  'score',
  'shrunkPercent',
  'keptOriginal',
  'tried',
];

function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  let s = String(value);
  // A spreadsheet runs text starting with = + - @ as a formula (OWASP "CSV injection");
  // a file named '=HYPERLINK(…).jpg' must stay text. Numbers are written as numbers.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The rows as RFC 4180 CSV: a header row, CRLF line ends, quoted where needed. */
export function reportToCsv(report: Report): string {
  const lines = [csvColumns.join(',')];
  for (const row of report.rows) lines.push(csvColumns.map((c) => csvCell(row[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** The whole report as indented JSON; keys keep the order the types declare. */
export function reportToJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}
