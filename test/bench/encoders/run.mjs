// A format's encoders side by side, on the same pixels, in one run. Prints per-image medians
// of time, and the totals of size and mean PSNR (README, BENCHMARKS.md).
//   --format webp (default): jSquash (wasm) at effort 4 and 3 and Chromium's canvas encoder
//     in a worker; sharp (native libwebp) at effort 4 and 3 in Node. The measurement behind
//     the canvas encoder and the effort-3 default.
//   --format jpeg: jSquash's MozJPEG progressive and baseline and the canvas encoder in a
//     worker; sharp's MozJPEG with the server's settings, progressive and baseline. The
//     measurement behind the Email preset's baseline and the JPEG floor.
//
//   node test/bench/encoders/run.mjs [--format webp|jpeg] [--count 24]
import { dirname, join, resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import sharp from 'sharp';
import { createServer } from 'vite';
import { ensureInputs } from '../inputs.mjs';
import { waitForQuiet } from '../quiet.mjs';
import { buildServer } from '../server.mjs';
import { median } from '../stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const { values: opts } = parseArgs({
  options: {
    count: { type: 'string', default: '24' },
    format: { type: 'string', default: 'webp' },
    port: { type: 'string', default: '4186' },
  },
});
const count = Math.max(1, Math.min(100, Number(opts.count) || 24));
const format = opts.format;
if (format !== 'webp' && format !== 'jpeg') throw new Error('--format takes webp or jpeg');
const edge = { webp: 2048, jpeg: 1600 }[format];

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
  await page.evaluate((r) => window.measure(r), { format, urls: urls.slice(0, 2) });
  rows = await page.evaluate((r) => window.measure(r), { format, urls });
} finally {
  await browser.close();
  await server.close();
}

// Node: sharp on its own scaling of the same files (libvips' Lanczos 3), JPEG with the
// server's own option mapping (compiled as `npm run build:server` does).
const { jpeg: serverJpeg } = await buildServer(repoRoot)('server/convert/jpeg.js');
const sharpEncoders =
  format === 'webp'
    ? {
        4: (p) => p.webp({ quality: 75, effort: 4 }),
        3: (p) => p.webp({ quality: 75, effort: 3 }),
      }
    : {
        progressive: (p) =>
          serverJpeg(p, { quality: 72, progressive: true, chromaSubsampling: '4:2:0' }),
        baseline: (p) =>
          serverJpeg(p, { quality: 72, progressive: false, chromaSubsampling: '4:2:0' }),
      };
sharp.concurrency(1);
sharp.cache(false);
const sharpRows = [];
for (const file of files) {
  const { data, info } = await sharp(file)
    .rotate()
    .resize(edge, edge, { fit: 'inside' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const row = { ms: {}, bytes: {}, psnr: {} };
  for (const [key, encode] of Object.entries(sharpEncoders)) {
    const t = performance.now();
    const out = await encode(sharp(data, { raw: info })).toBuffer();
    row.ms[key] = performance.now() - t;
    row.bytes[key] = out.length;
    const back = await sharp(out).raw().toBuffer();
    let sum = 0;
    for (let i = 0; i < data.length; i++) sum += (data[i] - back[i]) ** 2;
    row.psnr[key] = 10 * Math.log10((255 * 255 * data.length) / sum);
  }
  sharpRows.push(row);
}

const line = (name, list, key) => {
  const ms = median(list.map((r) => r.ms[key]));
  const bytes = list.reduce((s, r) => s + r.bytes[key], 0);
  const psnr = list.reduce((s, r) => s + r.psnr[key], 0) / list.length;
  return { name, ms, bytes, psnr };
};
const lines =
  format === 'webp'
    ? [
        line('jSquash (wasm), effort 4', rows, 'wasm4'),
        line('jSquash (wasm), effort 3', rows, 'wasm3'),
        line('Chromium canvas encoder', rows, 'canvas'),
        line('sharp (native), effort 4', sharpRows, 4),
        line('sharp (native), effort 3', sharpRows, 3),
      ]
    : [
        line('jSquash MozJPEG, progressive', rows, 'progressive'),
        line('jSquash MozJPEG, baseline', rows, 'baseline'),
        line('Chromium canvas encoder', rows, 'canvas'),
        line('sharp MozJPEG, progressive', sharpRows, 'progressive'),
        line('sharp MozJPEG, baseline', sharpRows, 'baseline'),
      ];
const base = lines[0];
const settings = format === 'webp' ? 'WebP quality 75' : 'JPEG quality 72, 4:2:0';
console.log(`\n${count} photos of 12 MP scaled to ${edge} px, ${settings}, one at a time`);
console.log('encoder                        ms/img   × first     bytes  × bytes  PSNR dB');
for (const l of lines) {
  console.log(
    `${l.name.padEnd(29)} ${l.ms.toFixed(0).padStart(7)} ${(l.ms / base.ms).toFixed(2).padStart(9)}` +
      ` ${String(l.bytes).padStart(9)} ${(l.bytes / base.bytes).toFixed(3).padStart(8)} ${l.psnr.toFixed(2).padStart(8)}`,
  );
}
if (format === 'webp') {
  const same = rows.filter((r) => r.identical).length;
  console.log(
    `canvas file identical to jSquash effort 3, byte for byte: ${same} of ${rows.length}`,
  );
}
console.log(
  '(sharp scales with libvips, the browser rows with Chromium: compare sizes within a group)',
);
