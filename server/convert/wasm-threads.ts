import { WasmPool, type WasmPoolOptions } from './wasm-pool.js';

// One wasm pool per process, like libuv's thread pool: the runner calls convertImage without
// a pool (it knows nothing of threads), and tests run several server contexts in one process.
// Each context holds the pool while it lives (context.ts); the last to let go stops it.

let shared: { pool: WasmPool; holders: number } | undefined;

export interface WasmPoolHold {
  pool: WasmPool;
  /** Lets go of the pool, stopping it if no one else holds it. Idempotent. */
  release(): Promise<void>;
}

/**
 * Holds the process's wasm pool, creating it with `options` if none is running (a running
 * pool keeps its own options). It starts no thread until the first job.
 */
export function holdWasmPool(options: WasmPoolOptions): WasmPoolHold {
  shared ??= { pool: new WasmPool(options), holders: 0 };
  const held = shared;
  held.holders++;
  let released = false;
  return {
    pool: held.pool,
    async release() {
      if (released) return;
      released = true;
      if (--held.holders > 0) return;
      if (shared === held) shared = undefined;
      await held.pool.stop();
    },
  };
}

/** The pool convertImage uses when given none; throws when no server context holds one. */
export function runningWasmPool(): WasmPool {
  if (!shared) throw new Error('No wasm thread pool is running (a server context starts one)');
  return shared.pool;
}
