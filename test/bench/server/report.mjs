// The server benchmark's targets, verdicts and printed table.
import { existsSync, readFileSync } from 'node:fs';
import { median } from '../stats.mjs';

export const targets = {
  /** Server wall time (batch created → last done event) over the bare sharp loop's. */
  maxOverheadRatio: 1.1,
  /** Server process peak RSS over a 1,000-file batch with its ZIP download, in MB (10^6 B). */
  maxPeakRssMB: 500,
  /** An item's done event reaching an SSE client after the server committed it, p95. */
  maxSseLatencyP95Ms: 100,
};

const undisturbed = (runs) => {
  const quiet = runs.filter((r) => !r.disturbed);
  return quiet.length ? quiet : runs;
};

/** The headline numbers and whether each target was met (null: not measured or undecided). */
export function verdicts({ sharpRuns, serverRuns, latencyRun, memoryRun }) {
  const sharpWallSeconds = median(undisturbed(sharpRuns).map((r) => r.wallSeconds));
  const serverWallSeconds = median(undisturbed(serverRuns).map((r) => r.wallSeconds));
  const overheadRatio = serverWallSeconds / sharpWallSeconds;
  const perRound = serverRuns.map((r, i) => r.wallSeconds / sharpRuns[i].wallSeconds);
  const best =
    Math.min(...serverRuns.map((r) => r.wallSeconds)) /
    Math.min(...sharpRuns.map((r) => r.wallSeconds));

  const mem = memoryRun?.memory;
  // The larger of the sampled peak and the kernel's high-water mark (a spike between samples).
  const peakRssMB = mem ? Math.max(mem.peakRssMB, mem.hwmMB) : undefined;

  const lat = latencyRun?.latency;
  const exact = [...serverRuns, latencyRun, memoryRun]
    .filter(Boolean)
    .map((r) => r.lastItemLatencyMs)
    .filter(Number.isFinite);
  let sseMet = null;
  if (lat) {
    if (lat.upperBoundMs.p95 <= targets.maxSseLatencyP95Ms) sseMet = true;
    else if (lat.sseMinusPollMs.p95 > targets.maxSseLatencyP95Ms) sseMet = false;
  }
  return {
    sharpWallSeconds,
    serverWallSeconds,
    overheadRatio,
    overheadRatioPerRound: perRound,
    bestOverheadRatio: best,
    peakRssMB,
    peakRssMiB: mem ? Math.max(mem.peakRssMiB, mem.hwmMiB) : undefined,
    sampledPeakRssMB: mem?.peakRssMB,
    hwmMB: mem?.hwmMB,
    sseMinusPollP50Ms: lat?.sseMinusPollMs.p50,
    sseMinusPollP95Ms: lat?.sseMinusPollMs.p95,
    sseUpperBoundP50Ms: lat?.upperBoundMs.p50,
    sseUpperBoundP95Ms: lat?.upperBoundMs.p95,
    lastItemLatencyMs: exact,
    met: {
      overhead: overheadRatio <= targets.maxOverheadRatio,
      memory: peakRssMB === undefined ? null : peakRssMB <= targets.maxPeakRssMB,
      sseLatency: sseMet,
    },
  };
}

/** The browser benchmark's last result (npm run bench), or undefined. */
export function browserNumbers(file) {
  if (!existsSync(file)) return undefined;
  const last = JSON.parse(readFileSync(file, 'utf8'));
  const v = last.verdicts ?? {};
  const files = last.inputs?.count ?? 100;
  return {
    date: last.date,
    command: last.command,
    source: last.machine?.source,
    files,
    browser2WallSeconds: v.pool2WallSeconds,
    browser1WallSeconds: v.pool1WallSeconds,
    browser1000WallSeconds: v.pool1000WallSeconds,
    sharpWallSeconds: v.sharpWallSeconds,
  };
}

const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–');

/**
 * One row per run: wall, throughput, wall per file over `sharpPerFile` (the median sharp
 * round's), CPU, memory, neighbours.
 */
