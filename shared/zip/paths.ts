import { replaceExtension, safeArchivePath } from '../naming.js';

// Windows and macOS folders are case-insensitive: 'A.webp' and 'a.webp' are one file there.
const key = (path: string) => path.toLowerCase();

/**
 * Hands out archive paths: each made safe (safeArchivePath), and one already taken, in any case
 * or as a folder, becomes 'name (2).ext', 'name (3).ext'…, since such entries would overwrite
 * each other (or fail) when extracted. planOutputPaths already makes a batch's outputs unique;
 * this keeps the archive sound whatever a caller passes.
 */
export class ArchivePaths {
  readonly #used = new Set<string>();

  /** The path `path` gets in this archive. */
  claim(path: string): string {
    const safe = safeArchivePath(path);
    const dot = safe.lastIndexOf('.');
    const ext = dot > safe.lastIndexOf('/') + 1 ? safe.slice(dot + 1) : '';
    const stem = replaceExtension(safe, '');
    let candidate = safe;
    for (let n = 2; this.#used.has(key(candidate)); n++) {
      candidate = ext ? `${stem} (${n}).${ext}` : `${stem} (${n})`;
    }
    this.#used.add(key(candidate));
    const segments = candidate.split('/');
    for (let i = 1; i < segments.length; i++) this.#used.add(key(segments.slice(0, i).join('/')));
    return candidate;
  }
}
