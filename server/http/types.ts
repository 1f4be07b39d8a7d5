import type { HttpBindings } from '@hono/node-server';
import type { ApiKeyEntry } from '../config.js';
import type { ServerBatch } from '../store/index.js';

/** Hono's environment for every route: node bindings (absent under app.request) and the batch. */
export interface AppEnv {
  Bindings: Partial<HttpBindings>;
  Variables: { batch: ServerBatch; apiKey?: ApiKeyEntry };
}