export function table(runs, sharpPerFile) {
  const head = [
    'run',
    'files',
    'wall s',
    'img/s',
    '× sharp',
    'CPU s/img',
    'peak RSS MiB',
    'others',
  ];
  const body = runs.map((r) => [
    r.label + (r.disturbed ? ' *' : ''),
    String(r.files),
    f(r.wallSeconds),
    f(r.files / r.wallSeconds, 2),
    f(r.wallSeconds / r.files / sharpPerFile, 3),
    f(r.cpuSecondsPerImage, 2),
    f(r.memory.peakRssMiB, 0),
    f(r.otherCores, 2),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** The verdict lines under the table. */
export function verdictLines(v, memoryRun) {
  const mark = (ok) => (ok === null ? 'not decided / not run' : ok ? 'met' : 'MISSED');
  const lines = [
    `overhead (median server wall / median sharp wall): ${f(v.overheadRatio, 3)}× ` +
      `(best / best ${f(v.bestOverheadRatio, 3)}×; per round ` +
      `${v.overheadRatioPerRound.map((x) => f(x, 3)).join(', ')}); target ≤ ` +
      `${targets.maxOverheadRatio}× — ${mark(v.met.overhead)}`,
  ];
  if (memoryRun) {
    const m = memoryRun.memory;
    lines.push(
      `server peak RSS, ${memoryRun.files} files incl. ZIP download: ${f(v.peakRssMB, 0)} MB ` +
        `(${f(v.peakRssMiB, 0)} MiB; sampled every ${m.everyMs} ms ${f(m.peakRssMiB, 0)} MiB, ` +
        `VmHWM ${f(m.hwmMiB, 0)} MiB; first / last tenth of the run ${f(m.peakFirstTenthMiB, 0)}` +
        ` / ${f(m.peakLastTenthMiB, 0)} MiB; per phase ` +
        Object.entries(m.phases)
          .map(([k, p]) => `${k} ${f(p.peakRssMiB, 0)}`)
          .join(', ') +
        `); target ≤ ${targets.maxPeakRssMB} MB — ${mark(v.met.memory)}`,
    );
  } else lines.push(`server peak RSS: not run (--quick)`);
  lines.push(
    `SSE latency, done committed → event received: between ${f(v.sseMinusPollP95Ms)} and ` +
      `${f(v.sseUpperBoundP95Ms)} ms at p95 (p50 between ${f(v.sseMinusPollP50Ms)} and ` +
      `${f(v.sseUpperBoundP50Ms)}); exact for each batch's last item: ` +
      `${v.lastItemLatencyMs.map((x) => f(x, 0)).join(', ')} ms; target p95 ≤ ` +
      `${targets.maxSseLatencyP95Ms} ms — ${mark(v.met.sseLatency)}`,
  );
  return lines;
}

/** Server and browser throughput on the same files, side by side. */
export function comparisonLines(v, count, memoryRun, browser) {
  if (!browser) return ['server vs browser: no test/bench/out/last.json — run npm run bench first'];
  const ips = (n, s) => f(n / s, 2);
  return [
    `throughput, images/s on the same 12 MP photos → WebP q75, 2048 px (browser: ${browser.command} ` +
      `of ${browser.date}${browser.source ? `, app at ${browser.source}` : ''}):`,
    `  ${count} files:   server ${ips(count, v.serverWallSeconds)} · browser, 2 workers ` +
      `${ips(browser.files, browser.browser2WallSeconds)} · browser, 1 worker ` +
      `${ips(browser.files, browser.browser1WallSeconds)} · sharp loop ${ips(count, v.sharpWallSeconds)} ` +
      `(browser run's own sharp loop ${ips(browser.files, browser.sharpWallSeconds)})`,
    `  ${memoryRun ? `${memoryRun.files} files` : '1,000 files'}: server ` +
      `${memoryRun ? ips(memoryRun.files, memoryRun.wallSeconds) : '– (--quick)'}` +
      ` · browser, 2 workers, 1,000 files ${ips(1000, browser.browser1000WallSeconds)}`,
  ];
}
