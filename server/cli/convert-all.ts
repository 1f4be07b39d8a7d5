import { access, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { outputFormats } from '../../shared/formats/index.js';
import { finalOutputPath, planOutputPaths } from '../../shared/naming.js';
import { resolveSettings, type Preset, type PresetOverride } from '../../shared/presets/index.js';
import { describeNonImage, readImageInfo } from '../../shared/sniff.js';
import type { BatchItem } from '../../shared/state/index.js';
import { convertImage } from '../convert/index.js';
import type { InputFile } from './inputs.js';
import { OutputManifest, sha256 } from './manifest.js';

export interface ConvertAllOptions {
  outDir: string;
  overwrite: boolean;
  concurrency: number;
  maxInputPixels: number;
  /** The option flags over the preset. */
  override?: PresetOverride;
  /** Each file as it settles, with whether it was already there from an earlier run. */
  onItem?: (item: BatchItem, unchanged: boolean) => void;
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

/**
 * Converts `inputs` with `preset` into `outDir`, keeping their tree and the app's naming
 * (shared/naming.ts), `concurrency` at a time with sharp. Skips an input the output folder's
 * manifest says was already made from the same bytes and settings; never replaces a file
 * unless `overwrite`. Returns every file as a batch item, for the report.
 */
export async function convertAll(
  inputs: readonly InputFile[],
  preset: Preset,
  opts: ConvertAllOptions,
): Promise<BatchItem[]> {
  const settings = resolveSettings(preset, opts.override);
  if (settings.ladder) {
    throw new Error(`The preset "${preset.name}" makes a size ladder, which the CLI cannot yet`);
  }
  const settingsKey = sha256(JSON.stringify(settings));
  const extension = outputFormats[settings.output.format].extension;
  const planned = planOutputPaths(
    inputs.map((f, i) => ({ id: String(i), path: f.path, extension })),
  );
  await mkdir(opts.outDir, { recursive: true });
  const manifest = await OutputManifest.open(opts.outDir);
  const items: BatchItem[] = inputs.map((f, i) => ({
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

  const one = async (i: number) => {
    const input = inputs[i];
    const item = items[i];
    const settle = (facts: Partial<BatchItem>, unchanged = false) => {
      Object.assign(item, facts, { progress: 1 });
      opts.onItem?.(item, unchanged);
    };
    const bytes = new Uint8Array(await readFile(input.file));
    const info = readImageInfo(bytes);
    if (!info) return settle({ status: 'skipped', reason: describeNonImage(bytes) });
    item.format = info.format;
    item.attempts = 1;
    const inputHash = sha256(bytes);
    const made = manifest.get(input.path);
    const there = made && (await stat(path.join(opts.outDir, made.output)).catch(() => undefined));
    if (there && made.input === inputHash && made.settings === settingsKey) {
      return settle({ status: 'done', outputPath: made.output, outputSize: there.size }, true);
    }
    const started = performance.now();
    try {
      const result = await convertImage(bytes, settings, { maxInputPixels: opts.maxInputPixels });
      const outputPath = finalOutputPath(planned.get(item.id)!, {
        ...result,
        inputPath: input.path,
      });
      const dest = path.join(opts.outDir, outputPath);
      if (!opts.overwrite && (await exists(dest))) {
        throw new Error(`${dest} is already there; pass --overwrite to replace it`);
      }
      await mkdir(path.dirname(dest), { recursive: true });
      await writeFile(`${dest}.tmp`, result.data);
      await rename(`${dest}.tmp`, dest);
      await manifest.set(input.path, {
        input: inputHash,
        settings: settingsKey,
        output: outputPath,
      });
      settle({
        status: 'done',
        outputPath,
        outputFormat: result.format,
        outputSize: result.data.length,
        width: result.inputWidth,
        height: result.inputHeight,
        outputWidth: result.width,
        outputHeight: result.height,
        durationMs: Math.round(performance.now() - started),
        ...(result.keptOriginal && { keptOriginal: true }),
        ...(result.target && { target: result.target }),
      });
    } catch (e) {
      settle({
        status: 'failed',
        reason: e instanceof Error ? e.message : String(e),
        durationMs: Math.round(performance.now() - started),
      });
    }
  };

  let next = 0;
  const lane = async () => {
    while (next < inputs.length) await one(next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, lane));
  return items;
}
