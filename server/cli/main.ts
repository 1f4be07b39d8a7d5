import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { outputFormats } from '../../shared/formats/index.js';
import {
  builtInPresets,
  namedFlags,
  splitSetting,
  type CommandSetting,
} from '../../shared/presets/index.js';
import { configureSharp } from '../convert/sharp-setup.js';
import { holdWasmPool } from '../convert/wasm-threads.js';
import { version } from '../version.js';
import { convertCommand, type ConvertFlags } from './convert-command.js';

// `pixpool`: the app's presets, naming and report on the command line, converting with sharp
// here or on a sync server. Run through start.cjs, which sizes libuv's pool first.

const whole = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} is a whole number`);
  return n;
};

const collect = (v: string, all: CommandSetting[] = []) => {
  const setting = splitSetting(v);
  if (!setting) throw new InvalidArgumentError('give it as path=value, e.g. resize.fit=cover');
  return [...all, setting];
};

// Each named flag is a setting at its path; commander keeps it under its attribute name.
const named = namedFlags.map((f) => ({
  option: new Option(`${'short' in f ? `${f.short}, ` : ''}${f.flag} <value>`, f.help),
  path: f.path,
}));

const program = new Command('pixpool')
  .version(version)
  .description('Batch image conversion with Pixpool presets');

const convert = program
  .command('convert')
  .description('convert files and folders, keeping the folder tree')
  .argument('<inputs...>', 'files and folders')
  .requiredOption('-o, --out <dir>', 'output folder')
  .option('-p, --preset <id|file.json>', 'a built-in preset or a preset file', 'web-webp-2048')
  .option('-f, --format <format>', `output format (${Object.keys(outputFormats).join(', ')})`);
for (const { option } of named) convert.addOption(option);
convert
  .option('--set <path=value>', 'any other setting of the preset file (repeatable)', collect)
  .option('--overwrite', 'replace files already in the output folder')
  .option(
    '-j, --concurrency <n>',
    'images at once',
    whole('concurrency'),
    Number(process.env.CONCURRENCY) || availableParallelism(),
  )
  .option('--server <url>', 'convert on this sync server instead')
  .option('--api-key <key>', "the server's API key (PIXPOOL_API_KEY)", process.env.PIXPOOL_API_KEY)
  .option('--watch', 'keep converting files added or changed in the inputs')
  .action(async (args: string[], opts: Record<string, unknown>) => {
    const flags = {
      ...opts,
      settings: [
        ...named.flatMap(({ option, path }) => {
          const v = opts[option.attributeName()];
          return v === undefined ? [] : [[path, String(v)] as const];
        }),
        ...((opts.set as CommandSetting[] | undefined) ?? []),
      ],
    } as ConvertFlags;
    configureSharp();
    const wasm = holdWasmPool({ size: flags.concurrency, timeoutMs: 10 * 60_000 });
    try {
      process.exitCode = await convertCommand(args, flags);
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
