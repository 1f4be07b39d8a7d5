#!/usr/bin/env node
// `npm run bench:decode`: how long each engine takes to decode a 12 MP camera JPEG and scale
// it, in a worker, by each route the app can take (app/workers/pipeline/decode-browser.ts and
// decode-scaled.ts): the whole picture, createImageBitmap scaling as it decodes, and
// WebCodecs' ImageDecoder asked for a smaller size. Photos upright, turned 180° and
// transposed (EXIF 1, 3, 5), to 400 and 2048 px. Medians of 5, Chromium and Firefox ESR
// side by side (puppeteer-core); this is the profile behind Firefox's floor in BENCHMARKS.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { chromiumArgs } from './browser.mjs';
import { ensureInputs } from './inputs.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = resolve(here, '../../../shared/fixtures/exif-orientation');
const port = Number(process.env.BENCH_DECODE_PORT ?? 4182);

// photo-000, -003 and -005 of the bench inputs: EXIF 1 (4000 × 3000), 3 and 5 (stored 3000 ×
// 4000); upright, each is 4000 × 3000.
const photos = { 'upright (1)': 0, 'turned 180° (3)': 3, 'transposed (5)': 5 };
const targets = [400, 2048];

/** Runs in the worker: every route for every photo and target, median ms of `reps`. */
async function measureRoutes({ photos, targets, reps }) {
  const time = async (run) => {
    const ms = [];
    for (let i = 0; i < reps; i++) {
      const start = performance.now();
      (await run()).close();
      ms.push(performance.now() - start);
    }
    return Math.round(ms.sort((a, b) => a - b)[reps >> 1]);
  };
  const decoded = async (blob, desired) => {
    const decoder = new ImageDecoder({ data: blob.stream(), type: 'image/jpeg', ...desired });
    const { image } = await decoder.decode();
    decoder.close();
    return image;
  };
  const rows = [];
  for (const [label, url] of Object.entries(photos)) {
    const blob = await (await fetch(url)).blob();
    rows.push({
      photo: label,
      route: 'whole picture',
      ms: await time(() => createImageBitmap(blob)),
    });
    for (const width of targets) {
      const resize = { resizeWidth: width, resizeHeight: (width * 3) / 4, resizeQuality: 'high' };
      rows.push({
        photo: label,
        route: `createImageBitmap to ${width}`,
        ms: await time(() => createImageBitmap(blob, resize)),
      });
      // The smallest M/8 of 4000 × 3000 that covers the target, as decode-scaled.ts asks.
      const eighths = Math.ceil((8 * width) / 4000);
      const desired = { desiredWidth: eighths * 500, desiredHeight: eighths * 375 };
      rows.push({
        photo: label,
        route: `ImageDecoder at ${eighths}/8, then to ${width}`,
        ms: await time(async () => {
          const frame = await decoded(blob, desired);
          const bitmap = await createImageBitmap(frame, resize);
          frame.close();
          return bitmap;
        }),
      });
    }
  }
  return rows;
}

const page = `<!doctype html><script type="module">
const worker = new Worker('/worker.js', { type: 'module' });
window.measure = (request) => new Promise((resolve, reject) => {
  worker.onmessage = (e) => resolve(e.data);
  worker.onerror = (e) => reject(new Error(e.message));
  worker.postMessage(request);
});
</script>`;
const worker = `${measureRoutes};\nonmessage = async (e) => postMessage(await measureRoutes(e.data));`;

async function main() {
  const inputs = await ensureInputs(fixtures, join(here, 'out/inputs-100'));
  const files = new Map(Object.values(photos).map((i) => [`/photo-${i}.jpg`, inputs.files[i]]));
  const server = createServer((req, res) => {
    const file = files.get(req.url);
    const [type, body] =
      req.url === '/'
        ? ['text/html', page]
        : req.url === '/worker.js'
          ? ['text/javascript', worker]
          : file
            ? ['image/jpeg', readFileSync(file)]
            : [];
    res.writeHead(body ? 200 : 404, { 'content-type': type ?? 'text/plain' }).end(body);
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  const request = {
    photos: Object.fromEntries(Object.entries(photos).map(([k, i]) => [k, `/photo-${i}.jpg`])),
    targets,
    reps: 5,
  };
  const results = {};
  try {
    for (const [engine, executablePath, args] of [
      ['chrome', process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', chromiumArgs],
      ['firefox', process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr', []],
    ]) {
      const browser = await puppeteer.launch({ browser: engine, executablePath, args });
      try {
        const tab = await browser.newPage();
        await tab.goto(`http://127.0.0.1:${port}/`);
        results[await browser.version()] = await tab.evaluate((r) => window.measure(r), request);
      } finally {
        await browser.close();
      }
    }
  } finally {
    server.close();
  }
  const [chromium, firefox] = Object.keys(results);
  console.log(`12 MP JPEG, ms (median of 5)   ${chromium} | ${firefox}`);
  results[chromium].forEach((row, i) => {
    const what = `${row.photo.padEnd(16)} ${row.route.padEnd(34)}`;
    console.log(`${what} ${String(row.ms).padStart(5)} | ${results[firefox][i].ms}`);
  });
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
