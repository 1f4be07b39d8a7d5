// Does the server answer while it decodes HEIC? libheif runs in wasm, which blocks whichever
// thread runs it for ~1 s per 12 MP photo here; /api/health does no work of its own, so its
// round trip during a HEIC batch shows how long requests (and SSE writes) wait.
import { join } from 'node:path';
import { linkTree } from '../inputs.mjs';
import { serverBatch } from './batch.mjs';
import { ensureHeicInputs } from './heic-inputs.mjs';

/**
 * One batch of `copies` × 4 HEICs of 12 MP through a fresh server built in `serverRoot`,
 * preset `preset`, with GET /api/health every `everyMs` ms; returns serverBatch's result,
 * whose `health` holds p50 / p99 / max round trips idle and while converting.
 */
export async function heicHealthRun({
  serverRoot,
  fixtures,
  outDir,
  preset,
  concurrency,
  copies,
  everyMs,
  env,
  log,
}) {
  const { files, manifest } = await ensureHeicInputs(fixtures, join(outDir, 'heic-12mp'));
  const dir = join(outDir, 'server-heic-tree');
  linkTree(files, dir, copies);
  const tree = Array.from({ length: copies }, (_, c) =>
    files.map((f) => join(dir, `set-${String(c).padStart(2, '0')}`, f.split('/').pop())),
  ).flat();
  const mib = (manifest.files.reduce((s, f) => s + f.bytes, 0) * copies) / 2 ** 20;
  log(`  ${tree.length} HEICs of 12 MP (${mib.toFixed(0)} MiB), health every ${everyMs} ms`);
  const run = await serverBatch({
    repoRoot: serverRoot,
    files: tree,
    root: dir,
    preset,
    concurrency,
    label: `server, ${tree.length} HEIC + health`,
    log,
    health: everyMs,
    env,
  });
  const { idle, converting } = run.health;
  log(
    `  /api/health round trip while converting: p50 ${converting.p50} ms, p99 ${converting.p99} ms, ` +
      `max ${converting.max} ms over ${converting.n} requests (idle: p50 ${idle.p50}, max ${idle.max} ms)`,
  );
  return run;
}
