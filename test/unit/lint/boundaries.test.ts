import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../server/helpers.js';

const eslint = new ESLint({ cwd: repoRoot });

/** The boundary messages ESLint gives `code` as if it were the file at `filePath`. */
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${repoRoot}/${filePath}` });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the folder boundaries (eslint.config.js)', () => {
  it.each([
    [
      'server/scratch.ts',
      "import { decode } from '../app/workers/codecs/index.js';",
      /server imports no app code/,
    ],
    [
      'server/routes/scratch.ts',
      "import '../../app/state/runner.js';",
      /server imports no app code/,
    ],
    [
      'shared/scratch.ts',
      "import { Store } from '../server/store/index.js';",
      /shared\/ is what both sides agree on/,
    ],
    [
      'shared/headers/scratch.ts',
      "import { readFileSync } from 'node:fs';",
      /shared\/ runs anywhere/,
    ],
    ['shared/scratch.ts', "import sharp from 'sharp';", /shared\/ runs anywhere/],
    ['app/scratch.ts', "import { createApp } from '../server/app.js';", /over HTTP only/],
    ['app/state/scratch.ts', "import { createApp } from '../../server/app.js';", /over HTTP only/],
    [
      'app/workers/scratch.ts',
      "import { Queue } from '../state/queue.svelte.js';",
      /Web workers see no DOM/,
    ],
    [
      'app/workers/pipeline/scratch.ts',
      "import { store } from '../../store/index.js';",
      /Web workers see no DOM/,
    ],
    ['app/workers/scratch.ts', "import { mount } from 'svelte';", /Web workers run no Svelte/],
    ['codecs/scratch.ts', "import '../app/workers/convert.js';", /codecs\/ is neutral ground/],
    [
      'codecs/scratch.ts',
      "import { readFile } from 'node:fs/promises';",
      /codecs\/ runs in web workers and in Node/,
    ],
  ])('refuses in %s: %s', async (file, code, message) => {
    const errors = await boundaryErrors(file, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  });

  it.each([
    // app/server/ is the app's HTTP client, not the server.
    ['app/state/scratch.ts', "import { ServerClient } from '../server/client.js';"],
    ['app/workers/scratch.ts', "import { formats } from '../../shared/formats/index.js';"],
    ['app/workers/codecs/scratch.ts', "import { decode } from '../pipeline/pixels.js';"],
    ['server/scratch.ts', "import { formats } from '../shared/formats/index.js';"],
    ['server/convert/scratch.ts', "import sharp from 'sharp';"],
    ['codecs/scratch.ts', "import { formats } from '../shared/formats/index.js';"],
  ])('allows in %s: %s', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([]);
  });
});
