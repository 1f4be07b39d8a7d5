export const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export const sum = (xs) => xs.reduce((s, x) => s + (Number.isFinite(x) ? x : 0), 0);

/**
 * What one browser run says about itself: every item's outcome, per-image medians of the
 * worker's stages, and how busy the workers were (time inside `convert` calls over
 * workers × wall time; the rest is the page's own work between items and idle slots).
 */
export function summariseBrowserRun(run) {
  const statuses = {};
  for (const it of run.items) statuses[it.status] = (statuses[it.status] ?? 0) + 1;
  const failed = run.items.filter((it) => it.status !== 'done');
  const calls = run.calls.filter((c) => c.ok);
  const inWorker = calls.map((c) => c.end - c.start);
  const stage = (name) => calls.map((c) => c.timings?.[name]);
  const staged = calls.map((c) => sum(Object.values(c.timings ?? {})));
  const busyMs = sum(inWorker);
  return {
    allDone: (statuses.done ?? 0) === run.count && run.items.length === run.count,
    statuses,
    failures: failed.slice(0, 5).map((it) => `${it.path}: ${it.status} ${it.reason ?? ''}`),
    imagesPerSecond: run.count / run.wallSeconds,
    workersStarted: run.workersStarted,
    convertCalls: run.calls.length,
    medianMs: {
      /** createImageBitmap decode + scale, draw, getImageData: the resize happens here. */
      decodeAndResize: median(stage('decode')),
      resize: median(stage('resize')),
      encode: median(stage('encode')),
      metadata: median(stage('metadata')),
      /** In the worker, request to reply: reading the Blob, the stages, Comlink. */
      inWorker: median(inWorker),
      /** Reading the input Blob and messaging: in-worker time not in any stage. */
      inWorkerOutsideStages: median(inWorker.map((t, i) => t - staged[i])),
      /** The item as the runner saw it (store reads and writes included): durationMs. */
      item: median(run.items.map((it) => it.durationMs)),
    },
    workerBusyShare: busyMs / (run.workers * run.wallSeconds * 1000),
    outputBytes: sum(run.items.map((it) => it.outputSize)),
    outputSizes: [...new Set(run.items.map((it) => `${it.outputWidth}x${it.outputHeight}`))],
  };
}
