/** One parsed server-sent event, or a comment line (`: ping`). */
export interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/**
 * Reads SSE messages from a response body as they arrive. `next()` resolves with the next
 * message, or null when the stream ended; `close()` cancels the body (the client going away).
 */
export function sseReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const ready: SseMessage[] = [];
  let ended = false;

  const parse = () => {
    for (;;) {
      const end = text.indexOf('\n\n');
      if (end < 0) return;
      const block = text.slice(0, end);
      text = text.slice(end + 2);
      const msg: SseMessage = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) msg.comment = line.slice(1).trim();
        const m = /^(id|event|data): ?(.*)$/.exec(line);
        if (m) msg[m[1] as 'id' | 'event' | 'data'] = m[2];
      }
      ready.push(msg);
    }
  };

  return {
    async next(timeoutMs = 30_000): Promise<SseMessage | null> {
      const deadline = Date.now() + timeoutMs;
      while (ready.length === 0 && !ended) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error('no SSE message in time');
        const r = await Promise.race([
          reader.read(),
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error('no SSE message in time')), left),
          ),
        ]);
        if (r.done) ended = true;
        else text += decoder.decode(r.value, { stream: true });
        parse();
      }
      return ready.shift() ?? null;
    },
    async close(): Promise<void> {
      await reader.cancel().catch(() => undefined);
    },
  };
}
