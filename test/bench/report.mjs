// Turns the measurements into the verdicts the issue asks for, and into text.
import { median } from './stats.mjs';

export const targets = {
  /** Browser wall time over sharp's, 2 workers vs 2 at a time, same files (issue 11's). */
  maxRatioToSharp: {
    'web-webp-2048': 1.1,
    'email-jpeg-1600': 1.2,
    'modern-avif': 1.0,
    'thumbnails-webp-400': 1.5,
    heic: 1.5,
  },
  /** JPEG: the app's bytes over sharp's MozJPEG bytes. */
  maxBytesOverSharp: { 'email-jpeg-1600': 1.03 },
  /** Lossless PNG of 12 MP: wall seconds per image, 2 workers, and no bigger than sharp at zlib 9. */
  maxSecondsPerImage: { 'lossless-png': 2.0 },
  maxBytesOverLevel9: { 'lossless-png': 1.0 },
  /** One worker's wall time over two workers'. */
  minPoolSpeedup: 1.85,
  /** Peak RSS while converting 1,000 files over the same for 100: "flat" means within 10 %. */
  maxMemoryGrowth: 1.1,
};

/** The runs no neighbour disturbed; all of them if every one was disturbed. */
const undisturbed = (runs) => {
  const quiet = runs.filter((r) => !r.disturbed);
  return quiet.length ? quiet : runs;
};

/**
 * The headline numbers, from the medians of the undisturbed rounds, against the targets of
 * `key` (a preset id, or 'heic' for HEIC inputs).
 */
export function verdicts({ key, sharpRuns, pool2Runs, pool1Runs, run1000 }) {
  const sharpWalls = undisturbed(sharpRuns).map((r) => r.wallSeconds);
  const pool2Walls = undisturbed(pool2Runs).map((r) => r.wallSeconds);
  const sharpWallSeconds = median(sharpWalls);
  const pool2WallSeconds = median(pool2Walls);
  const pool1WallSeconds = median(undisturbed(pool1Runs).map((r) => r.wallSeconds));
  const ratioToSharp = pool2WallSeconds / sharpWallSeconds;
  const poolSpeedup = pool1WallSeconds / pool2WallSeconds;
  // The same within each round, where both ran minutes apart on an equally busy machine.
  const perRound = (a, b) => a.map((r, i) => r.wallSeconds / b[i].wallSeconds);
  const peakRss100MiB = Math.max(...pool2Runs.map((r) => r.memory.converting.peakRssMiB));
  const m1000 = run1000?.memory.converting;
  const memoryGrowth = m1000 ? m1000.peakRssMiB / peakRss100MiB : NaN;
  const files = pool2Runs[0].files;
  const secondsPerImage = pool2WallSeconds / files;
  const appBytes = median(pool2Runs.map((r) => r.summary.outputBytes));
  const bytesOverSharp = appBytes / median(sharpRuns.map((r) => r.outputBytes));
  const bytesOverLevel9 = appBytes / median(sharpRuns.map((r) => r.level9Bytes ?? NaN));
  const limit = (table) => table[key];
  const within = (value, max) => (max === undefined ? null : value <= max);
  return {
    key,
    secondsPerImage,
    bytesOverSharp,
    bytesOverLevel9,
    sharpWallSeconds,
    pool2WallSeconds,
    pool1WallSeconds,
    pool1000WallSeconds: run1000?.wallSeconds,
    ratioToSharp,
    bestRatioToSharp: Math.min(...pool2Walls) / Math.min(...sharpWalls),
    ratioToSharpPerRound: perRound(pool2Runs, sharpRuns),
    poolSpeedup,
    poolSpeedupPerRound: perRound(pool1Runs, pool2Runs),
    peakRss100MiB,
    peakRss1000MiB: m1000?.peakRssMiB,
    memoryGrowth,
    peakRss1000FirstTenthMiB: m1000?.peakRssFirstTenthMiB,
    peakRss1000LastTenthMiB: m1000?.peakRssLastTenthMiB,
    met: {
      ratioToSharp: within(ratioToSharp, limit(targets.maxRatioToSharp)),
      bytesOverSharp: within(bytesOverSharp, limit(targets.maxBytesOverSharp)),
      secondsPerImage: within(secondsPerImage, limit(targets.maxSecondsPerImage)),
      bytesOverLevel9: within(bytesOverLevel9, limit(targets.maxBytesOverLevel9)),
      poolSpeedup: poolSpeedup >= targets.minPoolSpeedup,
      memoryFlat: m1000 ? memoryGrowth <= targets.maxMemoryGrowth : null,
    },
  };
}

const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–');

/**
 * A plain-text table, one row per run; `sharpWall` is the sharp median over `sharpFiles` files,
 * for the ratio per image.
 */
