import { createHash } from 'node:crypto';
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { itemFiles, type ItemFile } from '../../shared/ladder/index.js';
import { itemOutput, type Made } from '../../shared/output-facts.js';
import type { Preset } from '../../shared/presets/index.js';
import type { BatchItem } from '../../shared/state/index.js';

export const sha256 = (data: Uint8Array | string) =>
  createHash('sha256').update(data).digest('hex');

/**
 * Where `made` goes for `item` planned at `planned`: the item's facts for the report, and the
 * files the app's ZIP would hold for it (the output, or a ladder's files and sidecars).
 */
export function place(
  item: BatchItem,
  planned: string,
  preset: Preset,
  made: Made,
): { facts: Partial<BatchItem>; files: ItemFile[] } {
  const facts: Partial<BatchItem> = {
    status: 'done',
    ...itemOutput(item.path, planned, made, preset.ladder, preset.name),
  };
  return { facts, files: itemFiles({ ...item, ...facts }, preset) };
}

/** What made an input's files: its SHA-256 and the settings', the files, the report's facts. */
interface Entry {
  input: string;
  settings: string;
  files: string[];
  facts: Partial<BatchItem>;
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

/**
 * The output folder and its record of what it holds (`.pixpool-manifest.json`, keyed by input
 * path): a re-run keeps an input whose bytes and settings made files that are all still
 * there, so an interrupted run resumes where it stopped. Never replaces a file unless told.
 */
export class OutputFolder {
  #writing: Promise<void> = Promise.resolve();

  private constructor(
    readonly dir: string,
    private readonly settingsKey: string,
    private readonly overwrite: boolean,
    private readonly entries: Record<string, Entry>,
  ) {}

  static async open(dir: string, settings: unknown, overwrite: boolean): Promise<OutputFolder> {
    await mkdir(dir, { recursive: true });
    const text = await readFile(OutputFolder.#manifest(dir), 'utf8').catch(() => '{}');
    let entries: Record<string, Entry> = {};
    try {
      entries = JSON.parse(text) as Record<string, Entry>;
    } catch {
      // A damaged manifest only costs a re-conversion.
    }
    return new OutputFolder(dir, sha256(JSON.stringify(settings)), overwrite, entries);
  }

  static #manifest = (dir: string) => path.join(dir, '.pixpool-manifest.json');

  /** The report's facts of `inputPath` if this folder already holds what these bytes make. */
  async kept(inputPath: string, inputHash: string): Promise<Partial<BatchItem> | undefined> {
    const made = this.entries[inputPath];
    if (!made || !Array.isArray(made.files)) return undefined;
    if (made.input !== inputHash || made.settings !== this.settingsKey) return undefined;
    const there = await Promise.all(made.files.map((f) => exists(path.join(this.dir, f))));
    return there.every(Boolean) ? made.facts : undefined;
  }

  /**
   * Throws, naming the first, if any of `files` is there and may not be replaced: any file
   * with `overwrite`; without it only what the same settings made of an earlier version of
   * `inputPath` (a changed input updates its own outputs).
   */
  async checkFree(inputPath: string, files: readonly { path: string }[]): Promise<void> {
    if (this.overwrite) return;
    const before = this.entries[inputPath];
    const own = new Set(before?.settings === this.settingsKey ? before.files : []);
    for (const f of files) {
      const dest = path.join(this.dir, f.path);
      if (!own.has(f.path) && (await exists(dest))) {
        throw new Error(`${dest} is already there; pass --overwrite to replace it`);
      }
    }
  }

  /** Writes an input's files (each whole: temp and rename) and records them. */
  async save(
    inputPath: string,
    inputHash: string,
    files: readonly { path: string; data: Uint8Array | string }[],
    facts: Partial<BatchItem>,
  ): Promise<void> {
    for (const f of files) {
      const dest = path.join(this.dir, f.path);
      await mkdir(path.dirname(dest), { recursive: true });
      await writeFile(`${dest}.tmp`, f.data);
      await rename(`${dest}.tmp`, dest);
    }
    this.entries[inputPath] = {
      input: inputHash,
      settings: this.settingsKey,
      files: files.map((f) => f.path),
      facts,
    };
    // One write at a time, temp and rename: a killed run leaves the last whole manifest.
    const file = OutputFolder.#manifest(this.dir);
    this.#writing = this.#writing.then(async () => {
      await writeFile(`${file}.tmp`, JSON.stringify(this.entries, null, 1));
      await rename(`${file}.tmp`, file);
    });
    return this.#writing;
  }
}
