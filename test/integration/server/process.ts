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

export interface RunningServer {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL (kill -9) and wait for the exit. */
  kill(): Promise<void>;
}

/** Starts the compiled server (through start.cjs, as npm start does) on a free loopback port. */
export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const child = spawn(process.execPath, [path.join(outDir, 'server/start.cjs')], {
    cwd: repoRoot,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 20_000);
    const check = () => {
      const m = /listening url=(http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return {
    url,
    child,
    output: () => out,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
  };
}

export interface RunningWorker {
  child: ChildProcess;
  output: () => string;
  /** Jobs this worker ran: outcome and claim count (its `job` log lines). */
  jobs: () => { item: string; outcome: string; attempt: number }[];
  stop(): Promise<void>;
  kill(): Promise<void>;
}

/** Starts a compiled `pixpool-worker` (through its start.cjs) and waits until it takes jobs. */
export async function startWorker(env: Record<string, string>): Promise<RunningWorker> {
  const child = spawn(process.execPath, [path.join(outDir, 'server/worker/start.cjs')], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${out}`)), 20_000);
    child.stdout!.on('data', () => {
      if (!out.includes('pixpool worker ready')) return;
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}:\n${out}`)));
  });
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return {
    child,
    output: () => out,
    jobs: () =>
      [...out.matchAll(/ job item=(\S+) outcome=(\S+)(?: attempt=(\d+))?/g)].map((m) => ({
        item: m[1],
        outcome: m[2],
        attempt: Number(m[3] ?? 0),
      })),
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
  };
}