export function table(runs, sharpWall, sharpFiles) {
  const head = ['run', 'files', 'wall s', 'img/s', '× sharp', 'CPU s/img', 'peak RSS MiB'];
  head.push('peak PSS MiB', 'others');
  const body = runs.map((r) => {
    const m = r.memory.converting ?? r.memory;
    return [
      r.label + (r.disturbed ? ' *' : ''),
      String(r.files),
      f(r.wallSeconds),
      f(r.files / r.wallSeconds, 2),
      f(r.wallSeconds / r.files / (sharpWall / sharpFiles), 2),
      f(r.cpuSecondsPerImage, 2),
      f(m.peakRssMiB, 0),
      f(m.peakPssMiB, 0),
      f(r.otherCores, 2),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** The verdict lines printed under the table. */
export function verdictLines(v) {
  const target = (table, unit) =>
    table[v.key] === undefined ? 'no target' : `target ≤ ${table[v.key]}${unit}`;
  const mark = (ok) => (ok === null ? '' : ok ? ' — met' : ' — MISSED');
  return [
    `ratio to sharp (median 2-worker wall / median sharp wall): ${f(v.ratioToSharp, 3)}× ` +
      `(best / best ${f(v.bestRatioToSharp, 3)}×; per round ` +
      `${v.ratioToSharpPerRound.map((x) => f(x, 2)).join(', ')}); ` +
      `${target(targets.maxRatioToSharp, '×')}${mark(v.met.ratioToSharp)}`,
    `wall seconds per image (2 workers): ${f(v.secondsPerImage, 2)} s; ` +
      `${target(targets.maxSecondsPerImage, ' s')}${mark(v.met.secondsPerImage)}`,
    `bytes over sharp's: ${f(v.bytesOverSharp, 3)}×; ` +
      `${target(targets.maxBytesOverSharp, '×')}${mark(v.met.bytesOverSharp)}`,
    ...(Number.isFinite(v.bytesOverLevel9)
      ? [
          `bytes over sharp's PNG at zlib level 9: ${f(v.bytesOverLevel9, 3)}×; ` +
            `${target(targets.maxBytesOverLevel9, '×')}${mark(v.met.bytesOverLevel9)}`,
        ]
      : []),
    `pool speed-up (median 1-worker wall / median 2-worker wall): ${f(v.poolSpeedup, 3)}× ` +
      `(per round ${v.poolSpeedupPerRound.map((x) => f(x, 2)).join(', ')}); ` +
      `target ≥ ${targets.minPoolSpeedup}×${mark(v.met.poolSpeedup)}`,
    `peak RSS converting, 100 → 1,000 files: ${f(v.peakRss100MiB, 0)} → ` +
      `${f(v.peakRss1000MiB, 0)} MiB (${f(v.memoryGrowth, 3)}×; within the 1,000 run, first ` +
      `tenth ${f(v.peakRss1000FirstTenthMiB, 0)}, last tenth ${f(v.peakRss1000LastTenthMiB, 0)}); ` +
      `target flat (≤ ${targets.maxMemoryGrowth}×)${v.met.memoryFlat === null ? ' — not run' : mark(v.met.memoryFlat)}`,
  ];
}

/** Where the time and memory go, per run. */
export function detailLines(sharpRuns, browserRuns) {
  const lines = [
    'per image, medians in ms: decode+resize (createImageBitmap, draw) · WebP encode (the ' +
      'canvas encoder, or read-back + jSquash) · whole call in the worker · item as the runner saw it;',
    'then the time workers were busy, their idle gap between images (median / p90), and the ' +
      "extra cost of a fresh worker's first image",
  ];
  for (const r of browserRuns) {
    const m = r.summary.medianMs;
    const g = r.summary.gapBetweenCallsMs;
    lines.push(
      `  ${r.label.padEnd(31)} ${f(m.decodeAndResize, 0)} · ${f(m.encode, 0)} · ` +
        `${f(m.inWorker, 0)} · ${f(m.item, 0)};  busy ${f(r.summary.workerBusyShare * 100)} %, ` +
        `gap ${f(g.median, 0)} / ${f(g.p90, 0)} ms, first image +${f(r.summary.firstCallExtraMs, 0)} ms ` +
        `(${r.summary.workersStarted} workers started)`,
    );
  }
  lines.push(
    '',
    'CPU while converting, in cores (2 = the whole machine): by process, then threads',
  );
  for (const r of browserRuns) {
    const top = (o, n) =>
      Object.entries(o)
        .slice(0, n)
        .map(([k, v]) => `${k} ${f(v, 2)}`)
        .join(', ');
    lines.push(
      `  ${r.label.padEnd(31)} ${top(r.cpu.kinds, 4)}`,
      `  ${''.padEnd(31)} ${top(r.cpu.threads, 5)}`,
    );
  }
  lines.push(
    `  sharp, per image with 2 in flight: ${sharpRuns.map((r) => f(r.medianPerImageMs, 0)).join(', ')} ms`,
    '',
    'memory while converting (RSS MiB): idle browser → peak, and the largest process kinds',
  );
  for (const r of browserRuns) {
    const m = r.memory.converting;
    const kinds = Object.entries(m.peakRssByKindMiB)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([k, v]) => `${k} ${f(v, 0)}`)
      .join(', ');
    lines.push(
      `  ${r.label.padEnd(31)} ${f(m.startRssMiB, 0)} → ${f(m.peakRssMiB, 0)}; ${kinds}; ` +
        `page JS heap peak ${f(r.peakHeapMiB, 0)} MiB`,
    );
  }
  return lines;
}
