export const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export const quantile = (xs, q) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
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
  // Per worker (a recycled worker is a new one): its first call pays for loading the module
  // and compiling the wasm; between calls it waits for the page (store writes and reads).
  const byWorker = new Map();
  for (const c of calls) byWorker.set(c.worker, [...(byWorker.get(c.worker) ?? []), c]);
  const firsts = [];
  const gaps = [];
  for (const list of byWorker.values()) {
    list.sort((a, b) => a.start - b.start);
    firsts.push(list[0].end - list[0].start);
    for (let i = 1; i < list.length; i++) gaps.push(list[i].start - list[i - 1].end);
  }
  return {
    allDone: (statuses.done ?? 0) === run.count && run.items.length === run.count,
    statuses,
    failures: failed.slice(0, 5).map((it) => `${it.path}: ${it.status} ${it.reason ?? ''}`),
    imagesPerSecond: run.count / run.wallSeconds,
    workersStarted: run.workersStarted,
    convertCalls: run.calls.length,
    medianMs: {
      /** Reading the input Blob into the worker (its bytes come from IndexedDB). */
      read: median(stage('read')),
      /** createImageBitmap decode + scale, drawn on a canvas: the resize happens here. */
      decodeAndResize: median(stage('decode')),
      resize: median(stage('resize')),
      encode: median(stage('encode')),
      metadata: median(stage('metadata')),
      /** In the worker, request to reply: reading the Blob, the stages, Comlink. */
      inWorker: median(inWorker),
      /** Messaging and work between stages: in-worker time not in any stage. */
      inWorkerOutsideStages: median(inWorker.map((t, i) => t - staged[i])),
      /** The item as the runner saw it (store reads and writes included): durationMs. */
      item: median(run.items.map((it) => it.durationMs)),
    },
    /** Extra time of a worker's first call over the median call. */
    firstCallExtraMs: median(firsts) - median(inWorker),
    /** A worker's idle time between replying and getting its next image. */
    gapBetweenCallsMs: { median: median(gaps), p90: quantile(gaps, 0.9), total: sum(gaps) },
    workerBusyShare: busyMs / (run.workers * run.wallSeconds * 1000),
    outputBytes: sum(run.items.map((it) => it.outputSize)),
    outputSizes: [...new Set(run.items.map((it) => `${it.outputWidth}x${it.outputHeight}`))],
  };
}
