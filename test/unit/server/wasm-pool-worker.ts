import { threadId } from 'node:worker_threads';
import { serveTasks } from '../../../server/convert/wasm-protocol.js';

// A stand-in for server/convert/wasm-worker.ts that misbehaves on request, for the pool's
// tests: busy for a while (wasm that will not yield), crash, exit, fail like a codec.

interface TestTask {
  kind: string;
  ms?: number;
  pixels?: number;
  bytes?: Uint8Array;
}

let kept: ArrayBuffer | undefined;

serveTasks({
  thread: async () => ({ value: threadId }),
  spin: async ({ ms = 0 }: TestTask) => {
    const until = Date.now() + ms;
    while (Date.now() < until); // blocks this thread, as a wasm decode does
    return { value: 'spun' };
  },
  pixels: async ({ pixels = 0 }: TestTask) => ({ value: threadId, pixels }),
  fail: async () => {
    throw new Error('Decoding error');
  },
  crash: async () => {
    setTimeout(() => {
      throw new Error('boom');
    });
    return new Promise(() => {});
  },
  exit: async () => process.exit(3),
  /** Sends back a buffer as a transferable and keeps a reference to see it moved. */
  buffer: async ({ bytes }: TestTask) => {
    const copy = new Uint8Array(bytes!.length);
    copy.set(bytes!);
    kept = copy.buffer;
    return { value: copy, transfer: [copy.buffer] };
  },
  /** Whether the buffer sent by the last `buffer` job left this thread (detached here). */
  moved: async () => ({ value: kept?.byteLength === 0 }),
});
