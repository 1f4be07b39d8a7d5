import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { ConfigError, keyRequired, loadConfig, type Config } from './config.js';
import { createContext, startBackground } from './context.js';
import { consoleLog } from './log.js';
import { version } from './version.js';

// Run through start.cjs (npm start / npm run server), which sizes the libuv thread pool
// before anything uses it; see there.

let config: Config;
try {
  config = loadConfig();
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(`pixpool server: ${e.message}`);
  process.exit(1);
}

const pool = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
if (pool < config.concurrency + 2) {
  consoleLog.warn('UV_THREADPOOL_SIZE is too small for CONCURRENCY; start through start.cjs', {
    pool,
    concurrency: config.concurrency,
  });
}

const ctx = createContext(config);
const stopBackground = await startBackground(ctx);
const app = createApp(ctx);
const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  consoleLog.info('pixpool server listening', {
    url: `http://${info.family === 'IPv6' ? `[${info.address}]` : info.address}:${info.port}`,
    version,
    concurrency: config.concurrency,
    wasmThreads: config.wasmThreads,
    threadpool: pool,
    apiKey: keyRequired(config),
  });
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  consoleLog.info('stopping', { signal });
  // Stop taking requests, let running conversions finish (their items would otherwise be
  // redone after the restart), then close the database.
  server.close();
  const timer = setTimeout(() => process.exit(0), 10_000);
  timer.unref();
  await stopBackground();
  ctx.store.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
