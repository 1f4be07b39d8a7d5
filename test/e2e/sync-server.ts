import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './fixture-tree.js';

export interface RunningServer {
  url: string;
  dataDir: string;
  process: ChildProcess;
  /** SIGKILL: no chance to clean up, as in a crash. */
  kill(): Promise<void>;
}

/** Starts the real sync server (compiled by `npm run build`) on a loopback port. */
export async function startServer(
  port: number,
  dataDir = mkdtempSync(join(tmpdir(), 'pixpool-server-')),
  env: Record<string, string> = {},
): Promise<RunningServer> {
  const child = spawn(process.execPath, [join(repoRoot, 'build/server/start.cjs')], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // Kept beside the data for a failing test's post-mortem.
  const log = createWriteStream(join(dataDir, 'server.log'), { flags: 'a' });
  const record = (d: Buffer) => {
    output += d;
    log.write(d);
  };
  child.stdout?.on('data', record);
  child.stderr?.on('data', record);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  // Wait for this process's own "listening" line: polling the port could find a stale server.
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The server exited early:\n${output}`);
    if (output.includes(`listening url=${url}`)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The server did not start within 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    dataDir,
    process: child,
    kill: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
