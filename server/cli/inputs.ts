import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** A file to convert: where it is, and its path in the batch (what the output tree keeps). */
export interface InputFile {
  file: string;
  path: string;
  size: number;
}

/**
 * The files named on the command line, folders walked as "Add folder" does: a folder's files
 * keep their path under the folder's own name (`photos/trip/a.jpg`); a file alone is its
 * name. Hidden entries (dot files) and the output folder `outDir` (when it is inside an input
 * folder) are left out; the order is stable (sorted by path).
 */
export async function collectInputs(args: readonly string[], outDir: string): Promise<InputFile[]> {
  const out: InputFile[] = [];
  for (const arg of args) {
    const abs = path.resolve(arg);
    const info = await stat(abs).catch(() => undefined);
    if (!info) throw new Error(`${arg}: no such file or folder`);
    if (info.isFile()) out.push({ file: abs, path: path.basename(abs), size: info.size });
    else if (info.isDirectory()) await walk(abs, path.basename(abs), outDir, out);
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function walk(dir: string, prefix: string, outDir: string, out: InputFile[]) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const abs = path.join(dir, entry.name);
    if (entry.name.startsWith('.') || abs === outDir) continue;
    const rel = `${prefix}/${entry.name}`;
    if (entry.isDirectory()) await walk(abs, rel, outDir, out);
    else if (entry.isFile()) out.push({ file: abs, path: rel, size: (await stat(abs)).size });
  }
}
