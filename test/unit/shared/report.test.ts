import { describe, expect, it } from 'vitest';
import { builtInPresets } from '../../../shared/presets/index.js';
import { buildReport, reportToCsv, reportToJson } from '../../../shared/report.js';
import type { Batch, BatchItem } from '../../../shared/state/index.js';
import { targetDefaults } from '../../../shared/target/schema.js';

const batch: Batch = {
  id: 'b1',
  name: 'Holiday',
  createdAt: 0,
  status: 'done',
  preset: builtInPresets[0],
  elapsedMs: 4000,
  startedAt: undefined,
  finishedAt: 10_000,
};

let order = 0;
const item = (fields: Partial<BatchItem>): BatchItem => ({
  id: `i${order}`,
  batchId: 'b1',
  path: 'a.jpg',
  size: 1000,
  format: 'jpeg',
  status: 'pending',
  progress: 0,
  attempts: 0,
  order: order++,
  ...fields,
});

const done = item({
  path: 'trip/a.jpg',
  status: 'done',
  size: 4000,
  outputPath: 'trip/a.webp',
  outputFormat: 'webp',
  outputSize: 1000,
  width: 4000,
  height: 3000,
  outputWidth: 2048,
  outputHeight: 1536,
  durationMs: 812,
});
const grew = item({
  path: 'b.png',
  format: 'png',
  status: 'done',
  size: 1000,
  outputPath: 'b.webp',
  outputFormat: 'webp',
  outputSize: 1500,
  durationMs: 40,
});
const failed = item({
  path: 'c.heic',
  format: 'heic',
  status: 'failed',
  size: 5000,
  reason: 'Could not decode HEIC',
  outputPath: 'c.webp',
});
const skipped = item({
  path: 'notes.txt',
  format: null,
  status: 'skipped',
  size: 20,
  reason: 'Not an image: looks like text',
});

describe('buildReport', () => {
  const report = buildReport(batch, [skipped, failed, grew, done], Date.UTC(2025, 0, 2, 3, 4, 5));

  it('counts items per status, including statuses no item has', () => {
    expect(report.totals.count).toBe(4);
    expect(report.totals.byStatus).toEqual({
      pending: 0,
      processing: 0,
      done: 2,
      failed: 1,
      cancelled: 0,
      skipped: 1,
    });
  });

  it('sums bytes over done items only, so a failure does not count as a saving', () => {
    expect(report.totals).toMatchObject({
      inputBytes: 5000,
      outputBytes: 2500,
      savedBytes: 2500,
      savedPercent: 50,
    });
  });

  it('measures throughput over the time spent running', () => {
    expect(report.totals.elapsedMs).toBe(4000);
    expect(report.totals.imagesPerSecond).toBe(0.5);
    expect(report.generatedAt).toBe('2025-01-02T03:04:05.000Z');
  });

  it('adds the stretch under way for a batch still running', () => {
    const running = { ...batch, status: 'running' as const, startedAt: 1_000 };
    expect(buildReport(running, [done], 3_000).totals.elapsedMs).toBe(6000);
    expect(buildReport({ ...batch, elapsedMs: 0 }, [done], 0).totals.imagesPerSecond).toBe(0);
  });

  it('lists files in queue order with their sizes, dimensions and savings', () => {
    expect(report.rows.map((r) => r.path)).toEqual(['trip/a.jpg', 'b.png', 'c.heic', 'notes.txt']);
    expect(report.rows[0]).toEqual({
      path: 'trip/a.jpg',
      status: 'done',
      reason: null,
      inputFormat: 'jpeg',
      outputPath: 'trip/a.webp',
      outputFormat: 'webp',
      files: 1,
      inputBytes: 4000,
      outputBytes: 1000,
      savedPercent: 75,
      inputWidth: 4000,
      inputHeight: 3000,
      outputWidth: 2048,
      outputHeight: 1536,
      durationMs: 812,
      target: 'quality',
      chosenQuality: null,
      encodes: null,
      metric: null,
      score: null,
      shrunkPercent: null,
      keptOriginal: false,
      tried: null,
    });
    expect(report.rows[1].savedPercent).toBe(-50);
  });

  it('says per file what a target chose: quality, encodes, Butteraugli distance, shrinking', () => {
    const visual = {
      ...batch,
      preset: { ...batch.preset, target: { ...targetDefaults, mode: 'visual' as const } },
    };
    const met = {
      ...done,
      target: { quality: 63, attempts: 4, score: 1.41234, scale: 1, trials: [] },
    };
    const shrunk = {
      ...done,
      id: 'x2',
      override: { target: { ...targetDefaults, mode: 'size' as const, shrink: true } },
      target: { quality: 1, attempts: 9, scale: 0.7, trials: [] },
    };
    const kept = { ...done, id: 'x3', keptOriginal: true, outputFormat: 'jpeg' as const };
    const best = {
      ...done,
      id: 'x4',
      target: {
        quality: 60,
        attempts: 3,
        scale: 1,
        trials: [
          { format: 'webp' as const, bytes: 900, attempts: 1 },
          { format: 'avif' as const, bytes: 700, attempts: 1 },
          { format: 'jpeg' as const, attempts: 1, failed: 'JPEG does not fit' },
        ],
      },
    };
    const [keptRow, bestRow] = buildReport(batch, [kept, best], 0).rows;
    expect(keptRow).toMatchObject({ keptOriginal: true, outputFormat: 'jpeg' });
    expect(bestRow.tried).toBe('avif 700; webp 900; jpeg: JPEG does not fit');
    const rows = buildReport(visual, [met, shrunk], 0).rows;
    expect(rows[0]).toMatchObject({
      target: 'visual',
      chosenQuality: 63,
      encodes: 4,
      metric: 'butteraugli',
      score: 1.4123,
      shrunkPercent: null,
    });
    expect(rows[1]).toMatchObject({
      target: 'size',
      chosenQuality: 1,
      encodes: 9,
      metric: null,
      score: null,
      shrunkPercent: 70,
    });
  });

  it('gives a failed file its reason and no output', () => {
    expect(report.rows[2]).toMatchObject({
      status: 'failed',
      reason: 'Could not decode HEIC',
      outputPath: null,
      outputBytes: null,
      savedPercent: null,
    });
  });

  it('reports an empty batch without dividing by zero', () => {
    const empty = buildReport({ ...batch, elapsedMs: 0 }, [], 0);
    expect(empty.totals).toMatchObject({ count: 0, savedPercent: 0, imagesPerSecond: 0 });
    expect(empty.rows).toEqual([]);
  });
});

