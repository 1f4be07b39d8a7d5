import type { Context } from 'hono';
import type { ErrorBody, ErrorCode } from '../../shared/api.js';
import { StateConflict } from '../batches/lifecycle.js';
import { isDiskFull, NoRoom } from '../faults.js';
import type { Log } from '../log.js';

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 421 | 429 | 500 | 507;

/**
 * A refusal the API answers with `status` and `{ error: code, message, ...details }`. Routes
 * and middleware throw it; `errorResponse` (app.onError) turns it into the response, so no
 * status is decided twice.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: ErrorStatus,
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** 413 naming the limit, its value and what was received. */
export function limitExceeded(
  limit: string,
  max: number,
  received: number,
  message: string,
  details: Record<string, unknown> = {},
): ApiError {
  return new ApiError(413, 'limit_exceeded', message, { limit, max, received, ...details });
}

/** The batch's existence is never revealed to someone without its token. */
export const batchNotFound = () =>
  new ApiError(404, 'not_found', 'No such batch, or the token does not match it');

/** 507: the data disk is full (or under the watermark); nothing was stored. */
export const diskFull = (message: string, details: Record<string, unknown> = {}) =>
  new ApiError(507, 'disk_full', message, details);

/** The one error body. */
export function jsonError(c: Context, e: ApiError): Response {
  const body: ErrorBody = { error: e.code, message: e.message, ...e.details };
  if (e.status === 429 && typeof e.details.retryAfter === 'number') {
    c.header('Retry-After', String(e.details.retryAfter));
  }
  return c.json(body, e.status);
}

/**
 * app.onError: domain errors to their status, a full disk to 507, anything else to a 500
 * that names no request data (messages may quote it; the log gets the error's name only).
 */
export function errorResponse(err: Error, c: Context, log: Log): Response {
  if (err instanceof ApiError) return jsonError(c, err);
  if (err instanceof StateConflict) {
    return jsonError(c, new ApiError(409, 'conflict', err.message, { status: err.status }));
  }
  if (err instanceof NoRoom) {
    const { needed, free, minFree } = err;
    return jsonError(c, diskFull(err.message, { needed, free, minFree }));
  }
  if (isDiskFull(err)) {
    log.warn('disk full', { method: c.req.method });
    return jsonError(
      c,
      diskFull('The server is out of disk space; nothing was stored. Try again later.'),
    );
  }
  log.error('request failed', { method: c.req.method, error: err.name });
  return jsonError(c, new ApiError(500, 'internal', 'Something went wrong on the server'));
}
