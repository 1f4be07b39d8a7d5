import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ServerContext } from '../context.js';
import type { BatchEvent } from '../events/types.js';
import { batchAuth } from '../http/auth.js';
import type { AppEnv } from '../http/types.js';

/** The id after which to replay: `Last-Event-ID` (EventSource reconnects) or `?lastEventId=`. */
function lastEventId(header: string | undefined, query: string | undefined): number {
  const n = Number(header ?? query ?? 0);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

/**
 * `GET /api/batches/:id/events`: server-sent events, each with `id` = its sequence number.
 * Subscribes to the live bus first and buffers, replays the stored events after the client's
 * last id, then drains the buffer skipping anything already sent: no gap between replay and
 * live, and no event twice. A `: ping` comment keeps idle proxies from closing the stream.
 */
export function eventRoutes(ctx: ServerContext) {
  const { store, bus, config } = ctx;
  const app = new Hono<AppEnv>();

  app.get('/batches/:id/events', batchAuth(store), (c) => {
    const batchId = c.var.batch.id;
    const from = lastEventId(c.req.header('last-event-id'), c.req.query('lastEventId'));
    const signal = c.req.raw.signal;
    return streamSSE(c, async (stream) => {
      const buffer: BatchEvent[] = [];
      let wake: (() => void) | undefined;
      let ended = false;
      const poke = () => wake?.();
      const unsubscribe = bus.subscribe(batchId, (event) => {
        buffer.push(event);
        poke();
      });
      const unEnd = bus.onEnd(batchId, () => {
        ended = true;
        poke();
      });
      stream.onAbort(poke);
      signal.addEventListener('abort', poke);
      let lastSent = from;
      const send = async (event: BatchEvent) => {
        if (event.seq <= lastSent) return;
        lastSent = event.seq;
        await stream.writeSSE({
          id: String(event.seq),
          event: event.type,
          data: JSON.stringify(event.data),
        });
      };
      const gone = () => stream.aborted || stream.closed || signal.aborted || ended;
      try {
        for (const event of store.events.after(batchId, from)) {
          if (gone()) return;
          await send(event);
        }
        while (!gone()) {
          while (buffer.length && !gone()) await send(buffer.shift()!);
          if (gone()) break;
          const pinged = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(true), config.heartbeatSeconds * 1000);
            wake = () => {
              clearTimeout(timer);
              resolve(false);
            };
            if (buffer.length || gone()) wake();
          });
          wake = undefined;
          if (pinged && !gone()) await stream.write(': ping\n\n');
        }
      } finally {
        unsubscribe();
        unEnd();
        signal.removeEventListener('abort', poke);
      }
    });
  });

  return app;
}
