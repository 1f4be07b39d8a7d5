import { Hono } from 'hono';
import { fileCountHeader } from '../shared/api.js';
import { workerApiBase } from '../shared/worker-api.js';
import { cors } from 'hono/cors';
import { keyRequired } from './config.js';
import type { ServerContext } from './context.js';
import { ApiError, errorResponse } from './http/errors.js';
import { sameSiteOnly } from './http/same-site.js';
import type { AppEnv } from './http/types.js';
import { batchRoutes } from './routes/batches.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { internalRoutes } from './routes/internal.js';
import { resultRoutes } from './routes/results.js';
import { staticRoutes } from './routes/static.js';
import { uploadRoutes } from './routes/uploads.js';

/**
 * The HTTP app: the API under /api (docs/API.md) and the built app everywhere else. Takes a
 * context so tests build one over a temporary data folder and call `app.request()`.
 */
export function createApp(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const allowed = new Set(ctx.config.corsOrigins);
  if (allowed.size > 0) {
    // Only the configured origins get CORS headers; any other origin gets none and the
    // browser refuses to hand it the response.
    app.use(
      '/api/*',
      cors({
        origin: (origin) => (allowed.has(origin) ? origin : null),
        allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
        allowHeaders: [
          'Authorization',
          'X-Api-Key',
          'Last-Event-ID',
          'Content-Type',
          fileCountHeader,
        ],
        exposeHeaders: ['Content-Disposition', 'Retry-After'],
        maxAge: 600,
      }),
    );
  }

  app.use('/api/*', sameSiteOnly({ ...ctx.config, keyed: keyRequired(ctx.config) }));

  const api = new Hono<AppEnv>();
  api.route('/', healthRoutes(ctx));
  api.route('/', batchRoutes(ctx));
  api.route('/', uploadRoutes(ctx));
  api.route('/', eventRoutes(ctx));
  api.route('/', resultRoutes(ctx));
  app.route('/api', api);
  // Distributed mode: what the conversion workers call (never the browser: no CORS).
  if (ctx.config.redisUrl && ctx.config.workerToken) {
    app.route(workerApiBase, internalRoutes(ctx, ctx.config.workerToken));
  }
  // Unknown API paths answer JSON, never the app's index.html.
  app.all('/api/*', (c) => {
    throw new ApiError(404, 'not_found', `No API endpoint ${c.req.method} ${c.req.path}`);
  });
  app.route('/', staticRoutes(ctx.config.staticDir));
  app.onError((err, c) => errorResponse(err, c, ctx.log));
  return app;
}
