// The yardstick: a plain sharp loop, 2 images at a time. Runs as its own process (see
// runSharpYardstick) so UV_THREADPOOL_SIZE is set before libuv starts its pool, and so the
// loop is not sharing the event loop with Playwright. Prints one JSON line.
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { mapPool } from './pool.mjs';

// glibc without jemalloc: sharp already defaults to 1 libvips thread per image here; set it
// anyway so the run does not depend on the default. Parallelism comes from running 2 images
// at a time on libuv's pool (UV_THREADPOOL_SIZE, set by the parent).
const threadsPerImage = Number(process.env.BENCH_SHARP_CONCURRENCY ?? 1);
const inFlight = Number(process.env.BENCH_SHARP_IN_FLIGHT ?? 2);
sharp.concurrency(threadsPerImage);
sharp.cache(false);

const files = JSON.parse(readFileSync(0, 'utf8'));

const convert = (file) =>
  sharp(file)
    .rotate()
    .resize(2048, 2048, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 75, effort: 3 }) // as the preset web-webp-2048
    .toBuffer({ resolveWithObject: true });

const started = performance.now();
const perImage = [];
const out = await mapPool(files, inFlight, async (file) => {
  const t = performance.now();
  const { data, info } = await convert(file);
  perImage.push(performance.now() - t);
  return { bytes: data.length, width: info.width, height: info.height };
});
const wallMs = performance.now() - started;

console.log(
  JSON.stringify({
    wallMs,
    images: files.length,
    perImageMs: perImage,
    outputBytes: out.reduce((s, o) => s + o.bytes, 0),
    outputSizes: [...new Set(out.map((o) => `${o.width}x${o.height}`))],
    sharpConcurrency: sharp.concurrency(),
    uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE ?? '(default 4)',
    inFlight,
    versions: { sharp: sharp.versions.sharp, vips: sharp.versions.vips, webp: sharp.versions.webp },
  }),
);
