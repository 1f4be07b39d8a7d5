import { describe, expect, it } from 'vitest';
import {
  itemFiles,
  ladderDefaults,
  ladderPath,
  ladderRungs,
  ladderSizes,
  pictureSnippet,
  ladderManifest,
  placeLadder,
  rungSettings,
  validateLadder,
  type LadderOutput,
} from '../../../shared/ladder/index.js';
import {
  resizeDefaults,
  resolveSettings,
  validatePreset,
  type Preset,
} from '../../../shared/presets/index.js';
import { buildReport } from '../../../shared/report.js';
import type { Batch, BatchItem } from '../../../shared/state/index.js';
import { targetDefaults } from '../../../shared/target/schema.js';

const preset: Preset = {
  id: 'web',
  name: 'Web/sizes',
  builtIn: false,
  output: { format: 'webp', options: { quality: 70, lossless: false, effort: 4 } },
  resize: { ...resizeDefaults },
  metadata: 'strip',
  background: '#ffffff',
  ladder: { ...ladderDefaults, formats: ['avif', 'webp', 'jpeg'], template: '{name}-{width}' },
};

function check(v: unknown) {
  const errors: string[] = [];
  return { value: validateLadder(v, errors), errors };
}

describe('validateLadder', () => {
  it('fills what is missing from the defaults and sorts the widths', () => {
    expect(check({ widths: [1920, 480] })).toEqual({
      value: { ...ladderDefaults, widths: [480, 1920] },
      errors: [],
    });
  });

  it('names every field that is wrong', () => {
    const { value, errors } = check({
      widths: [480, 480],
      formats: ['gif'],
      template: '{name}/{size}-{width}',
      snippet: 'yes',
      depth: 2,
    });
    expect(value).toBeUndefined();
    expect(errors).toEqual([
      'Unknown option ladder.depth',
      'Expected 1 to 8 different widths from 16 to 16384 px for ladder.widths but received an array',
      'Expected 1 to 4 different formats from webp, jpeg, avif, png, jxl for ladder.formats but received an array',
      'The ladder.template names {size}; it may use {name}, {width}, {height}, {format}, {preset}, {hash8}',
      'The ladder.template makes a file name: no / or \\',
      'Expected true or false for ladder.snippet but received "yes"',
    ]);
  });

  it('refuses templates whose names could clash', () => {
    expect(check({ template: '{width}' }).errors).toEqual([
      'The ladder.template needs {name}, or files of different inputs would clash',
    ]);
    expect(check({ template: '{name}' }).errors).toEqual([
      'The ladder.template needs {width}, or the sizes of one input would clash',
    ]);
    // One width needs no {width}: the formats differ by their extension.
    expect(check({ widths: [800], template: '{name}' }).errors).toEqual([]);
  });

  it('is part of a preset, and of the settings every file of the batch converts with', () => {
    const r = validatePreset(preset);
    expect(r.ok && r.value.ladder).toEqual(preset.ladder);
    expect(resolveSettings(preset, { metadata: 'keep' }).ladder).toEqual(preset.ladder);
    expect(validatePreset({ ...preset, ladder: { widths: [] } }).ok).toBe(false);
  });
});

describe('ladderSizes', () => {
  it('fits each width, largest first, never enlarging, each size once', () => {
    expect(ladderSizes(1200, 800, [480, 960, 1920, 4000])).toEqual([
      { width: 1200, height: 800 },
      { width: 960, height: 640 },
      { width: 480, height: 320 },
    ]);
  });

  it('keeps a tall picture to the width asked', () => {
    expect(ladderSizes(1000, 3000, [500])).toEqual([{ width: 500, height: 1500 }]);
  });

  it('makes each size in every format, formats in the order given', () => {
    const rungs = ladderRungs({ ...ladderDefaults, widths: [100, 200] }, 400, 300);
    expect(rungs.map((r) => `${r.width}x${r.height} ${r.format}`)).toEqual([
      '200x150 avif',
      '200x150 webp',
      '100x75 avif',
      '100x75 webp',
    ]);
  });
});

describe('rungSettings', () => {
  it("gives one format: the preset's options for its own, defaults for the others", () => {
    const settings = resolveSettings({
      ...preset,
      alsoTry: ['jxl'],
      target: { ...targetDefaults, mode: 'visual', keepOriginal: true },
    });
    const webp = rungSettings(settings, 'webp');
    expect(webp.output).toEqual(preset.output);
    expect(webp.ladder).toBeUndefined();
    expect(webp.alsoTry).toBeUndefined();
    expect(webp.target).toEqual({ ...targetDefaults, mode: 'visual', keepOriginal: false });
    expect(rungSettings(settings, 'avif').output.format).toBe('avif');
    expect(rungSettings(settings, 'avif').output.options).toMatchObject({ quality: 50 });
  });
});

