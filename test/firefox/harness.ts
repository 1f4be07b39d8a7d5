import type { Page } from 'puppeteer-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll } from 'vitest';
import { harnessServer } from '../e2e/harness/dev-server.js';
import { firefoxPort, launchFirefox, type Firefox } from './firefox.js';

/**
 * For a test file that runs an app module as it is in a Firefox worker: Vite's dev server for
 * test/e2e/harness on firefoxPort() + `offset` (one per file) and a Firefox, both closed after
 * the file. Returns what runs a request in the named harness worker and answers its reply.
 */
export function firefoxHarness(offset: number) {
  const port = firefoxPort() + offset;
  let server: ViteDevServer;
  let firefox: Firefox;
  beforeAll(async () => {
    server = await harnessServer(port);
    firefox = await launchFirefox();
  });
  afterAll(async () => {
    await firefox?.browser.close();
    await server?.close();
  });
  return async <Request, Answer>(worker: string, request: Request): Promise<Answer> => {
    const page: Page = await firefox.browser.newPage();
    try {
      await page.goto(`http://localhost:${port}/test/e2e/harness/index.html?worker=${worker}`);
      return await page.evaluate(
        (r) => (window as unknown as { run(r: unknown): Promise<Answer> }).run(r),
        request as unknown,
      );
    } finally {
      await page.close();
    }
  };
}
