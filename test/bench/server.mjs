// Builds the app and serves the build with `vite preview`, as a child process that is always
// stopped again (see cleanup.mjs).
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { onCleanup } from './cleanup.mjs';

/**
 * Compiles the server and shared code as `npm run build:server` does, and returns an importer
 * of the result: `built('shared/presets/index.js')`.
 */
export function buildServer(repoRoot) {
  const tsc = spawnSync('npx', ['tsc', '-p', 'tsconfig.server.json'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (tsc.status !== 0) throw new Error(`tsc -p tsconfig.server.json failed:\n${tsc.stdout}`);
  return (path) => import(pathToFileURL(join(repoRoot, 'build', path)).href);
}

/** Builds into `outDir` (not dist/, which the e2e suite uses); throws with Vite's output. */
export function build(repoRoot, outDir) {
  const started = performance.now();
  const r = spawnSync('npx', ['vite', 'build', '--outDir', outDir, '--emptyOutDir'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (r.status !== 0) {
    throw new Error(`vite build failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return (performance.now() - started) / 1000;
}

/** Starts `vite preview` on `port` and resolves once it answers; `stop()` ends it. */
export async function preview(repoRoot, outDir, port, timeoutMs = 30_000) {
  const args = ['vite', 'preview', '--port', String(port), '--strictPort', '--outDir', outDir];
  // Its own process group, so stopping it also stops the node process npx starts.
  const child = spawn('npx', args, {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  const unregister = onCleanup(stop);
  const url = `http://localhost:${port}/`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vite preview exited:\n${output}`);
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      stop();
      throw new Error(
        `vite preview did not answer on ${url} within ${timeoutMs / 1000} s:\n${output}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    stop: () => {
      stop();
      unregister();
    },
  };
}
