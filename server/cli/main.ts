import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { outputFormats, type OutputFormatId } from '../../shared/formats/index.js';
import { limits } from '../../shared/limits.js';
import {
  builtInPresets,
  validateOverride,
  validatePreset,
  type Preset,
  type PresetOverride,
} from '../../shared/presets/index.js';
import { buildReport, reportToCsv, reportToJson } from '../../shared/report.js';
import type { BatchItem } from '../../shared/state/index.js';
import { configureSharp } from '../convert/sharp-setup.js';
import { holdWasmPool } from '../convert/wasm-threads.js';
import { version } from '../version.js';
import { convertAll } from './convert-all.js';
import { collectInputs } from './inputs.js';

// `pixpool`: the app's presets, naming and report on the command line, converting with sharp.
// Run through start.cjs, which sizes libuv's pool for CONCURRENCY images first.

const whole = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} is a whole number`);
  return n;
};

/** A built-in preset's id, or a preset file (JSON, as the app exports it), checked. */
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

interface Flags {
  out: string;
  preset: string;
  format?: string;
  quality?: number;
  maxWidth?: number;
  maxHeight?: number;
  overwrite?: boolean;
  concurrency: number;
}

/** The option flags as a preset override, validated by the app's own schema. */
function overrideOf(preset: Preset, f: Flags): PresetOverride | undefined {
  const raw: Record<string, unknown> = {};
  if (f.format !== undefined || f.quality !== undefined) {
    const format = (f.format ?? preset.output.format) as OutputFormatId;
    const options =
      format === preset.output.format ? preset.output.options : outputFormats[format]?.defaults;
    raw.output = {
      format,
      options: { ...options, ...(f.quality !== undefined && { quality: f.quality }) },
    };
  }
  if (f.maxWidth !== undefined || f.maxHeight !== undefined) {
    raw.resize = {
      ...(f.maxWidth !== undefined && { maxWidth: f.maxWidth }),
      ...(f.maxHeight !== undefined && { maxHeight: f.maxHeight }),
    };
  }
  if (Object.keys(raw).length === 0) return undefined;
  const checked = validateOverride(raw);
  if (!checked.ok) throw new Error(checked.errors.join('; '));
  return checked.value;
}

async function convert(args: string[], f: Flags): Promise<number> {
  const preset = await loadPreset(f.preset);
  const override = overrideOf(preset, f);
  const inputs = await collectInputs(args);
  if (inputs.length === 0) throw new Error('No files to convert');
  const outDir = path.resolve(f.out);
  const tty = process.stderr.isTTY;
  const bar = tty
    ? new SingleBar({ format: ' {bar} {value}/{total} files · ETA {eta_formatted} · {file}' })
    : undefined;
  bar?.start(inputs.length, 0, { file: '' });
  const started = Date.now();
  let unchangedCount = 0;
  const items = await convertAll(inputs, preset, {
    outDir,
    overwrite: f.overwrite ?? false,
    concurrency: f.concurrency,
    maxInputPixels: limits.maxInputPixels,
    override,
    onItem(item, unchanged) {
      if (unchanged) unchangedCount++;
      if (bar) bar.increment({ file: item.path });
      else console.log(line(item, unchanged));
    },
  });
  bar?.stop();
  const finished = Date.now();
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

const line = (item: BatchItem, unchanged: boolean) =>
  item.status === 'done'
    ? `${unchanged ? 'kept' : 'done'}  ${item.path} → ${item.outputPath}`
    : `${item.status === 'failed' ? 'fail' : 'skip'}  ${item.path}: ${item.reason}`;

const program = new Command('pixpool')
  .version(version)
  .description('Batch image conversion with Pixpool presets');
program
  .command('convert')
  .description('convert files and folders, keeping the folder tree')
  .argument('<inputs...>', 'files and folders')
  .requiredOption('-o, --out <dir>', 'output folder')
  .option('-p, --preset <id|file.json>', 'a built-in preset or a preset file', 'web-webp-2048')
  .option('-f, --format <format>', `output format (${Object.keys(outputFormats).join(', ')})`)
  .option('-q, --quality <n>', 'quality, 0–100', whole('quality'))
  .option('--max-width <px>', 'fit within this width', whole('max-width'))
  .option('--max-height <px>', 'fit within this height', whole('max-height'))
  .option('--overwrite', 'replace files already in the output folder')
  .option(
    '-j, --concurrency <n>',
    'images at once',
    whole('concurrency'),
    Number(process.env.CONCURRENCY) || availableParallelism(),
  )
  .action(async (args: string[], flags: Flags) => {
    configureSharp();
    const wasm = holdWasmPool({ size: flags.concurrency, timeoutMs: 10 * 60_000 });
    try {
      process.exitCode = await convert(args, flags);
    } finally {
      await wasm.release();
    }
  });
program
  .command('serve')
  .description('run the sync server (configured by its environment: docs/API.md)')
  .option('--port <n>', 'port (PORT)', whole('port'))
  .option('--host <address>', 'address to listen on (HOST)')
  .action(async (flags: { port?: number; host?: string }) => {
    if (flags.port !== undefined) process.env.PORT = String(flags.port);
    if (flags.host !== undefined) process.env.HOST = flags.host;
    await import('../index.js');
  });
program
  .command('worker')
  .description('run a conversion worker for a distributed server (docs/DEPLOY.md)')
  .action(async () => {
    await import('../worker/main.js');
  });
program
  .command('presets')
  .description('list the built-in presets')
  .action(() => {
    for (const p of builtInPresets) console.log(`${p.id.padEnd(22)} ${p.name}`);
  });

program.parseAsync().catch((e: unknown) => {
  console.error(`pixpool: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 2;
});
