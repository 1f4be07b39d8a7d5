// Our butteraugli (codecs/metrics/butteraugli.ts) against the native butteraugli_main of
// libjxl 0.7 on one 2048 × 1365 pair: a fixture photo upscaled, and its JPEG q70. Prints the
// medians of our one-shot time (reference and distorted both analysed), of a comparison
// against a kept reference (what an encoder's quality search pays per attempt) and of the
// binary's wall time (which includes reading two PNGs), the ratios, and both scores.
//
//   npm run bench:butteraugli -- [--rounds 5]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { median } from '../stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const { values: opts } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
const rounds = Math.max(1, Number(opts.rounds) || 5);

// The metric is TypeScript: compile it (and what it imports) for plain Node.
const outDir = join(here, '../out/butteraugli-js');
const tsc = spawnSync(
  'npx',
  [
    'tsc',
    'codecs/metrics/butteraugli.ts',
    ...['--outDir', outDir, '--rootDir', '.', '--module', 'esnext'],
    ...['--moduleResolution', 'bundler', '--target', 'es2022', '--skipLibCheck'],
  ],
  { cwd: repoRoot, stdio: 'inherit' },
);
if (tsc.status !== 0) throw new Error('tsc failed');
const { butteraugli, ButteraugliComparator } = await import(
  pathToFileURL(join(outDir, 'codecs/metrics/butteraugli.js')).href
);

const dir = mkdtempSync(join(tmpdir(), 'pixpool-bench-butteraugli-'));
try {
  const photo = resolve(repoRoot, '../shared/fixtures/exif-orientation/Landscape_1.jpg');
  const original = await sharp(photo)
    .resize(2048, 1365, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height } = original.info;
  const rawInput = { raw: { width, height, channels: 3 } };
  const jpeg = await sharp(original.data, rawInput).jpeg({ quality: 70 }).toBuffer();
  const files = [join(dir, 'original.png'), join(dir, 'jpeg-q70.png')];
  writeFileSync(files[0], await sharp(original.data, rawInput).png().toBuffer());
  writeFileSync(files[1], await sharp(jpeg).png().toBuffer());
  const pixels = async (file) => {
    const { data, info } = await sharp(file)
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const bytes = new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
    return { data: bytes, width: info.width, height: info.height };
  };
  const [a, b] = [await pixels(files[0]), await pixels(files[1])];

  const time = (fn) => {
    const t = performance.now();
    const result = fn();
    return [performance.now() - t, result];
  };
  const oneShot = [];
  const perAttempt = [];
  const nativeTimes = [];
  let ours;
  let theirs;
  for (let i = 0; i < rounds; i++) {
    const [ms, score] = time(() => butteraugli(a, b));
    oneShot.push(ms);
    ours = score;
    const comparator = new ButteraugliComparator(a);
    perAttempt.push(time(() => comparator.compare(b))[0]);
    const [nms, out] = time(() =>
      execFileSync('butteraugli_main', files, {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    );
    nativeTimes.push(nms);
    const [distance, norm] = out.trim().split('\n');
    theirs = { distance: Number(distance), pnorm3: Number(norm.split(':')[1]) };
  }
  const ms = (v) => `${v.toFixed(0)} ms`;
  const native = median(nativeTimes);
  console.log(
    `butteraugli, ${width} × ${height}, JPEG q70, median of ${rounds} (node ${process.version})`,
  );
  console.log(
    `  ours, one-shot          ${ms(median(oneShot))}  ×${(median(oneShot) / native).toFixed(2)} native`,
  );
  console.log(
    `  ours, kept reference    ${ms(median(perAttempt))}  ×${(median(perAttempt) / native).toFixed(2)} native`,
  );
  console.log(`  butteraugli_main (wall) ${ms(native)}`);
  console.log(`  distance ours ${ours.distance.toFixed(6)}  native ${theirs.distance}`);
  console.log(`  3-norm   ours ${ours.pnorm3.toFixed(6)}  native ${theirs.pnorm3}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
