import { defineConfig } from 'vitest/config';

// The Firefox smoke suite: its own config, so `npm run test:unit` never starts a browser.
// One file at a time (one Firefox, one preview server); each test opens its own context.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/firefox/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/firefox/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
