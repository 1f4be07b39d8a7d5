/** A file and where it sat in what the user dropped or picked: 'trip/day1/a.jpg'. */
export interface PickedFile {
  file: File;
  path: string;
}

/** Files from an `<input type=file>`; a folder input gives each file's relative path. */
export function fromFileList(list: FileList | File[]): PickedFile[] {
  return Array.from(list, (file) => ({ file, path: file.webkitRelativePath || file.name }));
}

/**
 * Files and folders from a drop, read recursively. The entries must be taken synchronously
 * inside the drop handler: the DataTransfer is emptied once the handler returns.
 */
export async function fromDataTransfer(dt: DataTransfer): Promise<PickedFile[]> {
  const entries = Array.from(dt.items)
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry());
  if (entries.every((e) => !e)) return fromFileList(dt.files);
  const out: PickedFile[] = [];
  for (const entry of entries) if (entry) await walk(entry, '', out);
  return out;
}

/** Image files pasted from the clipboard; they have no useful name, so they get one. */
export function fromClipboard(dt: DataTransfer): PickedFile[] {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return Array.from(dt.files, (file, i) => ({
    file,
    path: file.name && file.name !== 'image.png' ? file.name : `pasted-${stamp}-${i + 1}.png`,
  }));
}

async function walk(entry: FileSystemEntry, prefix: string, out: PickedFile[]): Promise<void> {
  const path = prefix + entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    );
    out.push({ file, path });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns at most 100 entries per call in Chromium: read until it returns none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) break;
    for (const child of batch) await walk(child, path + '/', out);
  }
}
