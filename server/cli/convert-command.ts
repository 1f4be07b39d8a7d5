import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { watch } from 'chokidar';
import { Presets, SingleBar } from 'cli-progress';
import {
  builtInPresets,
  presetFromCommand,
  resolveSettings,
  validatePreset,
  type CommandSetting,
  type Preset,
} from '../../shared/presets/index.js';
import { buildReport, reportToCsv, reportToJson } from '../../shared/report.js';
import type { BatchItem } from '../../shared/state/index.js';
import { CliBatch } from './cli-batch.js';
import { convertAll } from './convert-all.js';
import { collectInputs } from './inputs.js';
import { OutputFolder } from './output-folder.js';
import { convertOnServer } from './remote.js';

export interface ConvertFlags {
  out: string;
  preset: string;
  format?: string;
  /** The named setting flags and `--set`s, as paths into the preset. */
  settings: CommandSetting[];
  overwrite?: boolean;
  concurrency: number;
  server?: string;
  apiKey?: string;
  watch?: boolean;
}

/** A built-in preset's id, or a preset file (JSON, as the app's API takes it), checked. */
async function loadPreset(idOrFile: string): Promise<Preset> {
  const builtIn = builtInPresets.find((p) => p.id === idOrFile);
  if (builtIn) return builtIn;
  if (!idOrFile.endsWith('.json')) {
    const ids = builtInPresets.map((p) => p.id).join(', ');
    throw new Error(`No preset ${idOrFile}: use one of ${ids}, or a preset file (.json)`);
  }
  const checked = validatePreset(JSON.parse(await readFile(idOrFile, 'utf8')));
  if (!checked.ok) throw new Error(`${idOrFile}: ${checked.errors.join('; ')}`);
  return checked.value;
}

/** The preset the flags mean, checked by the app's schema (so with the app's messages). */
export async function presetOf(f: ConvertFlags): Promise<Preset> {
  const made = presetFromCommand(await loadPreset(f.preset), f.format, f.settings);
  if (!made.ok) throw new Error(made.errors.join('; '));
  return made.value;
}

const inside = (p: string, dir: string) => p === dir || p.startsWith(dir + path.sep);

/** A file's line when there is no bar: what it became (a ladder's files), or why not. */
function line(item: BatchItem, unchanged: boolean): string {
  if (item.status !== 'done') {
    return `${item.status === 'failed' ? 'fail' : 'skip'}  ${item.path}: ${item.reason}`;
  }
  const made = item.ladder?.map((o) => o.path).join(', ') ?? item.outputPath;
  return `${unchanged ? 'kept' : 'done'}  ${item.path} → ${made}`;
}

/**
 * One pass over the inputs: converts what the output folder lacks (here or on the server),
 * shows progress (a bar on a terminal, a line per file otherwise; `quiet` leaves out the
 * files kept), writes the report, and says how it went. Returns the exit code.
 */
async function runOnce(args: string[], preset: Preset, f: ConvertFlags, quiet = false) {
  const outDir = path.resolve(f.out);
  const inputs = await collectInputs(args, outDir);
  if (inputs.length === 0) throw new Error('No files to convert');
  const folder = await OutputFolder.open(outDir, resolveSettings(preset), f.overwrite ?? false);
  const bar = process.stderr.isTTY
    ? new SingleBar(
        { format: ' {bar} {value}/{total} files · ETA {eta_formatted} · {file}' },
        Presets.shades_classic,
      )
    : undefined;
  bar?.start(inputs.length, 0, { file: '' });
  let unchangedCount = 0;
  const batch = new CliBatch(inputs, preset, folder, (item, unchanged) => {
    if (unchanged) unchangedCount++;
    if (bar) bar.increment({ file: item.path });
    else if (!(quiet && unchanged)) console.log(line(item, unchanged));
  });
  const started = Date.now();
  if (f.server) await convertOnServer(batch, { url: f.server, apiKey: f.apiKey });
  else await convertAll(batch, f.concurrency);
  bar?.stop();
  const finished = Date.now();
  const { items } = batch;
  const report = buildReport(
    {
      id: 'cli',
      name: preset.name,
      createdAt: started,
      status: 'done',
      preset,
      elapsedMs: finished - started,
      startedAt: started,
      finishedAt: finished,
    },
    items,
    finished,
  );
  await writeFile(path.join(outDir, 'pixpool-report.csv'), reportToCsv(report));
  await writeFile(path.join(outDir, 'pixpool-report.json'), reportToJson(report));
  const count = (s: BatchItem['status']) => items.filter((i) => i.status === s).length;
  const failed = items.filter((i) => i.status === 'failed');
  console.log(
    `${count('done') - unchangedCount} converted, ${unchangedCount} already there, ` +
      `${count('skipped')} skipped, ${failed.length} failed → ${outDir}`,
  );
  for (const item of failed) console.error(`failed: ${item.path}: ${item.reason}`);
  return failed.length > 0 ? 1 : 0;
}

/** `pixpool convert`: one pass, or with `--watch` a pass whenever an input is added or changed. */
export async function convertCommand(args: string[], f: ConvertFlags): Promise<number> {
  const preset = await presetOf(f);
  if (!f.watch) return runOnce(args, preset, f);

  const outDir = path.resolve(f.out);
  const watcher = watch(args, {
    ignoreInitial: true,
    // A file still being copied in waits until its size holds still.
    awaitWriteFinish: { stabilityThreshold: 300, pollInterval: 100 },
    ignored: (p) => path.basename(p).startsWith('.') || inside(path.resolve(p), outDir),
  });
  // Watching from before the first pass: what arrives while it runs makes the next one.
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  const warn = (e: unknown) => console.error(`pixpool: ${e instanceof Error ? e.message : e}`);
  let running: Promise<unknown> = runOnce(args, preset, f).catch(warn);
  let timer: NodeJS.Timeout | undefined;
  // Changes in a burst (a folder copied in) make one pass; passes never overlap.
  const again = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      running = running.then(() => runOnce(args, preset, f, true)).catch(warn);
    }, 200);
  };
  watcher.on('add', again).on('change', again).on('error', warn);
  await running;
  console.log(`Watching ${args.join(', ')} for new and changed files (Ctrl-C stops)`);
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  clearTimeout(timer);
  await watcher.close();
  await running;
  return 0;
}
