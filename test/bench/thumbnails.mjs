#!/usr/bin/env node
// `npm run bench:thumbnails`: do the queue's thumbnails slow a batch? The batch of `npm run
// bench` (100 photos of 12 MP → WebP 2048 px, 2 workers) in two ways:
//   standard  as `npm run bench` does it: add the folder, wait 2 s, click Convert;
//   scroll    click Convert at once, then scroll the queue through all 100 rows while it
//             converts, so every row asks for its thumbnail during the batch.
// Prints wall times (click → 'done') and when thumbnails were made (before the click, during
// the batch, after it), and writes test/bench/out/thumbnails.json. Options:
//   --variant NAME=DIR  a checkout to build and measure, repeatable (default: this one);
//                       runs alternate between variants, so a busy spell hits all of them
//   --rounds N          runs per scenario and variant (default 3)
//   --scenario S        standard, scroll or both (default both)
//   --port P            the first vite preview port (default 4181; one per variant)
import { setWorkers } from './browser.mjs';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { cleanupAll, installCleanupHandlers, onCleanup } from './cleanup.mjs';
import { ensureInputs } from './inputs.mjs';
import { instrumentPage } from './instrument.mjs';
import { disturbedAbove } from './measure.mjs';
import { findBrowserPid, TreeSampler } from './procs.mjs';
import { waitForQuiet } from './quiet.mjs';
import { build, preview } from './server.mjs';
import { median } from './stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const outDir = join(here, 'out');

const { values: opts } = parseArgs({
  options: {
    variant: { type: 'string', multiple: true, default: [`this=${repoRoot}`] },
    rounds: { type: 'string', default: '3' },
    scenario: { type: 'string', default: 'both' },
    port: { type: 'string', default: '4181' },
  },
});
const variants = opts.variant.map((v) => {
  const at = v.indexOf('=');
  return { name: v.slice(0, at), root: resolve(v.slice(at + 1)) };
});
const rounds = Math.max(1, Number(opts.rounds) || 3);
const scenarios = opts.scenario === 'both' ? ['standard', 'scroll'] : [opts.scenario];
const count = 100;

