import { itemFiles } from '../shared/ladder/index.js';
import { buildReport, reportToCsv, reportToJson } from '../shared/report.js';
import type { Batch, BatchItem } from '../shared/state/index.js';
import { downloadBlob } from './export/download.js';
import { saveToFolder, canSaveToFolder } from './export/save-to-folder.js';
import { zipToBlob, type ZipSource } from './export/zip-writer.js';
import type { Store } from './store/index.js';

const encoder = new TextEncoder();

/** A file-name-safe stem for the batch's downloads: 'pixpool-2026-11-22-1530'. */
function baseName(batch: Batch): string {
  const d = new Date(batch.createdAt);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `pixpool-${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}`;
}

/**
 * Finished outputs one at a time, so only one image is read from storage at once; a ladder's
 * files with their manifest and snippet (shared/ladder itemFiles).
 */
async function* outputs(store: Store, batch: Batch, items: BatchItem[]): AsyncGenerator<ZipSource> {
  for (const it of items) {
    for (const file of itemFiles(it, batch.preset)) {
      if ('text' in file) {
        yield { path: file.path, blob: new Blob([file.text], { type: mimeOf(file.path) }) };
        continue;
      }
      const blob = await store.getOutput(it.id, file.index);
      if (blob) yield { path: file.path, blob };
    }
  }
}

const mimeOf = (path: string) => (path.endsWith('.json') ? 'application/json' : 'text/html');

/** Downloads every finished output as one ZIP (ZIP64 past 4 GiB) with both reports. */
export async function downloadZip(store: Store, batch: Batch, items: BatchItem[]): Promise<void> {
  const report = buildReport(batch, items);
  const extra = [
    { path: 'pixpool-report.csv', data: encoder.encode(reportToCsv(report)) },
    { path: 'pixpool-report.json', data: encoder.encode(reportToJson(report)) },
  ];
  downloadBlob(await zipToBlob(outputs(store, batch, items), extra), `${baseName(batch)}.zip`);
}

export async function downloadReport(batch: Batch, items: BatchItem[], kind: 'csv' | 'json') {
  const report = buildReport(batch, items);
  const text = kind === 'csv' ? reportToCsv(report) : reportToJson(report);
  const type = kind === 'csv' ? 'text/csv' : 'application/json';
  downloadBlob(new Blob([text], { type }), `${baseName(batch)}-report.${kind}`);
}

/** Downloads one finished output under its own name. */
export async function downloadOutput(store: Store, item: BatchItem): Promise<void> {
  const blob = await store.getOutput(item.id);
  if (!blob) throw new Error(`The output of ${item.path} is no longer stored.`);
  downloadBlob(blob, (item.ladder?.[0]?.path ?? item.outputPath ?? item.path).split('/').pop()!);
}

export const canSaveIntoFolder = canSaveToFolder;

/** Writes the converted tree into a folder the user picks; null when they cancel the picker. */
export async function saveIntoFolder(
  store: Store,
  batch: Batch,
  items: BatchItem[],
): Promise<number | null> {
  return saveToFolder(outputs(store, batch, items));
}
