#!/usr/bin/env node
// `npm run bench:engines`: the same photos through each built-in preset in headless Chromium
// and in Firefox ESR, alternating, driven the same way (puppeteer-core: CDP for Chromium,
// WebDriver BiDi for Firefox) on the same build. Prints wall seconds per image in each engine,
// Firefox over Chromium, the output bytes of each, and per-stage medians in the workers, so
// what each engine does slower shows. Writes test/bench/out/engines-last.json.
// Options:
//   --preset ID   a built-in preset's id, or 'all' (default)
//   --input heic  HEICs of 12 MP instead of JPEGs (with the Email preset)
//   --count N     photos per run (default 24)
//   --rounds N    rounds per engine, alternating (default 1; medians count)
//   --workers N   images at once (default 2)
//   --port P      vite preview's port (default 4181)
//   --max-wait S  before each run, wait up to S s for other processes to go quiet (default 300)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import puppeteer from 'puppeteer-core';
import { chromiumArgs } from './browser.mjs';
import { cleanupAll, installCleanupHandlers } from './cleanup.mjs';
import { ensureInputs } from './inputs.mjs';
import { instrumentPage, readStore } from './instrument.mjs';
import { waitForQuiet } from './quiet.mjs';
import { build, buildServer, preview } from './server.mjs';
import { ensureHeicInputs } from './server/heic-inputs.mjs';
import { median, summariseBrowserRun } from './stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const outDir = join(here, 'out');
const fixtures = resolve(repoRoot, '../shared/fixtures/exif-orientation');

const { values: opts } = parseArgs({
  options: {
    preset: { type: 'string', default: 'all' },
    input: { type: 'string', default: 'jpeg' },
    count: { type: 'string', default: '24' },
    rounds: { type: 'string', default: '1' },
    workers: { type: 'string', default: '2' },
    port: { type: 'string', default: '4181' },
    'max-wait': { type: 'string', default: '300' },
  },
});
const count = Math.max(1, Math.min(100, Number(opts.count) || 24));
const rounds = Math.max(1, Number(opts.rounds) || 1);
const workers = Math.max(1, Number(opts.workers) || 2);
const heic = opts.input === 'heic';
const maxWaitMs = Math.max(0, Number(opts['max-wait']) || 0) * 1000;
const log = (...a) => console.log(...a);

const engines = {
  chromium: {
    browser: 'chrome',
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: chromiumArgs,
  },
  firefox: {
    browser: 'firefox',
    executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
  },
};

/** Clicks the button whose text is exactly `label`. */
async function clickButton(page, label) {
  const handle = await page.waitForFunction(
    (l) => [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === l),
    { polling: 200, timeout: 30_000 },
    label,
  );
  await handle.asElement().click();
}

/** One batch of `files` with `preset` in a fresh browser: timings, outputs and worker stages. */
async function runOnce(engine, url, files, preset) {
  const browser = await puppeteer.launch({ ...engines[engine], headless: true });
  try {
    const page = await browser.newPage();
    await page.evaluateOnNewDocument(instrumentPage);
    await page.goto(url);
    await page.waitForSelector('input[type=file]:not([webkitdirectory])');
    await page.select('#preset-select', preset);
    await clickButton(page, 'Settings');
    await page.click('#setting-workers', { count: 3 });
    await page.type('#setting-workers', String(workers));
    await page.keyboard.press('Enter');
    await clickButton(page, 'Close');
    const input = await page.$('input[type=file]:not([webkitdirectory])');
    await input.uploadFile(...files);
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid=item]').length === n,
      { polling: 250, timeout: 120_000 },
      files.length,
    );
    // Let IndexedDB finish writing before the clock starts.
    await new Promise((r) => setTimeout(r, 2000));
    await clickButton(page, 'Convert');
    await page.waitForFunction(() => window.__bench.doneAt !== undefined, {
      polling: 100,
      timeout: 120_000 + files.length * 15_000,
    });
    const bench = await page.evaluate(() => window.__bench);
    const stored = await page.evaluate(readStore);
    const version = await browser.version();
    return {
      engine,
      version,
      wallSeconds: (bench.doneAt - bench.clickAt) / 1000,
      // Every convert call (worker, start, end, stage timings), for a closer look.
      calls: bench.calls,
      // The same per-run summary as `npm run bench` prints.
      summary: summariseBrowserRun({
        ...bench,
        items: stored.items,
        count: files.length,
        workers,
        wallSeconds: (bench.doneAt - bench.clickAt) / 1000,
      }),
    };
  } finally {
    await browser.close().catch(() => {});
  }
}

