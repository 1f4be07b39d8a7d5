import { describe, expect, it } from 'vitest';
import { outputFormats } from '../../../shared/formats/index.js';
import {
  builtInPresets,
  resizeDefaults,
  resolveSettings,
  validateOutput,
  validateOverride,
  validatePreset,
  type Preset,
} from '../../../shared/presets/index.js';
import { targetDefaults } from '../../../shared/target/schema.js';

const preset: Preset = {
  id: 'p1',
  name: 'My preset',
  builtIn: false,
  output: { format: 'webp', options: { quality: 80, lossless: false, effort: 4 } },
  resize: { ...resizeDefaults, maxWidth: 2048, maxHeight: 2048 },
  metadata: 'strip',
  background: '#ffffff',
};

const errorsOf = (r: { ok: boolean; errors?: string[] }) => (r.ok ? [] : r.errors);

describe('validateOutput', () => {
  it('names the option, the range and the value received', () => {
    expect(errorsOf(validateOutput({ format: 'webp', options: { quality: 120 } }))).toEqual([
      'Expected integer between 0 and 100 for output.options.quality but received 120',
    ]);
    expect(errorsOf(validateOutput({ format: 'png', options: { effort: 9 } }))).toEqual([
      'Expected integer between 0 and 6 for output.options.effort but received 9',
    ]);
  });

  it('refuses fractions and numeric strings for integer options', () => {
    expect(errorsOf(validateOutput({ format: 'jpeg', options: { quality: 75.5 } }))).toEqual([
      'Expected integer between 0 and 100 for output.options.quality but received 75.5',
    ]);
    expect(errorsOf(validateOutput({ format: 'jpeg', options: { quality: '80' } }))).toEqual([
      'Expected integer between 0 and 100 for output.options.quality but received "80"',
    ]);
  });

  it('refuses a format it cannot write, listing the ones it can', () => {
    expect(errorsOf(validateOutput({ format: 'gif', options: {} }))).toEqual([
      'Expected one of webp, jpeg, avif, png, jxl for output.format but received "gif"',
    ]);
  });

  it('refuses options the format does not have and bad choices', () => {
    expect(errorsOf(validateOutput({ format: 'webp', options: { speed: 3 } }))).toEqual([
      'Unknown option output.options.speed',
    ]);
    expect(
      errorsOf(validateOutput({ format: 'avif', options: { chromaSubsampling: '4:2:2' } })),
    ).toEqual([
      'Expected one of 4:2:0, 4:4:4 for output.options.chromaSubsampling but received "4:2:2"',
    ]);
  });

  it('fills unset options from the format defaults', () => {
    expect(validateOutput({ format: 'avif' })).toEqual({
      ok: true,
      value: { format: 'avif', options: outputFormats.avif.defaults },
    });
    expect(validateOutput({ format: 'jpeg', options: { quality: 90 } })).toEqual({
      ok: true,
      value: { format: 'jpeg', options: { ...outputFormats.jpeg.defaults, quality: 90 } },
    });
  });
});

describe('validatePreset', () => {
  it('accepts every built-in preset unchanged', () => {
    expect(builtInPresets.length).toBeGreaterThan(0);
    for (const p of builtInPresets) expect(validatePreset(p), p.id).toEqual({ ok: true, value: p });
  });

  it('reports every problem at once, each naming its option', () => {
    const r = validatePreset({
      ...preset,
      resize: { ...preset.resize, maxWidth: -1, fit: 'fill' },
      background: 'red',
      metadata: 'all',
    });
    expect(errorsOf(r)).toEqual([
      'Expected integer between 0 and 65535 for resize.maxWidth but received -1',
      'Expected one of contain, cover, exact for resize.fit but received "fill"',
      'Expected one of strip, keep, keep-no-gps for metadata but received "all"',
      'Expected a colour like #ffffff for background but received "red"',
    ]);
  });

  it('accepts a six-digit hex background and stores it in lower case', () => {
    const r = validatePreset({ ...preset, background: '#FFAA00' });
    expect(r.ok && r.value.background).toBe('#ffaa00');
    expect(errorsOf(validatePreset({ ...preset, background: '#fff' }))).toEqual([
      'Expected a colour like #ffffff for background but received "#fff"',
    ]);
  });

  it('refuses a missing id, an empty name and a value that is not a preset', () => {
    expect(errorsOf(validatePreset({ ...preset, id: '', name: '  ' }))).toEqual([
      'Expected a non-empty string for id but received ""',
      'Expected a name of 1 to 80 characters but received "  "',
    ]);
    expect(errorsOf(validatePreset([]))).toEqual([
      'Expected a preset object but received an array',
    ]);
  });
});

