import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AppEnv } from '../http/types.js';

/** Vite puts content-hashed files under assets/: they never change under the same name. */
function cacheControl(requestPath: string): string {
  return requestPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/**
 * Serves the built app from `dir` on the same origin as the API (`serveStatic` refuses '..'
 * and encoded escapes, and types .wasm and .webmanifest as the browser needs), with index.html
 * for any other path without an extension (the app routes on the client). sw.js, index.html
 * and the manifest get `no-cache`, so an update is noticed on the next visit.
 */
export function staticRoutes(dir: string) {
  const root = path.resolve(dir);
  const app = new Hono<AppEnv>();
  // No build there: the server answers its API only (see Config.staticDir).
  if (!existsSync(root)) return app;
  app.use('*', async (c, next) => {
    await next();
    if (!c.res.ok) return;
    c.res.headers.set('Cache-Control', cacheControl(c.req.path));
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
  });
  app.use('*', serveStatic({ root }));
  app.get('*', (c, next) =>
    path.posix.extname(c.req.path) === ''
      ? serveStatic<AppEnv>({ root, path: 'index.html' })(c, next)
      : next(),
  );
  return app;
}
