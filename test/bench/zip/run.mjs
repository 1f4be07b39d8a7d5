// ZIP writers side by side: throughput of storing ~500 MiB of generated entries with fflate's
// streaming Zip (what Pixpool used, no ZIP64), shared/zip (our writer, with its JavaScript
// CRC-32 as the app runs it and with Node's zlib.crc32 as the server passes it) and, when
// given, the client-zip package; then 70,000 tiny entries (past the 16-bit entry count) and,
// with --big, an archive just over 4 GiB from each ZIP64-capable writer, each checked with
// `unzip -t` and `unzip -Z1` under /tmp and deleted. The measurement behind README's
// "ZIP files over 4 GiB" and docs/BENCHMARKS.md.
//
//   npm run bench:zip -- [--mib 500] [--rounds 3] [--big] [--client-zip path/to/index.js]
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { Zip, ZipPassThrough } from 'fflate';
import { onCleanup, installCleanupHandlers } from '../cleanup.mjs';
import { median } from '../stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const { values: opts } = parseArgs({
  options: {
    mib: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '3' },
    big: { type: 'boolean', default: false },
    'client-zip': { type: 'string' },
  },
});
const mib = 2 ** 20;
const entryBytes = 5 * mib;
const entryCount = Math.max(1, Math.round(Number(opts.mib) / 5));
const rounds = Math.max(1, Number(opts.rounds) || 3);
installCleanupHandlers();

// shared/zip is TypeScript: compile it (and what it imports) for plain Node.
const outDir = join(here, '../out/zip-js');
const tsc = spawnSync(
  'npx',
  [
    'tsc',
    'shared/zip/index.ts',
    '--outDir',
    outDir,
    '--rootDir',
    '.',
    '--module',
    'esnext',
    '--moduleResolution',
    'bundler',
    '--target',
    'es2022',
    '--skipLibCheck',
  ],
  { cwd: repoRoot, stdio: 'inherit' },
);
if (tsc.status !== 0) throw new Error('tsc failed');
const { zipArchive } = await import(pathToFileURL(join(outDir, 'shared/zip/index.js')).href);

let clientZip;
try {
  clientZip = await import(
    opts['client-zip'] ? pathToFileURL(resolve(opts['client-zip'])).href : 'client-zip'
  );
} catch {
  console.log('client-zip: not installed and no --client-zip path; left out');
}

// 16 MiB of noise; each chunk is a 1 MiB window at a moving offset (fresh view, same memory).
const pool = new Uint8Array(randomBytes(16 * mib));
function* chunksOf(bytes, seed = 0) {
  for (let at = 0, i = seed; at < bytes; at += mib, i++) {
    const start = (i * 4099) % (15 * mib);
    yield pool.subarray(start, start + Math.min(mib, bytes - at));
  }
}
async function* asyncChunks(bytes, seed) {
  yield* chunksOf(bytes, seed);
}

/** Every writer takes entries as {path, size, chunks()} and yields the archive's chunks. */
const writers = {
  'fflate 0.8.3 (no ZIP64)': async function* (entries) {
    const out = [];
    let failure;
    const zip = new Zip((err, chunk) => (err ? (failure = err) : out.push(chunk)));
    for (const e of entries) {
      const entry = new ZipPassThrough(e.path);
      entry.os = 3;
      entry.attrs = 0o100644 << 16;
      zip.add(entry);
      for await (const chunk of e.chunks()) {
        entry.push(chunk);
        yield* out.splice(0);
      }
      entry.push(new Uint8Array(0), true);
      if (failure) throw failure;
    }
    zip.end();
    yield* out.splice(0);
  },
  'shared/zip, JS CRC-32': (entries) => ours(entries, {}),
  'shared/zip, zlib.crc32': (entries) => ours(entries, { crc32: zlibCrc32 }),
};
if (clientZip) {
  writers['client-zip 2.5.1'] = async function* (entries) {
    const files = entries.map((e) => ({
      name: e.path,
      size: e.size,
      lastModified: new Date(),
      input: e.chunks(),
    }));
    const reader = clientZip.makeZip(files).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  };
}

function ours(entries, options) {
  const list = entries.map((e) => ({
    path: e.path,
    size: e.size,
    mtime: Date.now(),
    read: e.chunks,
  }));
  return zipArchive(list, options);
}

const entries = Array.from({ length: entryCount }, (_, i) => ({
  path: `photos/set-${i % 10}/café ${i}.webp`,
  size: entryBytes,
  chunks: () => asyncChunks(entryBytes, i),
}));
const input = entryCount * entryBytes;

