import { parentPort, threadId } from 'node:worker_threads';
import { causeOf } from '../../shared/codec-errors.js';

// The messages between WasmPool (wasm-pool.ts) and a worker script: one request, one reply,
// matched by id. Only the pool and the worker scripts import this.

/** A job for a worker: `kind` picks the handler, the rest is its input. */
export interface Task {
  kind: string;
}

export interface Request {
  id: number;
  task: Task;
}

export type Reply =
  | {
      id: number;
      ok: true;
      value: unknown;
      /** Pixels the job held (input or output): a huge image retires the worker. */
      pixels: number;
      threadId: number;
    }
  | {
      id: number;
      ok: false;
      /** causeOf() the error: codecs also throw numbers and traps, which do not clone well. */
      message: string;
      threadId: number;
    };

/** What a handler gives back: the value, the buffers to move instead of copy, its pixels. */
export interface Handled {
  value: unknown;
  transfer?: ArrayBuffer[];
  pixels?: number;
}

export type Handlers = Record<string, (task: never) => Promise<Handled>>;

/**
 * Answers the pool's requests on this worker thread, one at a time (the pool sends the next
 * only after the reply). A handler's error goes back as a reply; the pool retires the worker,
 * because after a wasm trap its heap may be corrupt.
 */
export function serveTasks(handlers: Handlers): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks runs in a worker thread');
  port.on('message', async ({ id, task }: Request) => {
    let reply: Reply;
    let transfer: ArrayBuffer[] = [];
    try {
      const handler = handlers[task.kind] as ((task: Task) => Promise<Handled>) | undefined;
      if (!handler) throw new Error(`no handler for ${task.kind}`);
      const done = await handler(task);
      transfer = done.transfer ?? [];
      reply = { id, ok: true, value: done.value, pixels: done.pixels ?? 0, threadId };
    } catch (e) {
      reply = { id, ok: false, message: causeOf(e), threadId };
    }
    port.postMessage(reply, transfer);
  });
}
