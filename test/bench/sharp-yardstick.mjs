// The yardstick: a plain sharp loop, 2 images at a time, with a preset's settings. Runs as its
// own process (see runSharp) so UV_THREADPOOL_SIZE is set before libuv starts its pool, and so
// the loop is not sharing the event loop with Playwright. Reads { files, preset, heic } as JSON
// on stdin, prints one JSON line.
//
// The settings are the server's mapping of the preset (build/server/convert/encode.js, compiled
// by the parent), i.e. sharp with the same options, except lossless PNG, which is timed against
// sharp's own default (compressionLevel 6, no filter search) as the issue measures it, and whose
// bytes are also measured at compressionLevel 9. HEIC inputs (sharp's prebuilt libvips has no
// HEVC decoder) count libheif's own decode, `heif-convert` to raw YUV (y4m), plus sharp's resize
// and encode of the same picture's pixels, prepared untimed beforehand.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { mapPool } from './pool.mjs';

// glibc without jemalloc: sharp already defaults to 1 libvips thread per image here; set it
// anyway so the run does not depend on the default. Parallelism comes from running 2 images
// at a time on libuv's pool (UV_THREADPOOL_SIZE, set by the parent).
const threadsPerImage = Number(process.env.BENCH_SHARP_CONCURRENCY ?? 1);
const inFlight = Number(process.env.BENCH_SHARP_IN_FLIGHT ?? 2);
sharp.concurrency(threadsPerImage);
sharp.cache(false);

const { files, preset, heic, buildDir } = JSON.parse(readFileSync(0, 'utf8'));
const { encode } = await import(pathToFileURL(join(buildDir, 'server/convert/encode.js')).href);
const scratch = mkdtempSync(join(tmpdir(), 'pixpool-yardstick-'));

/** The upright, resized pipeline of `input` (a file, or raw pixels) as the preset asks. */
function pipeline(input) {
  const { maxWidth, maxHeight } = preset.resize;
  const p = input.raw ? sharp(input.data, { raw: input.raw }) : sharp(input).rotate();
  if (!maxWidth && !maxHeight) return p;
  return p.resize(maxWidth || null, maxHeight || null, {
    fit: 'inside',
    withoutEnlargement: true,
  });
}

const isPng = preset.output.format === 'png';
const convert = async (input) => {
  const p = pipeline(input);
  if (isPng) return p.png({ compressionLevel: 6 }).toBuffer({ resolveWithObject: true });
  const { data, width, height } = await encode(p, preset.output);
  return { data, info: { width, height } };
};

/** A HEIC's pixels, decoded once by heif-convert (via a PNG) before the clock starts. */
function heicPixels(file, i) {
  const png = join(scratch, `${i}.png`);
  const r = spawnSync('heif-convert', [file, png], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`heif-convert failed for ${file}: ${r.stderr}`);
  return sharp(png)
    .raw()
    .toBuffer({ resolveWithObject: true })
    .then(({ data, info }) => {
      rmSync(png);
      const raw = join(scratch, `${i}.rgb`);
      writeFileSync(raw, data);
      return { raw, info: { width: info.width, height: info.height, channels: info.channels } };
    });
}

/** libheif's decode alone: heif-convert writing raw YUV, which costs next to nothing. */
const decodeHeic = (file, i) =>
  new Promise((resolve, reject) =>
    execFile('heif-convert', ['--quiet', file, join(scratch, `${i}.y4m`)], (e) =>
      e ? reject(e) : resolve(),
    ),
  );

const prepared = heic ? await mapPool(files, 2, heicPixels) : [];

const started = performance.now();
const perImage = [];
const decodeMs = [];
const out = await mapPool(files, inFlight, async (file, i) => {
  const t = performance.now();
  let input = file;
  if (heic) {
    await decodeHeic(file, i);
    decodeMs.push(performance.now() - t);
    input = { data: readFileSync(prepared[i].raw), raw: prepared[i].info };
  }
  const { data, info } = await convert(input);
  perImage.push(performance.now() - t);
  return { bytes: data.length, width: info.width, height: info.height };
});
const wallMs = performance.now() - started;

// PNG's size yardstick, outside the timed loop.
let level9Bytes;
if (isPng && !heic) {
  level9Bytes = 0;
  for (const file of files) {
    level9Bytes += (await pipeline(file).png({ compressionLevel: 9 }).toBuffer()).length;
  }
}
rmSync(scratch, { recursive: true, force: true });

console.log(
  JSON.stringify({
    wallMs,
    images: files.length,
    perImageMs: perImage,
    ...(heic && { heicDecodeMs: decodeMs }),
    outputBytes: out.reduce((s, o) => s + o.bytes, 0),
    ...(isPng && { level9Bytes }),
    outputSizes: [...new Set(out.map((o) => `${o.width}x${o.height}`))],
    sharpConcurrency: sharp.concurrency(),
    uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE ?? '(default 4)',
    inFlight,
    versions: { sharp: sharp.versions.sharp, vips: sharp.versions.vips },
  }),
);
