import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import type { AppEnv } from '../http/types.js';

// The types the built app needs; .wasm must be application/wasm for streaming compilation and
// the manifest application/manifest+json for installability.
const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** Vite puts content-hashed files under assets/: they never change under the same name. */
function cacheControl(relative: string): string {
  return relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/**
 * Serves the built app from `dir` on the same origin as the API: files as they are, and
 * index.html for any other path without an extension (the app routes on the client). sw.js,
 * index.html and the manifest get `no-cache`, so an update is noticed on the next visit.
 */
export function staticRoutes(dir: string) {
  const root = path.resolve(dir);
  const app = new Hono<AppEnv>();

  const serve = async (relative: string) => {
    const file = path.join(root, relative);
    // path.join normalised any '..'; anything outside the folder is refused.
    if (file !== root && !file.startsWith(root + path.sep)) return null;
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return null;
    const body = Readable.toWeb(createReadStream(file)) as unknown as ReadableStream<Uint8Array>;
    return new Response(body, {
      headers: {
        'Content-Type': types[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': String(info.size),
        'Cache-Control': cacheControl(relative),
        'X-Content-Type-Options': 'nosniff',
      },
    });
  };

  app.get('*', async (c) => {
    let relative: string;
    try {
      relative = decodeURIComponent(c.req.path).replace(/^\/+/, '');
    } catch {
      return c.notFound();
    }
    if (relative.includes('\0')) return c.notFound();
    const found = await serve(relative === '' ? 'index.html' : relative);
    if (found) return found;
    if (path.extname(relative) === '') {
      const index = await serve('index.html');
      if (index) return index;
    }
    return c.notFound();
  });

  return app;
}
