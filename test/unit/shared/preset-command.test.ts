import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { outputFormats } from '../../../shared/formats/index.js';
import { edited } from './edited-presets.js';
import {
  builtInPresets,
  commandFor,
  presetCommand,
  presetFromCommand,
  shellWord,
  type Preset,
} from '../../../shared/presets/index.js';

// "Copy as command" and the CLI's reading of it: the line for a preset gives the preset back.

const [web] = builtInPresets;

const settingsOf = ({ id: _i, name: _n, builtIn: _b, ...settings }: Preset) => settings;

/** The words `sh` makes of a line, as a program's argv receives them. */
const shellSplit = (line: string): string[] =>
  execFileSync('sh', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' })
    .split('\0')
    .slice(0, -1);

describe('presetCommand', () => {
  it('names a built-in by its id alone', () => {
    for (const p of builtInPresets) {
      expect(presetCommand(p)).toBe(`pixpool convert photos -o converted -p ${p.id}`);
    }
  });

  it('gives back every edited preset through the command line', () => {
    for (const preset of edited) {
      const line = commandFor(preset);
      const back = presetFromCommand(line.base, line.format, line.settings);
      expect(back.ok && settingsOf(back.value), preset.name).toEqual(settingsOf(preset));
    }
  });

  it('starts from the nearest built-in and uses the named flags', () => {
    expect(presetCommand(edited[0])).toBe(
      'pixpool convert photos -o converted -p web-webp-2048 -q 60 --set output.options.effort=6',
    );
    expect(presetCommand(edited[2])).toMatch(/-p \S+ -f jxl --set output.options.lossless=true$/);
    expect(presetCommand(edited[1])).toContain("--background '#1a2b3c'");
  });

  it('quotes what sh would read otherwise', () => {
    const words = ["'#fff'", 'a b', "it's", '{name}-{width}', 'plain-word_1.0'];
    expect(shellSplit(words.map(shellWord).join(' '))).toEqual(words);
    const line = presetCommand(edited[4]);
    expect(shellSplit(line)).toContain('--set');
    expect(shellSplit(line)).toContain('ladder.template={name} w{width}');
  });
});

describe('presetFromCommand', () => {
  it('switches format with that format’s defaults, then applies the settings', () => {
    const r = presetFromCommand(web, 'jpeg', [['output.options.quality', '55']]);
    expect(r.ok && r.value.output).toEqual({
      format: 'jpeg',
      options: { ...outputFormats.jpeg.defaults, quality: 55 },
    });
    expect(r.ok && r.value.name).toBe(`${web.name}, changed`);
  });

  it('keeps the preset’s own options when the format is the same', () => {
    const r = presetFromCommand(web, 'webp', []);
    expect(r.ok && r.value.output).toEqual(web.output);
  });

  it('names every bad setting with the app’s messages', () => {
    const r = presetFromCommand(web, 'gif', [
      ['resize.fit', 'wide'],
      ['colour', 'red'],
      ['__proto__.x', '1'],
      ['output.options.quality', 'high'],
    ]);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual([
      'Expected one of webp, jpeg, avif, png, jxl for output.format but received "gif"',
      'Unknown option colour',
      'Unknown option __proto__.x',
      'Expected integer between 0 and 100 for output.options.quality but received "high"',
      'Expected one of contain, cover, exact for resize.fit but received "wide"',
    ]);
  });
});
