import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { StateConflict } from '../batches/lifecycle.js';
import { validateManifest } from '../batches/manifest.js';
import { statusView } from '../batches/progress.js';
import type { BatchAction } from '../batches/service.js';
import type { ServerContext } from '../context.js';
import { apiKeyAuth, batchAuth } from '../http/auth.js';
import { jsonError, limitExceeded } from '../http/errors.js';
import { rateLimit } from '../http/rate-limit.js';
import type { AppEnv } from '../http/types.js';

/** Room per file in the manifest JSON: a long path plus an override. */
const manifestBytesPerFile = 8 * 1024;

/** Creating, reading, controlling and deleting batches. */
export function batchRoutes(ctx: ServerContext) {
  const { store, config, service } = ctx;
  const app = new Hono<AppEnv>();
  const maxManifestBytes = 64 * 1024 + config.maxFilesPerBatch * manifestBytesPerFile;

  const status = (c: Context<AppEnv>, batchId: string) => {
    const batch = store.batches.get(batchId);
    if (!batch) return jsonError(c, 404, 'not_found', 'No such batch');
    return c.json(statusView(batch, store.items.list(batchId), config.concurrency));
  };

  const conflict = (c: Context<AppEnv>, e: unknown) => {
    if (e instanceof StateConflict)
      return jsonError(c, 409, 'conflict', e.message, { status: e.status });
    throw e;
  };

  app.post(
    '/batches',
    apiKeyAuth(config.apiKey),
    rateLimit(config.rateLimitPerMinute),
    bodyLimit({
      maxSize: maxManifestBytes,
      onError: (c) =>
        limitExceeded(
          c,
          'manifestBytes',
          maxManifestBytes,
          Number(c.req.header('content-length') ?? 0),
          `The batch description may have at most ${maxManifestBytes} bytes`,
        ),
    }),
    async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return jsonError(c, 400, 'invalid_manifest', 'The body is not JSON', {
          messages: ['The body is not valid JSON'],
        });
      }
      const checked = validateManifest(body, config);
      if (!checked.ok) {
        const p = checked.problem;
        if (p.kind === 'limit') {
          return limitExceeded(
            c,
            p.limit,
            p.max,
            p.received,
            p.message,
            p.index === undefined ? {} : { index: p.index },
          );
        }
        return jsonError(c, 400, 'invalid_manifest', p.messages[0], { messages: p.messages });
      }
      return c.json(await service.create(checked.value), 201);
    },
  );

  app.get('/batches/:id', batchAuth(store), (c) => status(c, c.var.batch.id));

  for (const action of ['pause', 'resume', 'cancel', 'retry'] as BatchAction[]) {
    app.post(`/batches/:id/${action}`, batchAuth(store), (c) => {
      try {
        service.control(c.var.batch.id, action);
      } catch (e) {
        return conflict(c, e);
      }
      return status(c, c.var.batch.id);
    });
  }

  app.post('/batches/:id/items/:itemId/cancel', batchAuth(store), (c) => {
    const batchId = c.var.batch.id;
    if (!store.items.get(batchId, c.req.param('itemId'))) {
      return jsonError(c, 404, 'not_found', 'No such file in this batch');
    }
    try {
      service.cancelItem(batchId, c.req.param('itemId'));
    } catch (e) {
      return conflict(c, e);
    }
    return status(c, batchId);
  });

  app.delete('/batches/:id', batchAuth(store), async (c) => {
    await service.remove(c.var.batch.id, 'deleted');
    return c.body(null, 204);
  });

  return app;
}
