import type { Preset } from '../presets/index.js';
import type { BatchItem } from '../state/index.js';
import { ladderSidecars } from './manifest.js';

/** A file of the item's own (0: its output, k: the ladder's k-th file) or generated text. */
export type ItemFile = { path: string; index: number } | { path: string; text: string };

/**
 * What a finished item puts in a ZIP or folder: its output, or a ladder's files with the
 * manifest (and snippet) beside them. The app and the server both export through this.
 */
export function itemFiles(item: BatchItem, preset: Preset): ItemFile[] {
  if (item.status !== 'done' || !item.outputPath) return [];
  if (!item.ladder) return [{ path: item.outputPath, index: 0 }];
  return [
    ...item.ladder.map((o, index) => ({ path: o.path, index })),
    ...ladderSidecars(item, item.outputPath, item.ladder, {
      presetName: preset.name,
      snippet: preset.ladder?.snippet ?? false,
    }),
  ];
}

/** All bytes an item's files take (a ladder's together). */
export function outputBytes(item: BatchItem): number {
  return item.ladder ? item.ladder.reduce((sum, o) => sum + o.size, 0) : (item.outputSize ?? 0);
}
