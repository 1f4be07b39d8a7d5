// One measured run of either side, checked, summarised, and repeated once when a neighbour on
// the machine took CPU meanwhile.
import { runBatch } from './browser.mjs';
import { waitForQuiet } from './quiet.mjs';
import { runSharp } from './sharp-run.mjs';
import { median, summariseBrowserRun } from './stats.mjs';

/** Other processes using more than this many cores during a run make it "disturbed". */
export const disturbedAbove = 0.25;

/** One libuv thread per image in flight: sharp.concurrency() is 1 here (sharp-yardstick.mjs). */
export const uvThreadpoolSize = 2;

/**
 * Runs `once()` after waiting (up to `maxWaitMs`) for the machine to go quiet; if others still
 * took more than `disturbedAbove` cores during the run, runs it once more and keeps the
 * quieter of the two. The discarded one is kept under `discarded`.
 */
export async function measure(once, { maxWaitMs, log }) {
  const attempt = async () => {
    const { load, quiet } = await waitForQuiet({ maxWaitMs, log });
    if (!quiet) log(`  ! not quiet (others use ${load.toFixed(2)} cores); measuring anyway`);
    const r = await once();
    return { ...r, otherCoresBefore: load, disturbed: r.otherCores > disturbedAbove };
  };
  const first = await attempt();
  if (!first.disturbed) return first;
  log(`  ! others used ${first.otherCores.toFixed(2)} cores during the run: running it again`);
  const second = await attempt();
  const [kept, dropped] = second.otherCores < first.otherCores ? [second, first] : [first, second];
  const { discarded, ...rest } = dropped;
  return { ...kept, discarded: [rest] };
}

/** The app in Chromium on `count` files with `workers` workers; throws unless all are 'done'. */
export async function browserRun({ url, dir, count, workers, preset, label, log }) {
  const run = await runBatch({ url, dir, count, workers, preset, log });
  const summary = summariseBrowserRun(run);
  if (!summary.allDone) {
    throw new Error(
      `${label}: not every item finished 'done': ${JSON.stringify(summary.statuses)}\n` +
        summary.failures.join('\n'),
    );
  }
  if (run.settingsWorkers !== workers) {
    throw new Error(`${label}: the app shows ${run.settingsWorkers} workers, expected ${workers}`);
  }
  const m = run.memory.converting;
  const cpuSecondsPerImage = (m.ownCores * m.seconds) / count;
  log(
    `  wall ${run.wallSeconds.toFixed(1)} s (batch clock ${run.batchElapsedSeconds.toFixed(1)} s), ` +
      `${summary.imagesPerSecond.toFixed(2)} img/s, ${cpuSecondsPerImage.toFixed(2)} CPU s/img, ` +
      `peak RSS ${m.peakRssMiB.toFixed(0)} MiB (idle ${m.startRssMiB.toFixed(0)}), ` +
      `workers busy ${(summary.workerBusyShare * 100).toFixed(0)} %, ` +
      `others ${m.otherCores.toFixed(2)} cores`,
  );
  if (run.errors.length) log(`  page errors: ${[...new Set(run.errors)].slice(0, 3).join(' | ')}`);
  return {
    label,
    ...run,
    summary,
    files: count,
    cpuSecondsPerImage,
    otherCores: m.otherCores,
  };
}

/**
 * The sharp loop over `files` with `preset` (mapped by the server built in `buildDir`), 2 at a
 * time, in its own process with UV_THREADPOOL_SIZE = `threadpool` (the server bench gives it
 * the server's).
 */
export async function sharpRun({
  files,
  preset,
  buildDir,
  heic,
  label,
  log,
  threadpool = uvThreadpoolSize,
}) {
  const r = await runSharp(files, { preset, buildDir, heic, threadpool });
  const wallSeconds = r.wallMs / 1000;
  const m = r.memory;
  const cpuSecondsPerImage = (m.ownCores * m.seconds) / files.length;
  log(
    `  wall ${wallSeconds.toFixed(1)} s, ${(files.length / wallSeconds).toFixed(2)} img/s, ` +
      `${cpuSecondsPerImage.toFixed(2)} CPU s/img, sharp.concurrency()=${r.sharpConcurrency}, ` +
      `UV_THREADPOOL_SIZE=${r.uvThreadpoolSize}, in flight ${r.inFlight}, peak RSS ` +
      `${m.peakRssMiB.toFixed(0)} MiB, others ${m.otherCores.toFixed(2)} cores`,
  );
  const { perImageMs, ...rest } = r;
  return {
    label,
    ...rest,
    files: files.length,
    wallSeconds,
    medianPerImageMs: median(perImageMs),
    cpuSecondsPerImage,
    otherCores: m.otherCores,
  };
}
