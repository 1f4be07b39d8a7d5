import { createServer } from 'node:net';
import { spawnReady, type RunningChild } from '../server/process.js';

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

export interface RunningRedis extends RunningChild {
  url: string;
}

export interface RedisOptions {
  port?: number;
  /** With a folder, Redis keeps an append-only file there (what a restart recovers from). */
  dir?: string;
}

/**
 * Debian's redis-server on a loopback port of its own, configured as DEPLOY.md asks
 * (noeviction; AOF when `dir` is given). `stop()` (SIGTERM) lets it save its AOF.
 */
export async function startRedis(opts: RedisOptions = {}): Promise<RunningRedis> {
  const port = opts.port ?? (await freePort());
  const args = [
    ...['--port', String(port), '--bind', '127.0.0.1', '--save', ''],
    ...['--maxmemory-policy', 'noeviction'],
    ...(opts.dir ? ['--dir', opts.dir, '--appendonly', 'yes'] : ['--appendonly', 'no']),
  ];
  const binary = process.env.REDIS_SERVER_PATH ?? 'redis-server';
  const redis = await spawnReady(binary, args, {}, /Ready to accept connections/);
  return { ...redis, url: `redis://127.0.0.1:${port}` };
}
