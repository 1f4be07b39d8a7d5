import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../../unit/server/helpers.js';

/** Where the integration tests compile the server (not build/, which `npm start` uses). */
export const outDir = path.join(repoRoot, 'build/.test-server');

let compiled = false;

/** Compiles the server with tsconfig.server.json, once per test file. */
export function compileServer(): void {
  if (compiled) return;
  const r = spawnSync(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules/typescript/bin/tsc'),
      '-p',
      'tsconfig.server.json',
      '--outDir',
      outDir,
    ],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`tsc failed:\n${r.stdout}\n${r.stderr}`);
  compiled = true;
}

/** A child process of a test: its output so far, and what stops it. */
export interface RunningChild {
  child: ChildProcess;
  output: () => string;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL (kill -9) and wait for the exit. */
  kill(): Promise<void>;
}

/**
 * Spawns `cmd` and resolves once its stdout matches `ready` (with the match), or rejects with
 * its output when it exits first or takes over 20 s.
 */
export async function spawnReady(
  cmd: string,
  args: string[],
  env: Record<string, string | undefined>,
  ready: RegExp,
): Promise<RunningChild & { ready: RegExpMatchArray }> {
  const child = spawn(cmd, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${cmd} did not start:\n${out}`)), 20_000);
    child.stdout!.on('data', () => {
      const m = ready.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve(m);
    });
    child.once('exit', (code) => reject(new Error(`${cmd} exited with ${code}:\n${out}`)));
  });
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return {
    child,
    ready: match,
    output: () => out,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
  };
}

export interface RunningServer extends RunningChild {
  url: string;
}

/** Starts the compiled server (through start.cjs, as npm start does) on a free loopback port. */
export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const server = await spawnReady(
    process.execPath,
    [path.join(outDir, 'server/start.cjs')],
    { HOST: '127.0.0.1', PORT: '0', ...env },
    /listening url=(http:\/\/\S+)/,
  );
  return { ...server, url: server.ready[1] };
}

export interface RunningWorker extends RunningChild {
  /** Jobs this worker ran: outcome and claim count (its `job` log lines). */
  jobs: () => { item: string; outcome: string; attempt: number }[];
}

/** Starts a compiled `pixpool-worker` (through its start.cjs) and waits until it takes jobs. */
export async function startWorker(env: Record<string, string>): Promise<RunningWorker> {
  const worker = await spawnReady(
    process.execPath,
    [path.join(outDir, 'server/worker/start.cjs')],
    env,
    /pixpool worker ready/,
  );
  return {
    ...worker,
    jobs: () =>
      [...worker.output().matchAll(/ job item=(\S+) outcome=(\S+)(?: attempt=(\d+))?/g)].map(
        (m) => ({ item: m[1], outcome: m[2], attempt: Number(m[3] ?? 0) }),
      ),
  };
}
