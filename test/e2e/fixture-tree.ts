import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../..');
export const sharedFixtures = resolve(repoRoot, '../shared/fixtures');
export const generated = resolve(repoRoot, 'test/fixtures/generated');

export interface TreeFile {
  /** Relative path inside the tree, as the app reports it (with the tree's own folder). */
  path: string;
  kind: 'image' | 'corrupt' | 'non-image';
}

/**
 * Builds a folder tree from ../shared/fixtures: PngSuite (14 deliberately corrupt), the EXIF
 * photos, HEIC and AVIF samples, a text file, an empty file and a JPEG named .png.
 */
export function buildTree(name = 'tree'): { root: string; files: TreeFile[] } {
  const root = join(generated, name);
  rmSync(root, { recursive: true, force: true });
  const files: TreeFile[] = [];
  const add = (rel: string, kind: TreeFile['kind'], from?: string, data?: Uint8Array | string) => {
    const dest = join(root, rel);
    mkdirSync(dirname(dest), { recursive: true });
    if (from) copyFileSync(from, dest);
    else writeFileSync(dest, data ?? '');
    files.push({ path: `${name}/${rel}`, kind });
  };
  const png = join(sharedFixtures, 'pngsuite/png');
  for (const f of readdirSync(png)
    .filter((f) => f.endsWith('.png'))
    .sort()) {
    add(`pngsuite/${f}`, f.startsWith('x') ? 'corrupt' : 'image', join(png, f));
  }
  const exif = join(sharedFixtures, 'exif-orientation');
  for (const f of readdirSync(exif)
    .filter((f) => f.endsWith('.jpg'))
    .sort()) {
    add(`photos/exif/${f}`, 'image', join(exif, f));
  }
  add('photos/heif/example.heic', 'image', join(sharedFixtures, 'heif/example.heic'));
  add('photos/heif/example.avif', 'image', join(sharedFixtures, 'heif/example.avif'));
  add('notes/readme.txt', 'non-image', undefined, 'These are holiday photos.\n');
  add('notes/empty.jpg', 'non-image', undefined, '');
  add('photos/lying.png', 'image', undefined, readFileSync(join(exif, 'Landscape_1.jpg')));
  return { root, files };
}

/** A smaller tree of real photos only, for tests about controlling a running batch. */
export function buildPhotoTree(name = 'photos', copies = 2): { root: string; files: TreeFile[] } {
  const root = join(generated, name);
  rmSync(root, { recursive: true, force: true });
  const files: TreeFile[] = [];
  const exif = join(sharedFixtures, 'exif-orientation');
  const photos = readdirSync(exif)
    .filter((f) => f.endsWith('.jpg'))
    .sort();
  for (let c = 1; c <= copies; c++) {
    for (const f of photos) {
      const rel = `set${c}/${f}`;
      mkdirSync(join(root, `set${c}`), { recursive: true });
      copyFileSync(join(exif, f), join(root, rel));
      files.push({ path: `${name}/${rel}`, kind: 'image' });
    }
  }
  return { root, files };
}
