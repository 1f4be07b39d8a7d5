#!/usr/bin/env node
// `npm run bench:ssimulacra`: how long codecs/metrics/ssimulacra.ts takes on a 2048 × 1365 pair
// (a fixture photo scaled up, against its JPEG at q70), next to Debian's ssimulacra_main
// (libjxl 0.7) on the same pixels as PNG. Prints wall-clock medians:
//   first call     the module's first score in this process (the JIT still warming up);
//   one-off        ssimulacra(original, distorted), warm;
//   prepared       ssimulacraAgainst(original) once, then each call: what a quality search
//                  pays per attempt;
//   exact          { exact: true }, libjxl's float arithmetic bit for bit;
//   ssimulacra_main  the native binary, which also reads both PNGs.
// The TypeScript is compiled with TypeScript's own transpiler, as the server build does.
//
//   node test/bench/metrics/ssimulacra.mjs [--runs 7]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import ts from 'typescript';
import { waitForQuiet } from '../quiet.mjs';
import { median } from '../stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const out = join(here, '../out/metrics');
const binary = process.env.SSIMULACRA_MAIN ?? '/usr/bin/ssimulacra_main';
const { values: opts } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const runs = Math.max(1, Number(opts.runs) || 7);

if (!existsSync(binary)) {
  console.error(`ssimulacra_main not found at ${binary}: apt-get install libjxl-devtools`);
  process.exit(1);
}

// codecs/metrics/*.ts → test/bench/out/metrics/*.js (imports already name the .js files).
mkdirSync(out, { recursive: true });
const sources = join(repoRoot, 'codecs/metrics');
for (const file of readdirSync(sources).filter((f) => f.endsWith('.ts'))) {
  const { outputText } = ts.transpileModule(readFileSync(join(sources, file), 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  writeFileSync(join(out, file.replace(/\.ts$/, '.js')), outputText);
}
const { ssimulacra, ssimulacraAgainst } = await import(
  pathToFileURL(join(out, 'ssimulacra.js')).href
);

const width = 2048;
const height = 1365;
const photo = join(repoRoot, '../shared/fixtures/exif-orientation/Landscape_1.jpg');
const rgba = async (input) => {
  const { data, info } = await input.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), ...info };
};
const raw = (p) => sharp(Buffer.from(p.data.buffer), { raw: { width, height, channels: 4 } });
const original = await rgba(sharp(photo).resize(width, height, { fit: 'fill' }));
const distorted = await rgba(sharp(await raw(original).jpeg({ quality: 70 }).toBuffer()));
const pngA = join(out, 'original.png');
const pngB = join(out, 'distorted.png');
await raw(original).png().toFile(pngA);
await raw(distorted).png().toFile(pngB);

const { quiet, load } = await waitForQuiet({ log: console.log });
if (!quiet) console.log(`  (the machine stayed busy: others use ${load.toFixed(2)} cores)`);

/** Median wall time of `runs` calls, in ms, and the last result. */
function time(n, f) {
  const ms = [];
  let result;
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    result = f();
    ms.push(performance.now() - start);
  }
  return { ms: median(ms), result };
}

const first = time(1, () => ssimulacra(original, distorted));
const oneOff = time(runs, () => ssimulacra(original, distorted));
const distance = ssimulacraAgainst(original);
distance(distorted);
const prepared = time(runs, () => distance(distorted));
const exact = time(Math.min(runs, 3), () => ssimulacra(original, distorted, { exact: true }));
const native = time(runs, () => {
  const r = spawnSync(binary, [pngA, pngB], { encoding: 'utf8' });
  return Number(r.stdout.trim());
});
const version = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'libjxl-devtools'], {
  encoding: 'utf8',
}).trim();

const row = (label, t) =>
  `  ${label.padEnd(16)} ${t.ms.toFixed(0).padStart(6)} ms   ${t.result.toFixed(8)}` +
  `   ${(t.ms / native.ms).toFixed(2)}× native`;
console.log(
  `ssimulacra on ${width} × ${height} (JPEG q70 of ${photo.split('/').pop()}), ${runs} runs:`,
);
console.log(row('first call', first));
console.log(row('one-off', oneOff));
console.log(row('prepared', prepared));
console.log(row('exact', exact));
console.log(row('ssimulacra_main', native) + `  (libjxl-devtools ${version}, reads both PNGs)`);
