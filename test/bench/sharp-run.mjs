import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onCleanup } from './cleanup.mjs';
import { TreeSampler } from './procs.mjs';

const script = fileURLToPath(new URL('./sharp-yardstick.mjs', import.meta.url));

/**
 * Runs the sharp loop over `files` with `preset`'s settings (sharp-yardstick.mjs, mapping them
 * with the server compiled into `buildDir`) in a child process with
 * UV_THREADPOOL_SIZE=`threadpool`, sampling its memory like the browser's. `heic`: the files
 * are HEICs, decoded by libheif's heif-convert. Resolves with the child's JSON plus memory.
 */
export function runSharp(
  files,
  { preset, buildDir, heic = false, threadpool = 2, timeoutMs = 1_800_000 },
) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, UV_THREADPOOL_SIZE: String(threadpool) },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const kill = () => child.kill('SIGKILL');
    const unregister = onCleanup(kill);
    const sampler = new TreeSampler(child.pid).start();
    sampler.mark('run');
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`sharp loop did not finish within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      unregister();
      sampler.stop();
      if (code !== 0) return reject(new Error(`sharp loop exited with ${code}: ${out}`));
      try {
        resolve({ ...JSON.parse(out), memory: sampler.phase('run') });
      } catch (e) {
        reject(new Error(`sharp loop printed no JSON: ${out}`, { cause: e }));
      }
    });
    child.stdin.end(JSON.stringify({ files, preset, buildDir, heic }));
  });
}
