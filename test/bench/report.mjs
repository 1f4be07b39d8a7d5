// Turns the measurements into the verdicts the issue asks for, and into a table.

export const targets = {
  /** Browser wall time over sharp's, 2 workers vs 2 at a time, same 100 files. */
  maxRatioToSharp: 1.15,
  /** One worker's wall time over two workers'. */
  minPoolSpeedup: 1.85,
  /** Peak RSS while converting 1,000 files over the same for 100: "flat" means within 10 %. */
  maxMemoryGrowth: 1.1,
};

const best = (runs, key) => runs.reduce((a, b) => (b[key] < a[key] ? b : a));

/** The headline numbers: best round of each (least disturbed by the rest of the machine). */
export function verdicts({ sharpRuns, pool2Runs, pool1Run, run1000 }) {
  const sharp = best(sharpRuns, 'wallSeconds');
  const pool2 = best(pool2Runs, 'wallSeconds');
  const ratioToSharp = pool2.wallSeconds / sharp.wallSeconds;
  const poolSpeedup = pool1Run ? pool1Run.wallSeconds / pool2.wallSeconds : NaN;
  // Median of the rounds too, so one lucky round does not decide alone.
  const mid = (xs) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];
  const medianRatio =
    mid(pool2Runs.map((r) => r.wallSeconds)) / mid(sharpRuns.map((r) => r.wallSeconds));
  const peak100 = Math.max(...pool2Runs.map((r) => r.memory.converting.peakRssMiB));
  const peak1000 = run1000?.memory.converting.peakRssMiB;
  const memoryGrowth = peak1000 ? peak1000 / peak100 : NaN;
  return {
    sharpWallSeconds: sharp.wallSeconds,
    pool2WallSeconds: pool2.wallSeconds,
    pool1WallSeconds: pool1Run?.wallSeconds,
    ratioToSharp,
    medianRatioToSharp: medianRatio,
    poolSpeedup,
    peakRss100MiB: peak100,
    peakRss1000MiB: peak1000,
    memoryGrowth,
    met: {
      ratioToSharp: ratioToSharp <= targets.maxRatioToSharp,
      poolSpeedup: poolSpeedup >= targets.minPoolSpeedup,
      memoryFlat: run1000 ? memoryGrowth <= targets.maxMemoryGrowth : null,
    },
  };
}

const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–');

/** A plain-text table, one row per run. */
export function table(rows) {
  const head = [
    'run',
    'files',
    'wall s',
    'img/s',
    '× sharp',
    'peak RSS MiB',
    'peak PSS MiB',
    'other cores',
  ];
  const body = rows.map((r) => [
    r.label,
    String(r.files),
    f(r.wallSeconds),
    f(r.files / r.wallSeconds, 2),
    f(r.ratio, 2),
    f(r.peakRssMiB, 0),
    f(r.peakPssMiB, 0),
    f(r.otherCores, 2),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** The verdict lines printed under the table. */
export function verdictLines(v) {
  const mark = (ok) => (ok === null ? 'not run' : ok ? 'met' : 'MISSED');
  return [
    `ratio to sharp (2 workers / sharp, best rounds): ${f(v.ratioToSharp, 3)}× ` +
      `(median rounds ${f(v.medianRatioToSharp, 3)}×); target ≤ ${targets.maxRatioToSharp}× — ${mark(v.met.ratioToSharp)}`,
    `pool speed-up (1 worker / 2 workers): ${f(v.poolSpeedup, 3)}×; ` +
      `target ≥ ${targets.minPoolSpeedup}× — ${mark(v.met.poolSpeedup)}`,
    `peak RSS converting 100 → 1,000 files: ${f(v.peakRss100MiB, 0)} → ${f(v.peakRss1000MiB, 0)} MiB ` +
      `(${f(v.memoryGrowth, 3)}×); target flat (≤ ${targets.maxMemoryGrowth}×) — ${mark(v.met.memoryFlat)}`,
  ];
}
