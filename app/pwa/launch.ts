import type { PickedFile } from '../intake/collect.js';
import { drainInbox } from './inbox.js';

interface LaunchParams {
  files: readonly FileSystemFileHandle[];
}

interface LaunchQueue {
  setConsumer(consumer: (params: LaunchParams) => void | Promise<void>): void;
}

/**
 * Files the OS opened with Pixpool (manifest `file_handlers`): Chromium hands them to the
 * page through `window.launchQueue`. Each launch's files go to `onFiles`.
 */
export function consumeLaunches(onFiles: (files: PickedFile[]) => void | Promise<void>): boolean {
  const queue = (window as Window & { launchQueue?: LaunchQueue }).launchQueue;
  if (!queue) return false;
  queue.setConsumer(async (params) => {
    const files = await Promise.all(params.files.map((h) => h.getFile()));
    if (files.length) await onFiles(files.map((file) => ({ file, path: file.name })));
  });
  return true;
}

/** Files shared to Pixpool from other apps, parked by the service worker until now. */
export async function takeSharedFiles(): Promise<PickedFile[]> {
  const parked = await drainInbox();
  return parked.map((p) => ({
    file: new File([p.blob], p.name, { type: p.blob.type }),
    path: p.name,
  }));
}
