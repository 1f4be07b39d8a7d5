import type { Context } from 'hono';

/** `{ error, message, ...details }` with `status`, the one error shape of the API. */
export function jsonError(
  c: Context,
  status: 400 | 401 | 404 | 409 | 413 | 429 | 500,
  error: string,
  message: string,
  details: Record<string, unknown> = {},
): Response {
  return c.json({ error, message, ...details }, status);
}

/** 413 naming the limit, its value and what was received. */
export function limitExceeded(
  c: Context,
  limit: string,
  max: number,
  received: number,
  message: string,
  details: Record<string, unknown> = {},
): Response {
  return jsonError(c, 413, 'limit_exceeded', message, { limit, max, received, ...details });
}

/** The batch's existence is never revealed to someone without its token. */
export function notFound(c: Context): Response {
  return jsonError(c, 404, 'not_found', 'No such batch, or the token does not match it');
}
