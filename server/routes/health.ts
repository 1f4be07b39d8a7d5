import { Hono } from 'hono';
import type { Capabilities, Health } from '../../shared/api.js';
import { formats, outputFormatIds, type FormatId } from '../../shared/formats/index.js';
import { keyRequired } from '../config.js';
import type { ServerContext } from '../context.js';
import type { AppEnv } from '../http/types.js';
import { version } from '../version.js';

/** `GET /api/health` and `GET /api/capabilities`. */
export function healthRoutes(ctx: ServerContext) {
  const { config } = ctx;
  const app = new Hono<AppEnv>();

  app.get('/health', (c) =>
    c.json<Health>({
      status: 'ok',
      version,
      uptimeSeconds: Math.round((Date.now() - ctx.startedAt) / 1000),
    }),
  );

  app.get('/capabilities', (c) =>
    c.json<Capabilities>({
      version,
      inputFormats: Object.keys(formats) as FormatId[],
      outputFormats: outputFormatIds,
      limits: {
        maxFilesPerBatch: config.maxFilesPerBatch,
        maxFileBytes: config.maxFileBytes,
        maxBatchBytes: config.maxBatchBytes,
        maxInputPixels: config.maxInputPixels,
      },
      apiKeyRequired: keyRequired(config),
      concurrency: config.concurrency,
    }),
  );

  return app;
}