/** Median ms of read · decode · resize · encode · outside stages · the whole worker call. */
function stages({ summary: { medianMs: m } }) {
  return [m.read, m.decodeAndResize, m.resize, m.encode, m.inWorkerOutsideStages, m.inWorker]
    .map((ms) => (Number.isFinite(ms) ? Math.round(ms) : '–'))
    .join(' · ');
}

async function main() {
  installCleanupHandlers();
  const { builtInPresets } = await buildServer(repoRoot)('shared/presets/index.js');
  const presets = heic
    ? ['email-jpeg-1600']
    : opts.preset === 'all'
      ? builtInPresets.map((p) => p.id)
      : [opts.preset];
  const inputs = heic
    ? await ensureHeicInputs(fixtures, join(outDir, `heic-12mp-${count}`), count)
    : await ensureInputs(fixtures, join(outDir, 'inputs-100'));
  const files = inputs.files.slice(0, count);
  const appDir = join(outDir, 'dist');
  log(`vite build → ${appDir} (${build(repoRoot, appDir).toFixed(1)} s)`);
  const server = await preview(repoRoot, appDir, Number(opts.port));
  const results = [];
  try {
    for (const preset of presets) {
      const runs = { chromium: [], firefox: [] };
      for (let round = 1; round <= rounds; round++) {
        for (const engine of round % 2 ? ['chromium', 'firefox'] : ['firefox', 'chromium']) {
          await waitForQuiet({ maxWaitMs, log });
          const r = await runOnce(engine, server.url, files, preset);
          log(
            `${preset} · ${engine} round ${round}: ${r.wallSeconds.toFixed(1)} s, ` +
              `${r.summary.statuses.done ?? 0}/${files.length} done, ms ${stages(r)}`,
          );
          for (const f of r.summary.failures) log(`  failed ${f}`);
          runs[engine].push(r);
        }
      }
      results.push({ preset, runs });
    }
  } finally {
    server.stop();
  }

  const perImage = (rs) => median(rs.map((r) => r.wallSeconds)) / files.length;
  log(
    `\n${files.length} ${heic ? 'HEICs' : 'JPEGs'} of 12 MP, ${workers} workers, ${rounds} ` +
      `round(s) each; ${results[0].runs.chromium[0].version} vs ${results[0].runs.firefox[0].version}`,
  );
  log(
    'preset                 Chromium s/img  Firefox s/img  Firefox/Chromium  bytes F/C' +
      '   stages ms (read · decode · resize · encode · other · call) Chromium | Firefox',
  );
  for (const { preset, runs } of results) {
    const c = perImage(runs.chromium);
    const f = perImage(runs.firefox);
    const bytes = runs.firefox[0].summary.outputBytes / runs.chromium[0].summary.outputBytes;
    log(
      `${preset.padEnd(22)} ${c.toFixed(3).padStart(14)} ${f.toFixed(3).padStart(14)} ` +
        `${(f / c).toFixed(2).padStart(16)}× ${bytes.toFixed(3).padStart(9)}   ` +
        `${stages(runs.chromium[0])} | ${stages(runs.firefox[0])}`,
    );
  }
  log('(target: Firefox within 1.2× of Chromium on each preset)');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `engines-last${heic ? '-heic' : ''}.json`);
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), opts, results }, null, 2));
  log(`wrote ${file}`);
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(cleanupAll);