describe('reportToCsv', () => {
  it('writes a header row and one CRLF-terminated row per file', () => {
    const csv = reportToCsv(buildReport(batch, [done, skipped], 0));
    expect(csv.split('\r\n')).toEqual([
      'path,status,reason,inputFormat,outputPath,outputFormat,files,inputBytes,outputBytes,savedPercent,inputWidth,inputHeight,outputWidth,outputHeight,durationMs,target,chosenQuality,encodes,metric,score,shrunkPercent,keptOriginal,tried',
      'trip/a.jpg,done,,jpeg,trip/a.webp,webp,1,4000,1000,75,4000,3000,2048,1536,812,quality,,,,,,false,',
      'notes.txt,skipped,Not an image: looks like text,,,,,20,,,,,,,,quality,,,,,,false,',
      '',
    ]);
  });

  it('quotes commas, quotes and line breaks as RFC 4180 says', () => {
    const odd = item({ path: 'a, "b"\nc.jpg', status: 'failed', reason: 'x' });
    const row = reportToCsv(buildReport(batch, [odd], 0)).split('\r\n')[1];
    expect(row.startsWith('"a, ""b""\nc.jpg",failed,x,')).toBe(true);
  });

  it('defuses text a spreadsheet would run as a formula, but not negative numbers', () => {
    const rows = [
      item({ path: '=HYPERLINK("http://x")', status: 'skipped', reason: '@SUM(A1)' }),
      item({ path: '+1.jpg', status: 'skipped' }),
      item({ path: '-rf.jpg', status: 'skipped' }),
    ];
    const lines = reportToCsv(buildReport(batch, rows, 0)).split('\r\n');
    expect(lines[1].startsWith(`"'=HYPERLINK(""http://x"")",skipped,'@SUM(A1),`)).toBe(true);
    expect(lines[2].startsWith("'+1.jpg,")).toBe(true);
    expect(lines[3].startsWith("'-rf.jpg,")).toBe(true);
    const shrunk = reportToCsv(buildReport(batch, [grew], 0)).split('\r\n')[1];
    expect(shrunk).toContain(',1500,-50,');
  });
});

describe('reportToJson', () => {
  it('writes indented JSON that parses back to the same report', () => {
    const report = buildReport(batch, [done, failed], 0);
    const json = reportToJson(report);
    expect(JSON.parse(json)).toEqual(report);
    expect(json).toContain('\n  "totals": {\n    "count": 2,');
  });

  it('keeps the same key order whatever order the item fields were set in', () => {
    const shuffled = Object.fromEntries(Object.entries(done).reverse()) as BatchItem;
    expect(reportToJson(buildReport(batch, [shuffled], 0))).toBe(
      reportToJson(buildReport(batch, [done], 0)),
    );
  });
});
