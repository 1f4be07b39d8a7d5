// One batch in the real app, in headless Chromium, with a fresh profile (so a fresh IndexedDB
// and a fresh set of browser processes to measure).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { onCleanup } from './cleanup.mjs';
import { instrumentPage, readStore } from './instrument.mjs';
import { findBrowserPid, TreeSampler } from './procs.mjs';

// The same flags as playwright.config.ts.
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Runs `fn` with the Settings dialog open (where the worker count is), then closes it. */
async function inSettings(page, fn) {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.waitFor();
  const result = await fn();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await dialog.waitFor({ state: 'hidden' });
  return result;
}

/** Sets how many images convert at once, as a person does in Settings. */
export function setWorkers(page, n) {
  return inSettings(page, async () => {
    await page.locator('#setting-workers').fill(String(n));
    await page.locator('#setting-workers').press('Enter');
    await page.locator('#setting-workers').blur();
  });
}

/**
 * Adds the folder `dir` (holding `count` photos) to the app at `url`, converts it with the
 * built-in `preset` (an id) on `workers` workers, and returns the wall time from the click on
 * Convert to the batch badge saying 'done', what the store recorded, the per-call worker
 * timings, and the browser's memory (RSS and PSS of all its processes, sampled every 200 ms).
 */
export async function runBatch({
  url,
  dir,
  count,
  workers,
  preset = 'web-webp-2048',
  log = () => {},
}) {
  const profile = mkdtempSync(join(tmpdir(), 'pixpool-bench-'));
  let browserPid;
  const kill = () => {
    if (browserPid) {
      try {
        process.kill(browserPid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(profile, { recursive: true, force: true });
  };
  const unregister = onCleanup(kill);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: chromiumArgs,
  });
  let sampler;
  let heapTimer;
  try {
    browserPid = findBrowserPid(profile);
    if (!browserPid) throw new Error(`no Chromium process found with --user-data-dir=${profile}`);
    sampler = new TreeSampler(browserPid).start();
    const errors = [];
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.addInitScript(instrumentPage);

    // The page's main-thread JS heap (workers have their own isolates; their memory, mostly
    // wasm, shows in RSS).
    const cdp = await context.newCDPSession(page);
    let peakHeapMiB = 0;
    heapTimer = setInterval(() => {
      cdp
        .send('Runtime.getHeapUsage')
        .then((h) => (peakHeapMiB = Math.max(peakHeapMiB, h.usedSize / 2 ** 20)))
        .catch(() => {});
    }, 1000);

    await page.goto(url);
    await page.getByLabel('Add files').waitFor({ state: 'attached', timeout: 30_000 });
    // A first visit installs the service worker, which precaches every wasm file: let that
    // finish so it is not counted (a returning user's visit does none of it).
    const serviceWorker = await page.evaluate(
      () =>
        'serviceWorker' in navigator &&
        Promise.race([
          navigator.serviceWorker.ready.then(() => 'active'),
          new Promise((r) => setTimeout(() => r('none after 60 s'), 60_000)),
        ]),
    );
    const env = await page.evaluate(() => ({
      hardwareConcurrency: navigator.hardwareConcurrency,
      crossOriginIsolated,
      userAgent: navigator.userAgent,
    }));
    await page.locator('#preset-select').selectOption(preset);
    await setWorkers(page, workers);

    sampler.mark('add');
    const addStarted = performance.now();
    await page.getByLabel('Add folder').setInputFiles(dir);
    // Counted from the progress line: above 500 items the list renders only what is on screen.
    await page.waitForFunction(
      (n) =>
        new RegExp(`\\b0 of\\s+${n}\\s+converted`).test(
          document.querySelector('.batch-progress')?.textContent ?? '',
        ),
      count,
      { timeout: 120_000 + count * 600, polling: 250 },
    );
    const addSeconds = (performance.now() - addStarted) / 1000;
    if (count <= 500) {
      const rows = await page.getByTestId('item').count();
      if (rows !== count) throw new Error(`expected ${count} rows in the list, found ${rows}`);
    }
    log(`  added ${count} files in ${addSeconds.toFixed(1)} s`);
    // Let IndexedDB finish writing before the clock starts.
    await page.waitForTimeout(2000);

    sampler.mark('convert');
    const convertStarted = performance.now();
    await page.getByRole('button', { name: 'Convert', exact: true }).click();
    // Lossless PNG of 12 MP takes ~9 s an image on one worker today.
    const timeout = 120_000 + count * 12_000;
    await page.waitForFunction(() => window.__bench.doneAt !== undefined, null, {
      timeout,
      polling: 100,
    });
    const nodeWallSeconds = (performance.now() - convertStarted) / 1000;
    sampler.mark('end');
    const bench = await page.evaluate(() => window.__bench);
    const stored = await page.evaluate(readStore);
    const settings = await inSettings(page, () => page.locator('#setting-workers').inputValue());
    return {
      workers,
      settingsWorkers: Number(settings),
      count,
      env: { ...env, serviceWorker },
      addSeconds,
      wallSeconds: (bench.doneAt - bench.clickAt) / 1000,
      nodeWallSeconds,
      batchElapsedSeconds: (stored.batches[0]?.elapsedMs ?? NaN) / 1000,
      calls: bench.calls,
      workersStarted: bench.workersStarted,
      clickAt: bench.clickAt,
      items: stored.items,
      errors,
      peakHeapMiB,
      memory: {
        whole: sampler.phase('add'),
        adding: sampler.phase('add', 'convert'),
        converting: sampler.phase('convert', 'end'),
      },
      /** Cores per process kind and per long-lived thread while converting. */
      cpu: sampler.cpuBetween('convert', 'end'),
      timeline: sampler.samples.map((s) => ({
        t: Math.round(s.t - sampler.samples[0].t),
        rssMiB: Math.round(s.rssMiB),
        pssMiB: s.pssMiB === undefined ? undefined : Math.round(s.pssMiB),
      })),
      marks: sampler.marks.map((m) => ({
        name: m.name,
        t: Math.round(m.t - sampler.samples[0].t),
      })),
    };
  } finally {
    clearInterval(heapTimer);
    sampler?.stop();
    await context.close().catch(() => {});
    kill();
    unregister();
  }
}
