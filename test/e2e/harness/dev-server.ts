import { createServer, type ViteDevServer } from 'vite';
import { repoRoot } from '../fixture-tree.js';

/**
 * Vite's dev server over the repository, for harness pages that run an app module as it is
 * in a real browser worker (the production build has no harness pages). `index.html?worker=X`
 * runs `X.worker.ts`.
 */
export async function harnessServer(port: number, exclude: string[] = []): Promise<ViteDevServer> {
  const server = await createServer({
    configFile: false,
    root: repoRoot,
    logLevel: 'error',
    // jSquash finds its .wasm beside its JS; pre-bundling would move the JS away.
    optimizeDeps: { noDiscovery: true, exclude },
    server: { port, strictPort: true },
  });
  await server.listen();
  return server;
}
