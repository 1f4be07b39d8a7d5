import { describe, expect, it } from 'vitest';
import { SideWorker, type SidePriority } from '../../../app/pool/side-worker.js';
import { JobCancelled } from '../../../app/pool/errors.js';

/** Enough of a Worker for Comlink's wrap(); the jobs here never message it. */
class FakeWorker extends EventTarget {
  terminated = false;
  postMessage(): void {}
  terminate(): void {
    this.terminated = true;
  }
}

function setup(opts: { idle?: () => boolean; stopAfterMs?: number } = {}) {
  const workers: FakeWorker[] = [];
  const log: string[] = [];
  const side = new SideWorker({
    createWorker: () => {
      const w = new FakeWorker();
      workers.push(w);
      return w as unknown as Worker;
    },
    idle: opts.idle ?? (() => true),
    recheckMs: 5,
    stopAfterMs: opts.stopAfterMs ?? 10_000,
  });
  /** A job that logs when it starts and finishes when `release` is called. */
  const job = (id: string, priority: SidePriority) => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const done = side.run({
      id,
      priority,
      call: async () => {
        log.push(`start ${id}`);
        await gate;
        return id;
      },
    });
    return { done, release };
  };
  return { side, workers, log, job };
}

const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

describe('SideWorker', () => {
  it('holds thumbnails while conversions fill the pool, and runs them once a slot is free', async () => {
    let room = false;
    const { log, job } = setup({ idle: () => room });
    const a = job('a', 'idle');
    await tick();
    expect(log).toEqual([]);
    room = true;
    await tick();
    expect(log).toEqual(['start a']);
    a.release();
    expect(await a.done).toBe('a');
  });

  it('starts a preview someone waits for even while the pool is full, ahead of waiting thumbnails', async () => {
    let room = false;
    const { log, job } = setup({ idle: () => room });
    const t1 = job('t1', 'idle');
    const t2 = job('t2', 'idle');
    const p = job('p', 'now');
    await tick();
    expect(log).toEqual(['start p']);
    room = true;
    p.release();
    await tick();
    // One job at a time, in order.
    expect(log).toEqual(['start p', 'start t1']);
    t1.release();
    t2.release();
    await Promise.all([t1.done, t2.done]);
    expect(log).toEqual(['start p', 'start t1', 'start t2']);
  });

  it('drops a waiting job when its row leaves the screen', async () => {
    const { side, log, job } = setup();
    const running = job('a', 'idle');
    const waiting = job('b', 'idle');
    expect(side.cancel('b')).toBe(true);
    await expect(waiting.done).rejects.toBeInstanceOf(JobCancelled);
    expect(side.cancel('a')).toBe(false);
    running.release();
    await running.done;
    await tick();
    expect(log).toEqual(['start a']);
  });

  it('stops its worker when idle, and gives the job after a failure a fresh one', async () => {
    const { side, workers } = setup({ stopAfterMs: 10 });
    await expect(
      side.run({ id: 'x', priority: 'now', call: () => Promise.reject(new Error('wasm abort')) }),
    ).rejects.toThrow('wasm abort');
    expect(await side.run({ id: 'y', priority: 'now', call: async () => 'ok' })).toBe('ok');
    expect(workers).toHaveLength(2);
    expect(workers[0].terminated).toBe(true);
    expect(side.alive).toBe(true);
    await tick(40);
    expect(side.alive).toBe(false);
    expect(workers[1].terminated).toBe(true);
  });
});
