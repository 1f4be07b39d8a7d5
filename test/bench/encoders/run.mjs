// WebP encoders side by side, on the same pixels, in one run: jSquash (wasm) at effort 4 and
// 3 and Chromium's canvas encoder in a worker; sharp (native libwebp) at effort 4 and 3 in
// Node. Prints per-image medians of time, and the totals of size and mean PSNR; this is the
// measurement behind the canvas encoder and the effort-3 default (README, BENCHMARKS.md).
//
//   node test/bench/encoders/run.mjs [--count 24]
import { dirname, join, resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import sharp from 'sharp';
import { createServer } from 'vite';
import { ensureInputs } from '../inputs.mjs';
import { waitForQuiet } from '../quiet.mjs';
import { median } from '../stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const { values: opts } = parseArgs({
  options: {
    count: { type: 'string', default: '24' },
    port: { type: 'string', default: '4186' },
  },
});
const count = Math.max(1, Math.min(100, Number(opts.count) || 24));

const fixtures = resolve(repoRoot, '../shared/fixtures/exif-orientation');
const { files: all } = await ensureInputs(fixtures, join(here, '../out/inputs-100'));
// Spread over the set (each source photo and orientation).
const files = Array.from({ length: count }, (_, i) => all[Math.floor((i * all.length) / count)]);

await waitForQuiet({ log: console.log });

// Browser: the app's own modules, served by Vite's dev server.
const server = await createServer({
  configFile: false,
  root: repoRoot,
  logLevel: 'error',
  optimizeDeps: { noDiscovery: true, exclude: ['@jsquash/webp'] },
  server: { port: Number(opts.port), strictPort: true },
});
await server.listen();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
let rows;
try {
  const page = await browser.newPage();
  await page.goto(`http://localhost:${opts.port}/test/bench/encoders/index.html`);
  const urls = files.map((f) => `/${relative(repoRoot, f)}`);
  // A first pass warms up (wasm compile, first-call costs); the second is measured.
  await page.evaluate((u) => window.measure(u), urls.slice(0, 2));
  rows = await page.evaluate((u) => window.measure(u), urls);
} finally {
  await browser.close();
  await server.close();
}

// Node: sharp on its own scaling of the same files (libvips' Lanczos 3).
sharp.concurrency(1);
sharp.cache(false);
const sharpRows = [];
for (const file of files) {
  const { data, info } = await sharp(file)
    .rotate()
    .resize(2048, 2048, { fit: 'inside' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const row = { ms: {}, bytes: {}, psnr: {} };
  for (const effort of [4, 3]) {
    const t = performance.now();
    const out = await sharp(data, { raw: info }).webp({ quality: 75, effort }).toBuffer();
    row.ms[effort] = performance.now() - t;
    row.bytes[effort] = out.length;
    const back = await sharp(out).raw().toBuffer();
    let sum = 0;
    for (let i = 0; i < data.length; i++) sum += (data[i] - back[i]) ** 2;
    row.psnr[effort] = 10 * Math.log10((255 * 255 * data.length) / sum);
  }
  sharpRows.push(row);
}

const line = (name, list, key) => {
  const ms = median(list.map((r) => r.ms[key]));
  const bytes = list.reduce((s, r) => s + r.bytes[key], 0);
  const psnr = list.reduce((s, r) => s + r.psnr[key], 0) / list.length;
  return { name, ms, bytes, psnr };
};
const lines = [
  line('jSquash (wasm), effort 4', rows, 'wasm4'),
  line('jSquash (wasm), effort 3', rows, 'wasm3'),
  line('Chromium canvas encoder', rows, 'canvas'),
  line('sharp (native), effort 4', sharpRows, 4),
  line('sharp (native), effort 3', sharpRows, 3),
];
const base = lines[0];
console.log(`\n${count} photos of 12 MP scaled to 2048 px, WebP quality 75, one at a time`);
console.log('encoder                     ms/img  × jSquash e4     bytes  × bytes  PSNR dB');
for (const l of lines) {
  console.log(
    `${l.name.padEnd(26)} ${l.ms.toFixed(0).padStart(7)} ${(l.ms / base.ms).toFixed(2).padStart(13)}` +
      ` ${String(l.bytes).padStart(9)} ${(l.bytes / base.bytes).toFixed(3).padStart(8)} ${l.psnr.toFixed(2).padStart(8)}`,
  );
}
const same = rows.filter((r) => r.identical).length;
console.log(`canvas file identical to jSquash effort 3, byte for byte: ${same} of ${rows.length}`);
console.log(
  '(sharp scales with libvips, the browser rows with Chromium: compare sizes within a group)',
);
