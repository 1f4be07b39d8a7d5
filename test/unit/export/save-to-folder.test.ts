import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  canSaveToFolder,
  saveToFolder,
  SaveToFolderError,
  writeToFolder,
} from '../../../app/export/save-to-folder.js';

/** An in-memory stand-in for the File System Access handles the writer uses. */
class FakeDir {
  readonly dirs = new Map<string, FakeDir>();
  readonly files = new Map<string, Blob>();
  failOn?: { name: string; error: DOMException };

  constructor(readonly name: string) {}

  async getDirectoryHandle(name: string, opts?: { create?: boolean }) {
    if (this.files.has(name)) throw new DOMException('', 'TypeMismatchError');
    let dir = this.dirs.get(name);
    if (!dir && opts?.create) this.dirs.set(name, (dir = new FakeDir(name)));
    if (!dir) throw new DOMException('', 'NotFoundError');
    dir.failOn = this.failOn;
    return dir;
  }

  async getFileHandle(name: string) {
    const failOn = this.failOn;
    return {
      createWritable: async () => {
        let data: Blob | undefined;
        return {
          write: async (blob: Blob) => {
            if (failOn?.name === name) throw failOn.error;
            data = blob;
          },
          close: async () => void this.files.set(name, data!),
          abort: async () => undefined,
        };
      },
    };
  }

  /** Every file below, as 'path' → text. */
  async tree(prefix = ''): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [name, blob] of this.files) out[prefix + name] = await blob.text();
    for (const [name, dir] of this.dirs) Object.assign(out, await dir.tree(`${prefix}${name}/`));
    return out;
  }
}

const asHandle = (d: FakeDir) => d as unknown as FileSystemDirectoryHandle;
const entry = (path: string, text = path) => ({ path, blob: new Blob([text]) });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('writeToFolder', () => {
  it('writes each entry under its safe path, creating subfolders', async () => {
    const root = new FakeDir('out');
    const progress: number[] = [];
    const n = await writeToFolder(
      asHandle(root),
      [
        entry('trip/day1/a.webp'),
        entry('trip/day1/b.webp'),
        entry('../c.webp', 'c'),
        entry('trip/d.webp'),
      ],
      { onProgress: (w) => progress.push(w) },
    );
    expect(n).toBe(4);
    expect(progress).toEqual([1, 2, 3, 4]);
    expect(await root.tree()).toEqual({
      'c.webp': 'c',
      'trip/d.webp': 'trip/d.webp',
      'trip/day1/a.webp': 'trip/day1/a.webp',
      'trip/day1/b.webp': 'trip/day1/b.webp',
    });
  });

  it('stops at the first failure with a message naming the file and what was saved', async () => {
    const root = new FakeDir('out');
    root.failOn = { name: 'b.webp', error: new DOMException('', 'QuotaExceededError') };
    const entries = [entry('a.webp'), entry('b.webp'), entry('c.webp')];
    const error = (await writeToFolder(asHandle(root), entries).catch(
      (e: unknown) => e,
    )) as SaveToFolderError;
    expect(error).toBeInstanceOf(SaveToFolderError);
    expect(error.written).toBe(1);
    expect(error.message).toBe(
      'Could not save b.webp into out: the disk is full. 1 file was saved before it.',
    );
    expect(Object.keys(await root.tree())).toEqual(['a.webp']);
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    const root = new FakeDir('out');
    const run = writeToFolder(asHandle(root), [entry('a.webp'), entry('b.webp')], {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(Object.keys(await root.tree())).toEqual(['a.webp']);
  });
});

describe('saveToFolder', () => {
  it('is unavailable without showDirectoryPicker', () => {
    expect(canSaveToFolder()).toBe(false);
  });

  it('returns null when the user closes the picker', async () => {
    vi.stubGlobal('showDirectoryPicker', async () => {
      throw new DOMException('The user aborted a request.', 'AbortError');
    });
    expect(canSaveToFolder()).toBe(true);
    expect(await saveToFolder([entry('a.webp')])).toBeNull();
  });

  it('writes into the picked folder', async () => {
    const root = new FakeDir('picked');
    vi.stubGlobal('showDirectoryPicker', async () => asHandle(root));
    expect(await saveToFolder([entry('x/a.webp')])).toBe(1);
    expect(await root.tree()).toEqual({ 'x/a.webp': 'x/a.webp' });
  });
});
