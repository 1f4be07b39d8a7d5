import { createHash } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { Hono } from 'hono';
import type { UploadResult } from '../../shared/api.js';
import { formats } from '../../shared/formats/index.js';
import { describeNonImage, readImageInfo, sniffFormat } from '../../shared/sniff.js';
import type { ServerContext } from '../context.js';
import { ensureRoom } from '../faults.js';
import { batchAuth } from '../http/auth.js';
import { ApiError, limitExceeded } from '../http/errors.js';
import type { AppEnv } from '../http/types.js';

// Enough of the file for every header reader (a JPEG's SOF can follow a 64 KiB EXIF APP1 and
// an ICC profile); describeNonImage looks at the first 4 KiB.
const headBytes = 256 * 1024;
const verdictBytes = 4096;

type Outcome =
  | { kind: 'complete'; received: number; head: Uint8Array; image: boolean; hash: string }
  | { kind: 'limit'; limit: 'maxFileBytes' | 'declaredSize'; max: number; received: number }
  | { kind: 'aborted'; received: number };

/**
 * Streams the body to `temp`, never holding more than one chunk and the head in memory. Stops
 * at the first byte over `max`. Once the first bytes show it is not an image the rest is
 * counted but not written.
 */
async function receive(
  body: ReadableStream<Uint8Array> | null,
  temp: string,
  limits: { maxFileBytes: number; declared: number },
): Promise<Outcome> {
  const head = new Uint8Array(headBytes);
  let headLength = 0;
  let received = 0;
  let image: boolean | undefined;
  const file = await open(temp, 'w');
  // Identical inputs in a batch are converted once (server/store/items.ts markDuplicate).
  const hash = createHash('sha256');
  const reader = body?.getReader();
  try {
    for (;;) {
      let chunk: { done: boolean; value?: Uint8Array };
      try {
        chunk = reader ? await reader.read() : { done: true, value: undefined };
      } catch {
        return { kind: 'aborted', received };
      }
      if (chunk.done) break;
      const bytes = chunk.value!;
      received += bytes.length;
      const max = Math.min(limits.maxFileBytes, limits.declared);
      if (received > max) {
        await reader?.cancel().catch(() => undefined);
        const limit = limits.maxFileBytes <= limits.declared ? 'maxFileBytes' : 'declaredSize';
        return { kind: 'limit', limit, max, received };
      }
      if (headLength < headBytes) {
        const take = Math.min(bytes.length, headBytes - headLength);
        head.set(bytes.subarray(0, take), headLength);
        headLength += take;
      }
      if (image === undefined && headLength >= verdictBytes) {
        image = sniffFormat(head.subarray(0, headLength)) !== null;
      }
      if (image !== false) {
        hash.update(bytes);
        await file.write(bytes);
      }
    }
  } finally {
    await file.close();
  }
  const first = head.subarray(0, headLength);
  return {
    kind: 'complete',
    received,
    head: first,
    image: image ?? sniffFormat(first) !== null,
    hash: hash.digest('hex'),
  };
}

/** `PUT /api/batches/:id/files/:itemId`: the raw file as the body, idempotent. */
export function uploadRoutes(ctx: ServerContext) {
  const { store, files, config, lifecycle, queue, runner, service, log } = ctx;
  const app = new Hono<AppEnv>();

  app.put('/batches/:id/files/:itemId', batchAuth(store), async (c) => {
    const batch = c.var.batch;
    const item = store.items.get(batch.id, c.req.param('itemId'));
    if (!item) throw new ApiError(404, 'not_found', 'No such file in this batch');
    if (batch.status === 'cancelled') {
      throw new ApiError(409, 'conflict', 'The batch was cancelled; retry it first', {
        status: batch.status,
      });
    }
    if (item.status !== 'pending') {
      const message = `The file is ${item.status}; it can only be sent while pending`;
      throw new ApiError(409, 'conflict', message, { id: item.id, status: item.status });
    }
    const declared = item.size;
    const length = Number(c.req.header('content-length') ?? NaN);
    if (length > config.maxFileBytes) throw tooLarge('maxFileBytes', config.maxFileBytes, length);
    if (length > declared) throw tooLarge('declaredSize', declared, length);
    // Refused before a byte is written: the upload must leave the watermark free.
    await ensureRoom(files.dataDir, declared, config.minFreeBytes);

    const final = files.input(batch.id, item.id);
    const temp = files.temp(final);
    service.activeUploads.set(batch.id, (service.activeUploads.get(batch.id) ?? 0) + 1);
    let outcome: Outcome;
    try {
      store.batches.touch(batch.id, ctx.now());
      outcome = await receive(c.req.raw.body, temp, {
        maxFileBytes: config.maxFileBytes,
        declared,
      });
    } catch (e) {
      // A full disk (the temp file, or the database): nothing half-written stays behind.
      await rm(temp, { force: true });
      throw e;
    } finally {
      const n = (service.activeUploads.get(batch.id) ?? 1) - 1;
      if (n > 0) service.activeUploads.set(batch.id, n);
      else service.activeUploads.delete(batch.id);
    }
    if (outcome.kind !== 'complete' || !outcome.image || outcome.received !== declared) {
      await rm(temp, { force: true });
    }
    if (outcome.kind === 'aborted') {
      store.items.setIncomplete(item.id, outcome.received);
      throw new ApiError(
        400,
        'upload_aborted',
        'The upload stopped before the end; send the file again',
      );
    }
    if (outcome.kind === 'limit') {
      store.items.setIncomplete(item.id, outcome.received);
      throw tooLarge(outcome.limit, outcome.max, outcome.received);
    }
    if (outcome.received !== declared) {
      store.items.setIncomplete(item.id, outcome.received);
      const message = `Received ${outcome.received} bytes but the batch declared ${declared}; send the whole file again`;
      throw new ApiError(400, 'incomplete_upload', message, {
        expected: declared,
        received: outcome.received,
      });
    }

    const info = outcome.image ? readImageInfo(outcome.head) : null;
    const reason = info ? undefined : describeNonImage(outcome.head);
    if (info) await rename(temp, final);
    const facts = {
      received: outcome.received,
      ...(info && { hash: outcome.hash }),
      format: info?.format ?? null,
      width: info?.width,
      height: info?.height,
    };
    let updated;
    try {
      updated = lifecycle.uploaded(batch.id, item.id, facts, reason);
    } catch (e) {
      // Not recorded (a conflict, or the database could not write): the file is not kept.
      if (info) await rm(final, { force: true });
      throw e;
    }
    // A duplicate of a file already converted (or failed) is settled now; one waiting for its
    // duplicate to run needs no job.
    const job = info && store.items.job(batch.id, item.id);
    if (job && !(updated.sameAs && (await runner.copySettled(batch.id, item.id)))) {
      queue.enqueue(job);
    }
    log.info('file received', {
      batch: batch.id,
      item: item.id,
      bytes: outcome.received,
      format: info?.format ?? 'none',
    });
    return c.json<UploadResult>({
      id: updated.id,
      status: updated.status,
      size: updated.size,
      ...(info && { format: info.format, label: formats[info.format].label }),
      ...(reason !== undefined && { reason }),
    });
  });

  return app;
}

function tooLarge(limit: 'maxFileBytes' | 'declaredSize', max: number, received: number) {
  const message =
    limit === 'maxFileBytes'
      ? `A file may have at most ${max} bytes (maxFileBytes); this one has at least ${received}`
      : `The batch declared ${max} bytes for this file; the upload has at least ${received}`;
  return limitExceeded(limit, max, received, message);
}
