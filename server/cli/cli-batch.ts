import { readFile } from 'node:fs/promises';
import { outputFormats } from '../../shared/formats/index.js';
import { planOutputPaths } from '../../shared/naming.js';
import type { Preset } from '../../shared/presets/index.js';
import { describeNonImage, readImageInfo } from '../../shared/sniff.js';
import type { BatchItem } from '../../shared/state/index.js';
import type { InputFile } from './inputs.js';
import type { Made } from '../../shared/output-facts.js';
import { place, sha256, type OutputFolder } from './output-folder.js';

/** Hears each file as it settles, and whether it was already there from an earlier run. */
export type OnItem = (item: BatchItem, unchanged: boolean) => void;

/**
 * One `pixpool convert` run's files as batch items (what the report is made of), planned with
 * the app's naming over all of them, wherever they convert (here or on a server).
 */
export class CliBatch {
  readonly items: BatchItem[];
  readonly #planned: Map<string, string>;

  constructor(
    readonly inputs: readonly InputFile[],
    readonly preset: Preset,
    readonly folder: OutputFolder,
    private readonly onItem?: OnItem,
  ) {
    const extension = outputFormats[preset.output.format].extension;
    this.#planned = planOutputPaths(
      inputs.map((f, i) => ({ id: String(i), path: f.path, extension })),
    );
    this.items = inputs.map((f, i) => ({
      id: String(i),
      batchId: 'cli',
      path: f.path,
      size: f.size,
      format: null,
      status: 'pending',
      progress: 0,
      order: i,
      attempts: 0,
    }));
  }

  settle(i: number, facts: Partial<BatchItem>, unchanged = false): void {
    Object.assign(this.items[i], facts, { progress: 1 });
    this.onItem?.(this.items[i], unchanged);
  }

  fail(i: number, e: unknown, durationMs?: number): void {
    const reason = e instanceof Error ? e.message : String(e);
    this.settle(i, { status: 'failed', reason, ...(durationMs !== undefined && { durationMs }) });
  }

  /**
   * Reads input `i`: settles it when it is not an image (skipped) or the output folder holds
   * it already (kept); otherwise its bytes and their hash, to convert.
   */
  async triage(i: number): Promise<{ bytes: Uint8Array; hash: string } | undefined> {
    const bytes = new Uint8Array(await readFile(this.inputs[i].file));
    const info = readImageInfo(bytes);
    if (!info) return void this.settle(i, { status: 'skipped', reason: describeNonImage(bytes) });
    Object.assign(this.items[i], { format: info.format, attempts: 1 });
    const hash = sha256(bytes);
    const kept = await this.folder.kept(this.inputs[i].path, hash);
    if (kept) return void this.settle(i, kept, true);
    return { bytes, hash };
  }

  /** Writes what input `i` made, its files' bytes from `bytesOf`, and settles it done. */
  async save(
    i: number,
    hash: string,
    made: Made,
    bytesOf: (index: number) => Uint8Array | Promise<Uint8Array>,
    durationMs?: number,
  ): Promise<void> {
    const item = this.items[i];
    const { facts, files } = place(item, this.#planned.get(item.id)!, this.preset, made);
    await this.folder.checkFree(item.path, files);
    const data = await Promise.all(
      files.map(async (f) => ({
        path: f.path,
        data: 'text' in f ? f.text : await bytesOf(f.index),
      })),
    );
    const all = { ...facts, ...(durationMs !== undefined && { durationMs }) };
    await this.folder.save(item.path, hash, data, all);
    this.settle(i, all);
  }
}