describe('overrides', () => {
  it('keeps only the resize fields the override names', () => {
    expect(validateOverride({ resize: { maxWidth: 800 } })).toEqual({
      ok: true,
      value: { resize: { maxWidth: 800 } },
    });
  });

  it('reports a resize override that is not an object instead of throwing', () => {
    expect(errorsOf(validateOverride({ resize: 5 }))).toEqual([
      'Expected an object for resize but received 5',
    ]);
    expect(errorsOf(validateOverride({ resize: 'big' }))).toEqual([
      'Expected an object for resize but received "big"',
    ]);
  });

  it('refuses unknown override keys', () => {
    expect(errorsOf(validateOverride({ quality: 80 }))).toEqual([
      'Unknown option quality in override',
    ]);
  });

  it('lays an override over the batch preset', () => {
    const settings = resolveSettings(preset, {
      resize: { maxWidth: 800 },
      output: { format: 'jpeg', options: { ...outputFormats.jpeg.defaults, quality: 60 } },
      metadata: 'keep',
    });
    expect(settings).toEqual({
      output: { format: 'jpeg', options: { ...outputFormats.jpeg.defaults, quality: 60 } },
      resize: { ...preset.resize, maxWidth: 800, maxHeight: 2048 },
      metadata: 'keep',
      background: '#ffffff',
    });
  });

  it('uses the preset as it is when there is no override', () => {
    const { id: _id, name: _name, builtIn: _builtIn, ...settings } = preset;
    expect(resolveSettings(preset)).toEqual(settings);
    expect(resolveSettings(preset, {})).toEqual(settings);
  });

  it('does not let an undefined resize field erase the preset value', () => {
    expect(resolveSettings(preset, { resize: { maxWidth: undefined } }).resize.maxWidth).toBe(2048);
    expect(validateOverride({ resize: { maxWidth: undefined, maxHeight: 600 } })).toEqual({
      ok: true,
      value: { resize: { maxHeight: 600 } },
    });
  });
});

describe('targets', () => {
  it('keeps a preset without a target as it is: the quality option decides', () => {
    const r = validatePreset(preset);
    expect(r.ok && 'target' in r.value).toBe(false);
    expect('target' in resolveSettings(preset)).toBe(false);
  });

  it('fills a partial target from the defaults and checks every field', () => {
    const r = validatePreset({ ...preset, target: { mode: 'size', maxKB: 150 } });
    expect(r.ok && r.value.target).toEqual({ ...targetDefaults, mode: 'size', maxKB: 150 });
    expect(
      errorsOf(validatePreset({ ...preset, target: { mode: 'bytes', maxKB: 0, level: 'ok' } })),
    ).toEqual([
      'Expected one of quality, size, visual for target.mode but received "bytes"',
      'Expected integer between 1 and 100000 for target.maxKB but received 0',
      'Expected one of lossless, high, web for target.level but received "ok"',
    ]);
  });

  it('lets one file have a target of its own', () => {
    const own = { ...targetDefaults, mode: 'visual' as const, level: 'lossless' as const };
    const o = validateOverride({ target: own });
    expect(o).toEqual({ ok: true, value: { target: own } });
    const batch = { ...preset, target: { ...targetDefaults, mode: 'size' as const } };
    expect(resolveSettings(batch, { target: own }).target).toEqual(own);
    expect(resolveSettings(batch, {}).target).toEqual(batch.target);
  });
});
