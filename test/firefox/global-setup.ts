import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { firefoxPort, repoRoot } from './firefox.js';

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
  }
}

/**
 * Serves the production build (dist/) with `vite preview` on the suite's own port, as the
 * Playwright suite does on its port; stops it when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(resolve(repoRoot, 'dist/index.html'))) {
    throw new Error('No build in dist/: run `npm run build` first (npm test does it for you).');
  }
  const port = firefoxPort();
  const baseURL = `http://localhost:${port}`;
  const answers = () =>
    fetch(baseURL).then(
      (r) => r.ok,
      () => false,
    );
  // Something else on the port would be tested instead of this build.
  if (await answers()) {
    throw new Error(`Port ${port} is taken: set FIREFOX_PORT (or E2E_PORT) to a free one.`);
  }
  const server = spawn(
    process.execPath,
    [
      resolve(repoRoot, 'node_modules/vite/bin/vite.js'),
      'preview',
      '--port',
      String(port),
      '--strictPort',
    ],
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let errors = '';
  server.stderr.on('data', (d: Buffer) => (errors += d.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (server.exitCode !== null) {
      throw new Error(`vite preview on port ${port} exited (${server.exitCode}): ${errors.trim()}`);
    }
    if (await answers()) break;
    if (Date.now() > deadline) {
      server.kill();
      throw new Error(`vite preview did not answer on port ${port} within 30 s`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  project.provide('baseURL', baseURL);
  return async () => {
    server.kill();
  };
}
