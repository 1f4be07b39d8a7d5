import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The version in the repository's package.json, found by walking up from this file: it sits
 * one level deeper when compiled (build/server/) than as source (server/).
 */
function readVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'pixpool' && pkg.version) return pkg.version;
    } catch {
      // no package.json here; look further up
    }
    dir = path.dirname(dir);
  }
  return '0.0.0';
}

export const version = readVersion();
