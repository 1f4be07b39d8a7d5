// The real server (build/server/start.cjs) as a child process on 127.0.0.1, with its own
// temporary data folder; always stopped and its folder removed (see ../cleanup.mjs).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onCleanup } from '../cleanup.mjs';

/**
 * Starts the server with CONCURRENCY=`concurrency` (and `env` on top) on a free port (PORT=0;
 * the port is read from its "listening" log line) and resolves once it has answered
 * /api/health. `stop()` sends SIGTERM, then SIGKILL after `graceMs`, and removes the data
 * folder.
 */
export async function startServer(
  repoRoot,
  { concurrency, env = {}, timeoutMs = 30_000, graceMs = 15_000 },
) {
  const dataDir = mkdtempSync(join(tmpdir(), 'pixpool-bench-'));
  const child = spawn(process.execPath, ['build/server/start.cjs'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      CONCURRENCY: String(concurrency),
      // start.cjs sets UV_THREADPOOL_SIZE = CONCURRENCY + 4 unless it is already larger.
      UV_THREADPOOL_SIZE: '',
      PIXPOOL_API_KEY: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logLines = [];
  const keep = (d) => {
    for (const line of String(d).split('\n')) if (line) logLines.push(line);
    if (logLines.length > 5000) logLines.splice(0, logLines.length - 5000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));

  let stopped = false;
  const killNow = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  const unregister = onCleanup(async () => {
    if (stopped) return;
    stopped = true;
    killNow();
    await exited;
  });
  const stop = async () => {
    if (stopped) return exited;
    stopped = true;
    unregister();
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const r = await exited;
    clearTimeout(timer);
    rmSync(dataDir, { recursive: true, force: true });
    return r;
  };

  const deadline = Date.now() + timeoutMs;
  let base;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`the server exited at start:\n${logLines.join('\n')}`);
    }
    const m = logLines.join('\n').match(/pixpool server listening url=(http:\/\/127\.0\.0\.1:\d+)/);
    if (m) {
      base = m[1];
      try {
        const res = await fetch(`${base}/api/health`);
        if (res.ok) break;
      } catch {
        // not answering yet
      }
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `the server did not answer within ${timeoutMs / 1000} s:\n${logLines.join('\n')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const threadpool = /threadpool=(\d+)/.exec(logLines.join('\n'))?.[1];
  return { pid: child.pid, base, dataDir, logLines, threadpool: Number(threadpool), stop };
}
