import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';
import type { AppEnv } from './types.js';

/** The socket's remote address; forwarded headers are not trusted (no proxy is assumed). */
export function clientAddress(c: Context<AppEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // app.request() in tests has no socket.
    return 'local';
  }
}

/**
 * A fixed one-minute window per client address: at most `perMinute` requests, then 429 with
 * Retry-After until the window ends. 0 turns it off. Windows are dropped once over, so the
 * map holds only the last minute's clients.
 */
export function rateLimit(
  perMinute: number,
  now: () => number = Date.now,
): MiddlewareHandler<AppEnv> {
  const windowMs = 60_000;
  const windows = new Map<string, { start: number; count: number }>();
  return async (c, next) => {
    if (perMinute <= 0) return next();
    const t = now();
    for (const [key, w] of windows) if (t - w.start >= windowMs) windows.delete(key);
    const key = clientAddress(c);
    const w = windows.get(key) ?? { start: t, count: 0 };
    windows.set(key, w);
    if (w.count >= perMinute) {
      const retryAfter = Math.max(1, Math.ceil((w.start + windowMs - t) / 1000));
      throw new ApiError(
        429,
        'rate_limited',
        `At most ${perMinute} batches per minute; try again in ${retryAfter} s`,
        {
          limit: 'rateLimitPerMinute',
          max: perMinute,
          retryAfter,
        },
      );
    }
    w.count++;
    await next();
  };
}
