import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A free loopback port (the OS picks it; nothing holds it after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface RunningRedis {
  url: string;
  /** SIGTERM (Redis saves its AOF and exits cleanly). */
  stop(): Promise<void>;
  /** SIGKILL. */
  kill(): Promise<void>;
  output(): string;
}

export interface RedisOptions {
  port?: number;
  /** With a folder, Redis keeps an append-only file there (what a restart recovers from). */
  dir?: string;
}

/**
 * Debian's redis-server on a loopback port of its own, configured as DEPLOY.md asks
 * (noeviction; AOF when `dir` is given).
 */
export async function startRedis(opts: RedisOptions = {}): Promise<RunningRedis> {
  const port = opts.port ?? (await freePort());
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--maxmemory-policy',
    'noeviction',
    ...(opts.dir ? ['--dir', opts.dir, '--appendonly', 'yes'] : ['--appendonly', 'no']),
  ];
  const binary = process.env.REDIS_SERVER_PATH ?? 'redis-server';
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis did not start:\n${out}`)), 10_000);
    const check = () => {
      if (!out.includes('Ready to accept connections')) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`redis exited with ${code}:\n${out}`)));
  });
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    output: () => out,
  };
}
