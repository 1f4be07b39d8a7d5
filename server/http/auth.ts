import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { isId } from '../files.js';
import type { Config } from '../config.js';
import type { Store } from '../store/index.js';
import { ApiError, batchNotFound } from './errors.js';
import type { AppEnv } from './types.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** A new batch token (32 random bytes, base64url) and the hash stored in its place. */
export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: sha256(token).toString('hex') };
}

/** Constant-time comparison of a presented secret with a stored SHA-256 hash (hex). */
export function matchesHash(presented: string, hashHex: string): boolean {
  const stored = Buffer.from(hashHex, 'hex');
  const given = sha256(presented);
  return stored.length === given.length && timingSafeEqual(stored, given);
}

/**
 * The bearer token from `Authorization`, or `?token=` on GET requests, where a header cannot
 * be set (EventSource, a download link). Never from the query for a state-changing request:
 * a page on another site can send a form post to any URL, but cannot set headers.
 */
function presentedToken(c: Context): string | undefined {
  const header = c.req.header('authorization');
  const bearer = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  if (bearer !== undefined) return bearer;
  return c.req.method === 'GET' || c.req.method === 'HEAD' ? c.req.query('token') : undefined;
}

/**
 * Loads the batch named by `:id` into `c.var.batch` when the request carries its token;
 * answers 404 otherwise, the same for a wrong token as for no such batch.
 */
export function batchAuth(store: Store): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const id = c.req.param('id');
    const token = presentedToken(c);
    const batch = id && isId(id) ? store.batches.get(id) : undefined;
    if (!batch || !token || !matchesHash(token, batch.tokenHash)) throw batchNotFound();
    c.set('batch', batch);
    await next();
  };
}

/**
 * Requires `X-Api-Key` when the server has keys; compared in constant time with each. The
 * matching key of PIXPOOL_API_KEYS_FILE goes to `c.var.apiKey`, for its quota.
 */
export function apiKeyAuth(config: Pick<Config, 'apiKey' | 'apiKeys'>): MiddlewareHandler<AppEnv> {
  const keys = [
    ...(config.apiKey ? [{ hash: sha256(config.apiKey).toString('hex'), entry: undefined }] : []),
    ...(config.apiKeys ?? []).map((entry) => ({ hash: sha256(entry.key).toString('hex'), entry })),
  ];
  return async (c, next) => {
    if (keys.length > 0) {
      const given = c.req.header('x-api-key');
      // Every key is compared, so the time taken says nothing about which one matched.
      const matches = given ? keys.filter((k) => matchesHash(given, k.hash)) : [];
      if (matches.length === 0) {
        throw new ApiError(401, 'unauthorized', 'Creating a batch needs a valid X-Api-Key header');
      }
      if (matches[0].entry) c.set('apiKey', matches[0].entry);
    }
    await next();
  };
}

/**
 * Requires the worker token (distributed mode's internal endpoints) as a bearer token;
 * compared in constant time. A missing or wrong one gets 401.
 */
export function workerAuth(token: string): MiddlewareHandler<AppEnv> {
  const hash = sha256(token).toString('hex');
  return async (c, next) => {
    const bearer = c.req.header('authorization')?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    if (!bearer || !matchesHash(bearer, hash)) {
      throw new ApiError(401, 'unauthorized', 'Expected the worker token');
    }
    await next();
  };
}