describe('ladderPath', () => {
  const rung = { format: 'avif' as const, width: 480, height: 320, hash8: '0a1b2c3d' };

  it('fills every placeholder and adds the format’s extension beside the planned output', () => {
    expect(
      ladderPath(
        'trip/IMG 1.webp',
        rung,
        '{name}_{width}x{height}_{format}_{preset}_{hash8}',
        'Web/sizes',
      ),
    ).toBe('trip/IMG 1_480x320_avif_Web_sizes_0a1b2c3d.avif');
  });

  it('keeps the made name safe for every file system', () => {
    expect(ladderPath('a.webp', rung, '{name}:{width}?', 'p')).toBe('a_480_.avif');
    const long = 'x'.repeat(300);
    expect(ladderPath(`${long}.webp`, rung, '{name}-{width}', 'p')).toMatch(/^x{250}\.avif$/);
  });

  it('moves every file when the input’s place changes', () => {
    const outputs = [{ ...rung, size: 10, path: 'old-480.avif' }];
    expect(placeLadder('d/b (2).webp', outputs, preset.ladder!, 'p')[0].path).toBe(
      'd/b (2)-480.avif',
    );
  });
});

const outputs: LadderOutput[] = [
  { format: 'avif', width: 960, height: 640, size: 300, hash8: 'a', path: 'trip/a b-960.avif' },
  { format: 'webp', width: 960, height: 640, size: 400, hash8: 'b', path: 'trip/a b-960.webp' },
  { format: 'jpeg', width: 960, height: 640, size: 600, hash8: 'c', path: 'trip/a b-960.jpg' },
  { format: 'avif', width: 480, height: 320, size: 100, hash8: 'd', path: 'trip/a b-480.avif' },
  { format: 'webp', width: 480, height: 320, size: 150, hash8: 'e', path: 'trip/a b-480.webp' },
  { format: 'jpeg', width: 480, height: 320, size: 200, hash8: 'f', path: 'trip/a b-480.jpg' },
];

describe('ladderManifest and pictureSnippet', () => {
  const manifest = ladderManifest(
    { path: 'trip/a b.png', width: 960, height: 640 },
    outputs,
    'Web',
  );

  it('lists the files per format, most widely supported first, narrowest first', () => {
    expect(manifest.source).toBe('trip/a b.png');
    expect(manifest.files.map((f) => f.file)).toEqual([
      'a b-480.jpg',
      'a b-960.jpg',
      'a b-480.webp',
      'a b-960.webp',
      'a b-480.avif',
      'a b-960.avif',
    ]);
    expect(manifest.files[0]).toEqual({
      file: 'a b-480.jpg',
      format: 'jpeg',
      type: 'image/jpeg',
      width: 480,
      height: 320,
      bytes: 200,
    });
  });

  it('writes a <picture> with the newest format first and an <img> fallback', () => {
    expect(pictureSnippet(manifest)).toBe(
      '<picture>\n' +
        '  <source type="image/avif" srcset="a%20b-480.avif 480w, a%20b-960.avif 960w" sizes="100vw">\n' +
        '  <source type="image/webp" srcset="a%20b-480.webp 480w, a%20b-960.webp 960w" sizes="100vw">\n' +
        '  <img src="a%20b-960.jpg" srcset="a%20b-480.jpg 480w, a%20b-960.jpg 960w" sizes="100vw" width="960" height="640" alt="" loading="lazy" decoding="async">\n' +
        '</picture>\n',
    );
  });
});

describe('itemFiles and the report', () => {
  const item: BatchItem = {
    id: 'i1',
    batchId: 'b1',
    path: 'trip/a b.png',
    size: 5000,
    format: 'png',
    status: 'done',
    progress: 1,
    attempts: 1,
    order: 0,
    width: 960,
    height: 640,
    outputPath: 'trip/a b.avif',
    outputFormat: 'avif',
    outputSize: 300,
    ladder: outputs,
  };

  it("lists a ladder's files by index, then its manifest and snippet", () => {
    const files = itemFiles(item, preset);
    expect(files.map((f) => f.path)).toEqual([
      ...outputs.map((o) => o.path),
      'trip/a b.json',
      'trip/a b.html',
    ]);
    expect(files[5]).toEqual({ path: 'trip/a b-480.jpg', index: 5 });
    const json = files[6] as { text: string };
    expect(JSON.parse(json.text).files).toHaveLength(6);
    const noSnippet = { ...preset, ladder: { ...preset.ladder!, snippet: false } };
    expect(itemFiles(item, noSnippet).map((f) => f.path)).not.toContain('trip/a b.html');
    expect(itemFiles({ ...item, ladder: undefined }, preset)).toEqual([
      { path: 'trip/a b.avif', index: 0 },
    ]);
    expect(itemFiles({ ...item, status: 'failed' }, preset)).toEqual([]);
  });

  it('counts every file of a ladder and all their bytes', () => {
    const batch: Batch = {
      id: 'b1',
      name: 'b',
      createdAt: 0,
      status: 'done',
      preset,
      elapsedMs: 1000,
    };
    const report = buildReport(batch, [item], 0);
    expect(report.rows[0]).toMatchObject({
      files: 6,
      outputBytes: 1750,
      outputPath: 'trip/a b-960.avif',
    });
    expect(report.totals.outputBytes).toBe(1750);
  });
});
