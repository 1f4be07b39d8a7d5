import { threadId } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { WasmPool, WorkerLost, type WasmPoolOptions } from '../../../server/convert/wasm-pool.js';

// The pool with a stand-in worker (wasm-pool-worker.ts) that blocks, crashes or exits on
// request; the real worker is exercised in convert.test.ts and wasm-threads.test.ts.

const script = new URL('./wasm-pool-worker.ts', import.meta.url);
const pools: WasmPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.stop()));
});

function pool(options: Partial<WasmPoolOptions> = {}): WasmPool {
  const p = new WasmPool({ size: 1, script, ...options });
  pools.push(p);
  return p;
}

const thread = (p: WasmPool) => p.run<number>({ kind: 'thread' });

describe('WasmPool', () => {
  it('runs jobs on worker threads, one per slot, and reuses a warm worker', async () => {
    const p = pool({ size: 2 });
    const [a, b] = await Promise.all([thread(p), thread(p)]);
    expect(a).not.toBe(threadId);
    expect(a).not.toBe(b);
    expect([a, b]).toContain(await thread(p));
    expect(p.stats()).toMatchObject({ workers: 2, started: 2, done: 3, killed: 0 });
  });

  it('moves buffers both ways instead of copying them', async () => {
    const p = pool();
    const bytes = new Uint8Array([1, 2, 3]);
    const back = await p.run<Uint8Array>({ kind: 'buffer', bytes } as never, {
      transfer: [bytes.buffer],
    });
    expect(bytes.byteLength).toBe(0); // ours went over
    expect(Array.from(back)).toEqual([1, 2, 3]);
    expect(await p.run({ kind: 'moved' })).toBe(true); // and theirs came back
  });

  it('terminates the worker of an aborted job at once, and the next job still runs', async () => {
    const p = pool();
    const first = await thread(p);
    const controller = new AbortController();
    const started = performance.now();
    const spinning = p.run({ kind: 'spin', ms: 20_000 } as never, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelled')), 100);
    await expect(spinning).rejects.toThrow('cancelled');
    expect(performance.now() - started).toBeLessThan(5_000);
    const next = await thread(p);
    expect(next).not.toBe(first);
    expect(p.stats()).toMatchObject({ started: 2, killed: 1 });
  });

  it('drops a waiting job whose signal aborts, without touching the running one', async () => {
    const p = pool();
    const controller = new AbortController();
    const running = p.run({ kind: 'spin', ms: 300 } as never);
    const waiting = p.run({ kind: 'thread' }, { signal: controller.signal });
    controller.abort(new Error('withdrawn'));
    await expect(waiting).rejects.toThrow('withdrawn');
    await expect(running).resolves.toBe('spun');
    expect(p.stats()).toMatchObject({ started: 1, done: 1, killed: 0 });
  });

  it('fails a job whose worker crashes with a reason, and goes on with a new worker', async () => {
    const p = pool();
    const crash = p.run({ kind: 'crash' }, { role: 'decoder' });
    await expect(crash).rejects.toThrow('the decoder crashed (boom)');
    await expect(crash).rejects.toBeInstanceOf(WorkerLost);
    const exit = p.run({ kind: 'exit' }, { role: 'encoder' });
    await expect(exit).rejects.toThrow('the encoder crashed (exit code 3)');
    expect(await thread(p)).toBeGreaterThan(0);
    expect(p.stats()).toMatchObject({ started: 3, killed: 2, done: 1 });
  });

  it("passes a codec's error on and retires that worker (its heap may be corrupt)", async () => {
    const p = pool();
    const before = await thread(p);
    await expect(p.run({ kind: 'fail' })).rejects.toThrow(/^Decoding error$/);
    expect(await thread(p)).not.toBe(before);
  });

  it('recycles a worker after N jobs and after a huge image', async () => {
    const p = pool({ recycleAfter: 2, hugePixels: 1000 });
    const a = await thread(p);
    expect(await thread(p)).toBe(a);
    const b = await thread(p);
    expect(b).not.toBe(a);
    expect(await p.run({ kind: 'pixels', pixels: 1001 } as never)).toBe(b);
    expect(await thread(p)).not.toBe(b);
    expect(p.stats().started).toBe(3);
  });

  it('stops a job that runs past the timeout', async () => {
    // Long enough for a worker to start from TypeScript sources (~0.5 s here).
    const p = pool({ timeoutMs: 2000 });
    const spinning = p.run({ kind: 'spin', ms: 20_000 } as never);
    await expect(spinning).rejects.toThrow('timed out after 2 s');
    await expect(spinning).rejects.toMatchObject({ code: 'timed_out' });
    expect(await thread(p)).toBeGreaterThan(0);
  });

  it('stops idle workers after a while', async () => {
    const p = pool({ idleMs: 50 });
    await thread(p);
    expect(p.stats().workers).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(p.stats().workers).toBe(0);
    expect(await thread(p)).toBeGreaterThan(0);
  });

  it('stop() fails running and waiting jobs and ends every thread', async () => {
    const p = pool();
    const running = p.run({ kind: 'spin', ms: 20_000 } as never);
    const waiting = thread(p);
    await new Promise((r) => setTimeout(r, 50));
    const failed = Promise.all([
      expect(running).rejects.toMatchObject({ code: 'stopped' }),
      expect(waiting).rejects.toMatchObject({ code: 'stopped' }),
    ]);
    await p.stop();
    await failed;
    expect(p.stats().workers).toBe(0);
    await expect(thread(p)).rejects.toThrow('the wasm thread pool is stopped');
  });
});
