import { Hono } from 'hono';
import { fileCountHeader, type BatchAction, type FailedItems } from '../../shared/api.js';
import { declaredFileCount, manifestByteCap, validateManifest } from '../batches/manifest.js';
import { statusView } from '../batches/progress.js';
import type { ServerContext } from '../context.js';
import { apiKeyAuth, batchAuth } from '../http/auth.js';
import { ApiError } from '../http/errors.js';
import { readJsonBody } from '../http/json-body.js';
import { takeQuota } from '../http/quota.js';
import { rateLimit } from '../http/rate-limit.js';
import type { AppEnv } from '../http/types.js';

const actions: readonly BatchAction[] = ['pause', 'resume', 'cancel', 'retry'];

/** Creating, reading, controlling and deleting batches. */
export function batchRoutes(ctx: ServerContext) {
  const { store, config, service } = ctx;
  const app = new Hono<AppEnv>();

  const status = (batchId: string) => {
    const batch = store.batches.get(batchId);
    if (!batch) throw new ApiError(404, 'not_found', 'No such batch');
    return statusView(batch, store.items.list(batchId), config.concurrency);
  };

  app.post('/batches', apiKeyAuth(config), rateLimit(config.rateLimitPerMinute), async (c) => {
    const declared = declaredFileCount(c.req.header(fileCountHeader), config);
    const cap = manifestByteCap(declared);
    const body = await readJsonBody(
      c,
      cap,
      {
        name: 'manifestBytes',
        message:
          declared === undefined
            ? `A manifest without ${fileCountHeader} may have at most ${cap} bytes; send ` +
              `${fileCountHeader}: <number of files> for a longer one`
            : `A manifest of ${declared} files (${fileCountHeader}) may have at most ${cap} bytes`,
      },
      new ApiError(400, 'invalid_manifest', 'The body is not JSON', {
        messages: ['The body is not valid JSON'],
      }),
    );
    const manifest = validateManifest(body, config, declared);
    const bytes = manifest.files.reduce((n, f) => n + f.size, 0);
    const files = manifest.files.length;
    const giveBack = takeQuota(store, c.var.apiKey, { files, bytes }, ctx.now());
    try {
      return c.json(await service.create(manifest), 201);
    } catch (e) {
      giveBack?.();
      throw e;
    }
  });

  app.get('/batches/:id', batchAuth(store), (c) => c.json(status(c.var.batch.id)));

  for (const action of actions) {
    app.post(`/batches/:id/${action}`, batchAuth(store), (c) => {
      service.control(c.var.batch.id, action);
      return c.json(status(c.var.batch.id));
    });
  }

  const itemActions = {
    cancel: (batchId: string, itemId: string) => service.cancelItem(batchId, itemId),
    retry: (batchId: string, itemId: string) => service.retryItem(batchId, itemId),
  };
  for (const [action, act] of Object.entries(itemActions)) {
    app.post(`/batches/:id/items/:itemId/${action}`, batchAuth(store), (c) => {
      const batchId = c.var.batch.id;
      if (!store.items.get(batchId, c.req.param('itemId'))) {
        throw new ApiError(404, 'not_found', 'No such file in this batch');
      }
      act(batchId, c.req.param('itemId'));
      return c.json(status(batchId));
    });
  }

  // The failed set: every file that could not be converted, with why and how often it ran.
  app.get('/batches/:id/failed', batchAuth(store), (c) =>
    c.json<FailedItems>({
      items: store.items
        .list(c.var.batch.id)
        .filter((i) => i.status === 'failed')
        .map((i) => ({ id: i.id, path: i.path, error: i.reason ?? '', attempts: i.attempts })),
    }),
  );

  app.delete('/batches/:id', batchAuth(store), async (c) => {
    await service.remove(c.var.batch.id, 'deleted');
    return c.body(null, 204);
  });

  return app;
}
