import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { repoRoot } from './fixture-tree.js';

/** The e2e suite runs against the production build; say so plainly when it is missing. */
export default function globalSetup(): void {
  if (!existsSync(resolve(repoRoot, 'dist/index.html'))) {
    throw new Error('No build in dist/: run `npm run build` first (npm test does it for you).');
  }
}
