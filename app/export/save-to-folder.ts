import { safeArchivePath } from '../../shared/naming.js';

/** One file to write, at `path` relative to the chosen folder. */
export interface FolderEntry {
  path: string;
  blob: Blob;
}

export interface WriteToFolderOptions {
  signal?: AbortSignal;
  /** Called after each file with the number written so far. */
  onProgress?: (written: number) => void;
}

// The File System Access API parts lib.dom lacks: the picker (Chromium only) and permissions.
interface DirectoryPickerOptions {
  id?: string;
  mode?: 'read' | 'readwrite';
}
type DirectoryPicker = (options?: DirectoryPickerOptions) => Promise<FileSystemDirectoryHandle>;
interface PermissionHandle {
  queryPermission?(d: { mode: 'readwrite' }): Promise<PermissionState>;
  requestPermission?(d: { mode: 'readwrite' }): Promise<PermissionState>;
}

const picker = () => (globalThis as { showDirectoryPicker?: DirectoryPicker }).showDirectoryPicker;

/** True where the browser can write into a folder the user picks (Chromium desktop). */
export function canSaveToFolder(): boolean {
  return typeof picker() === 'function';
}

/** Saving into a folder failed; `written` files were saved before it stopped. */
export class SaveToFolderError extends Error {
  override name = 'SaveToFolderError';

  constructor(
    message: string,
    readonly written: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const errorName = (err: unknown) =>
  typeof err === 'object' && err !== null ? (err as { name?: unknown }).name : undefined;

/** Asks for a folder; null when the user closes the picker. */
export async function pickOutputFolder(): Promise<FileSystemDirectoryHandle | null> {
  const show = picker();
  if (!show) {
    throw new SaveToFolderError('This browser cannot save into a folder; download the ZIP.', 0);
  }
  try {
    // `id` makes the picker reopen where the user saved last time.
    return await show({ id: 'pixpool-output', mode: 'readwrite' });
  } catch (err) {
    if (errorName(err) === 'AbortError') return null;
    throw new SaveToFolderError(`Could not open the folder picker: ${String(err)}`, 0, {
      cause: err,
    });
  }
}

/** What went wrong, in words a person can act on. */
function reason(err: unknown): string {
  switch (errorName(err)) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'the browser did not allow writing there; pick the folder again and allow editing';
    case 'QuotaExceededError':
      return 'the disk is full';
    case 'NoModificationAllowedError':
      return 'the file is locked, perhaps open in another program';
    case 'TypeMismatchError':
      return 'a folder and a file have the same name there';
    case 'NotFoundError':
      return 'the folder was moved or deleted while saving';
    case 'InvalidModificationError':
    case 'TypeError':
      return 'the name is not allowed in that folder';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

async function ensureWritable(dir: FileSystemDirectoryHandle): Promise<void> {
  const handle = dir as unknown as PermissionHandle;
  if (!handle.queryPermission || !handle.requestPermission) return;
  const mode = { mode: 'readwrite' } as const;
  if ((await handle.queryPermission(mode)) === 'granted') return;
  if ((await handle.requestPermission(mode)) !== 'granted') {
    throw new SaveToFolderError(
      `Could not save into ${dir.name}: ${reason(new DOMException('', 'NotAllowedError'))}.`,
      0,
    );
  }
}

/**
 * Writes each entry under `dir`, creating subfolders along its safeArchivePath. An existing
 * file of the same name is replaced. Returns how many files were written.
 */
export async function writeToFolder(
  dir: FileSystemDirectoryHandle,
  entries: AsyncIterable<FolderEntry> | Iterable<FolderEntry>,
  opts: WriteToFolderOptions = {},
): Promise<number> {
  await ensureWritable(dir);
  const folders = new Map<string, Promise<FileSystemDirectoryHandle>>([['', Promise.resolve(dir)]]);
  const folder = (segments: string[]): Promise<FileSystemDirectoryHandle> => {
    const key = segments.join('/');
    let found = folders.get(key);
    if (!found) {
      found = folder(segments.slice(0, -1)).then((parent) =>
        parent.getDirectoryHandle(segments[segments.length - 1], { create: true }),
      );
      folders.set(key, found);
      found.catch(() => folders.delete(key));
    }
    return found;
  };

  let written = 0;
  for await (const entry of entries) {
    opts.signal?.throwIfAborted();
    const path = safeArchivePath(entry.path);
    const segments = path.split('/');
    const name = segments.pop()!;
    try {
      const file = await (await folder(segments)).getFileHandle(name, { create: true });
      const stream = await file.createWritable();
      try {
        await stream.write(entry.blob);
        await stream.close();
      } catch (err) {
        // Discards the partial file: the old content (if any) stays as it was.
        await stream.abort().catch(() => undefined);
        throw err;
      }
    } catch (err) {
      const saved = written === 1 ? '1 file was' : `${written} files were`;
      throw new SaveToFolderError(
        `Could not save ${path} into ${dir.name}: ${reason(err)}. ${saved} saved before it.`,
        written,
        { cause: err },
      );
    }
    written++;
    opts.onProgress?.(written);
  }
  return written;
}

/**
 * Lets the user pick a folder and writes the entries into it. Returns the count written, or
 * null when the user closed the picker.
 */
export async function saveToFolder(
  entries: AsyncIterable<FolderEntry> | Iterable<FolderEntry>,
  opts: WriteToFolderOptions = {},
): Promise<number | null> {
  const dir = await pickOutputFolder();
  return dir ? writeToFolder(dir, entries, opts) : null;
}