console.log(
  `\nThroughput: ${entryCount} stored entries of 5 MiB (${(input / mib).toFixed(0)} MiB), ` +
    `1 MiB chunks, output counted and dropped; median of ${rounds}`,
);
const results = {};
for (let r = 0; r < rounds; r++) {
  for (const [name, write] of Object.entries(writers)) {
    let out = 0;
    const t0 = performance.now();
    for await (const chunk of write(entries)) out += chunk.length;
    const s = (performance.now() - t0) / 1000;
    (results[name] ??= { times: [], out }).times.push(s);
  }
}
for (const [name, { times, out }] of Object.entries(results)) {
  const s = median(times);
  console.log(
    `  ${name.padEnd(26)} ${(input / mib / s).toFixed(0).padStart(6)} MiB/s  ` +
      `${s.toFixed(2)} s  archive ${out} bytes`,
  );
}

await manyEntries();
if (opts.big) await bigArchives();

/** 70,000 one-byte entries (more than the 65,535 a plain end record counts), checked by unzip. */
async function manyEntries() {
  const dir = mkdtempSync(join(tmpdir(), 'pixpool-zip-many-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const one = Uint8Array.of(65);
  const many = Array.from({ length: 70_000 }, (_, i) => ({
    path: `many/${i}.txt`,
    size: 1,
    chunks: async function* () {
      yield one;
    },
  }));
  console.log('\n70,000 entries of 1 byte:');
  for (const [name, write] of Object.entries(writers)) {
    if (name.startsWith('fflate')) continue;
    const file = join(dir, 'many.zip');
    const handle = await open(file, 'w');
    for await (const chunk of write(many)) await handle.write(chunk);
    await handle.close();
    const test = unzip('-t', file);
    const listed = unzip('-Z1', file).stdout.split('\n').filter(Boolean).length;
    const last = (test.stderr.trim() || test.stdout.trim()).split('\n').pop();
    console.log(`  ${name}: unzip -t exit ${test.status} (${last}); unzip -Z1 lists ${listed}`);
  }
  rmSync(dir, { recursive: true, force: true });
}

/** An archive just over 4 GiB per ZIP64 writer, written to /tmp, checked with unzip, deleted. */
async function bigArchives() {
  const dir = mkdtempSync(join(tmpdir(), 'pixpool-zip64-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const big = [
    { path: 'café/Ωmega 照片.webp', size: 3 * mib },
    { path: 'big/over 4 GiB.bin', size: 4 * 1024 * mib + mib },
    { path: 'after/plain.jpg', size: 2 * mib },
  ].map((e, i) => ({ ...e, chunks: () => asyncChunks(e.size, i) }));
  const bigWriters = Object.entries(writers).filter(
    ([name]) => name === 'shared/zip, JS CRC-32' || name.startsWith('client-zip'),
  );
  console.log(`\nOver 4 GiB: ${big.map((e) => `${e.path} (${e.size} bytes)`).join(', ')}`);
  for (const [name, write] of bigWriters) {
    const file = join(dir, 'big.zip');
    const handle = await open(file, 'w');
    const t0 = performance.now();
    // Each chunk is on disk before the writer is asked for the next.
    for await (const chunk of write(big)) await handle.write(chunk);
    await handle.close();
    const written = (performance.now() - t0) / 1000;
    const size = statSync(file).size;
    const t1 = performance.now();
    const test = unzip('-t', file);
    const tested = (performance.now() - t1) / 1000;
    const listing = unzip('-Z1', file);
    const names = listing.stdout.split('\n').filter(Boolean);
    const expected = JSON.stringify(big.map((e) => e.path));
    const same = JSON.stringify(names) === expected;
    // A second reader: Python's zipfile lists the central directory (ZIP64 included).
    const python = spawnSync(
      'python3',
      [
        '-c',
        'import json,sys,zipfile; names = zipfile.ZipFile(sys.argv[1]).namelist(); ' +
          'print(json.dumps(names, ensure_ascii=False, separators=(",", ":")))',
        file,
      ],
      { encoding: 'utf8', env: { ...process.env, PYTHONIOENCODING: 'utf-8' } },
    );
    const pythonSays =
      python.status === null || python.error
        ? 'python3 not found'
        : python.stdout.trim() === expected
          ? 'Python zipfile lists the names exactly'
          : `Python zipfile differs: ${python.stdout.trim() || python.stderr.trim()}`;
    console.log(
      `  ${name}: ${size} bytes in ${written.toFixed(1)} s; unzip -t exit ${test.status} ` +
        `(${tested.toFixed(1)} s): ${test.stdout.trim().split('\n').pop()}; ` +
        `unzip -Z1 ${same ? 'lists the names exactly' : `differs: ${JSON.stringify(names)}`}; ` +
        pythonSays,
    );
    rmSync(file, { force: true });
  }
  rmSync(dir, { recursive: true, force: true });
}

function unzip(...args) {
  return spawnSync('/usr/bin/unzip', args, {
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' },
    maxBuffer: 64 * mib,
  });
}
