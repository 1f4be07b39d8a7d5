import type { Context } from 'hono';
import { ApiError, limitExceeded } from './errors.js';

/**
 * Reads a JSON request body of at most `maxBytes`, refusing before reading what it can:
 * - 415 unless `Content-Type` is application/json: browsers send form, multipart and
 *   text/plain bodies across origins without asking (no CORS preflight), JSON they do not;
 * - 413 naming `limit` when `Content-Length` is over `maxBytes`, or as soon as the streamed
 *   bytes pass it (a chunked body has no length), so an oversized body is never buffered;
 * - 400 `invalid_manifest`-style (`badJson`) when the bytes are not JSON.
 */
export async function readJsonBody(
  c: Context,
  maxBytes: number,
  limit: { name: string; message: string },
  badJson: ApiError,
): Promise<unknown> {
  const type = c.req.header('content-type')?.split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') {
    throw new ApiError(
      415,
      'unsupported_media_type',
      `Expected Content-Type: application/json but received ${type ?? 'none'}`,
    );
  }
  const tooLarge = (received: number) =>
    limitExceeded(limit.name, maxBytes, received, limit.message);
  const length = Number(c.req.header('content-length') ?? NaN);
  if (length > maxBytes) throw tooLarge(length);

  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = c.req.raw.body?.getReader();
  for (;;) {
    const chunk = reader ? await reader.read() : { done: true as const, value: undefined };
    if (chunk.done) break;
    received += chunk.value.length;
    if (received > maxBytes) {
      await reader?.cancel().catch(() => undefined);
      throw tooLarge(received);
    }
    chunks.push(chunk.value);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw badJson;
  }
}