/** One batch in a fresh profile; returns its wall time and its thumbnail jobs. */
async function once(url, dir, scenario) {
  const profile = mkdtempSync(join(tmpdir(), 'pixpool-thumbs-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    // The flags of playwright.config.ts, as browser.mjs.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const unregister = onCleanup(() => context.close().catch(() => {}));
  const sampler = new TreeSampler(findBrowserPid(profile)).start();
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.addInitScript(instrumentPage);
    await page.goto(url);
    await page.getByLabel('Add files').waitFor({ state: 'attached', timeout: 30_000 });
    await page.evaluate(() => navigator.serviceWorker?.ready);
    await page.locator('#preset-select').selectOption('web-webp-2048');
    await setWorkers(page, 2);
    await page.getByLabel('Add folder').setInputFiles(dir);
    await page.waitForFunction(
      (n) =>
        new RegExp(`\\b0 of\\s+${n}\\s+converted`).test(
          document.querySelector('.batch-progress')?.textContent ?? '',
        ),
      count,
      { timeout: 120_000, polling: 250 },
    );
    if (scenario === 'standard') await page.waitForTimeout(2000);
    sampler.mark('convert');
    await page.getByRole('button', { name: 'Convert', exact: true }).click();
    if (scenario === 'scroll') {
      // Four rows every half second, down to the end and back: each row is on screen a while.
      await page.evaluate(() => {
        const queue = document.querySelector('.queue');
        let step = 256;
        const timer = setInterval(() => {
          if (window.__bench.doneAt !== undefined) return clearInterval(timer);
          if (queue.scrollTop + queue.clientHeight >= queue.scrollHeight - 1) step = -256;
          else if (queue.scrollTop <= 0) step = 256;
          queue.scrollTop += step;
        }, 500);
      });
    }
    await page.waitForFunction(() => window.__bench.doneAt !== undefined, null, {
      timeout: 600_000,
      polling: 100,
    });
    sampler.mark('end');
    // Thumbnails still waiting when the batch ends get made now: let them finish.
    await page.waitForTimeout(3000);
    const r = await page.evaluate(() => ({
      clickAt: window.__bench.clickAt,
      doneAt: window.__bench.doneAt,
      thumbs: performance
        .getEntriesByName('pixpool:thumbnail')
        .map((e) => ({ start: e.startTime, ms: e.duration })),
    }));
    const during = r.thumbs.filter((t) => t.start + t.ms > r.clickAt && t.start < r.doneAt);
    return {
      wallSeconds: (r.doneAt - r.clickAt) / 1000,
      thumbnails: {
        beforeClick: r.thumbs.filter((t) => t.start + t.ms <= r.clickAt).length,
        overlappingBatch: during.length,
        // Worker time of the jobs that ran while converting (clipped to the batch).
        msDuringBatch: Math.round(
          during.reduce(
            (s, t) => s + Math.min(t.start + t.ms, r.doneAt) - Math.max(t.start, r.clickAt),
            0,
          ),
        ),
        after: r.thumbs.filter((t) => t.start >= r.doneAt).length,
        medianMs: Math.round(median(r.thumbs.map((t) => t.ms)) ?? NaN),
        // Each job's start and length in ms, from the click.
        jobs: r.thumbs.map((t) => [Math.round(t.start - r.clickAt), Math.round(t.ms)]),
      },
      batchMs: Math.round(r.doneAt - r.clickAt),
      otherCores: sampler.phase('convert', 'end').otherCores,
    };
  } finally {
    sampler.stop();
    await context.close().catch(() => {});
    unregister();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function main() {
  installCleanupHandlers();
  mkdirSync(outDir, { recursive: true });
  const fixtures = resolve(repoRoot, '../shared/fixtures/exif-orientation');
  await ensureInputs(fixtures, join(outDir, 'inputs-100'));
  const servers = [];
  for (const [i, v] of variants.entries()) {
    const appDir = join(outDir, `dist-thumbs-${v.name}`);
    console.log(`${v.name}: vite build of ${v.root} (${build(v.root, appDir).toFixed(1)} s)`);
    servers.push(await preview(v.root, appDir, Number(opts.port) + i));
  }
  const runs = [];
  try {
    for (let r = 1; r <= rounds; r++) {
      for (const scenario of scenarios) {
        for (const [i, v] of variants.entries()) {
          const { load } = await waitForQuiet({ maxWaitMs: 300_000 });
          const run = await once(servers[i].url, join(outDir, 'inputs-100'), scenario);
          const disturbed = run.otherCores > disturbedAbove;
          runs.push({
            variant: v.name,
            scenario,
            round: r,
            otherCoresBefore: load,
            disturbed,
            ...run,
          });
          const t = run.thumbnails;
          console.log(
            `${v.name} ${scenario} #${r}: wall ${run.wallSeconds.toFixed(1)} s; thumbnails ` +
              `${t.beforeClick} before the click, ${t.overlappingBatch} overlapping the batch ` +
              `(${t.msDuringBatch} ms), ${t.after} after; median ${t.medianMs} ms; others ` +
              `${run.otherCores.toFixed(2)} cores${disturbed ? ' (disturbed)' : ''}`,
          );
        }
      }
    }
  } finally {
    for (const s of servers) s.stop();
  }
  for (const scenario of scenarios) {
    for (const v of variants) {
      const mine = runs.filter((r) => r.scenario === scenario && r.variant === v.name);
      const quiet = mine.filter((r) => !r.disturbed).map((r) => r.wallSeconds);
      const all = mine.map((r) => r.wallSeconds);
      console.log(
        `${v.name} ${scenario}: median wall ${median(all).toFixed(1)} s over ${all.length}` +
          (quiet.length
            ? `, ${median(quiet).toFixed(1)} s over the ${quiet.length} undisturbed`
            : ''),
      );
    }
  }
  const file = join(outDir, 'thumbnails.json');
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), variants, runs }, null, 2));
  console.log(`wrote ${file}`);
}

try {
  await main();
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await cleanupAll();
}
