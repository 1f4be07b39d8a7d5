import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../app/store/index.js';
import { builtInPresets, type Preset } from '../../../shared/presets/index.js';
import { freshStore } from './helpers.js';

let store: Store;
beforeEach(async () => {
  store = await freshStore();
});
afterEach(() => store.close());

const mine: Preset = { ...builtInPresets[1], id: 'user-1', name: 'My email JPEG', builtIn: false };

describe('settings', () => {
  it('returns the fallback until a value is stored, then the value', async () => {
    expect(await store.getSetting('concurrency', 2)).toBe(2);
    await store.putSetting('concurrency', 4);
    await store.putSetting('recent', { presetIds: ['a', 'b'] });
    expect(await store.getSetting('concurrency', 2)).toBe(4);
    expect(await store.getSetting('recent', {})).toEqual({ presetIds: ['a', 'b'] });
  });

  it('keeps a stored false or 0 rather than the fallback', async () => {
    await store.putSetting('persist', false);
    expect(await store.getSetting('persist', true)).toBe(false);
  });
});

describe('user presets', () => {
  it('saves, lists by name and deletes user presets', async () => {
    await store.putUserPreset(mine);
    await store.putUserPreset({ ...mine, id: 'user-2', name: 'A first one' });
    expect((await store.listUserPresets()).map((p) => p.id)).toEqual(['user-2', 'user-1']);
    expect((await store.listUserPresets())[1]).toEqual(mine);

    await store.deleteUserPreset('user-2');
    expect((await store.listUserPresets()).map((p) => p.id)).toEqual(['user-1']);
  });

  it('rejects an invalid preset with every validation message', async () => {
    const bad = {
      ...mine,
      name: '',
      output: { format: 'webp', options: { quality: 140 } },
      background: 'white',
    } as unknown as Preset;

    const error = (await store.putUserPreset(bad).catch((e: unknown) => e)) as Error;

    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/^Cannot save preset: /);
    expect(error.message).toContain('Expected a name of 1 to 80 characters but received');
    expect(error.message).toContain('quality');
    expect(error.message).toContain('140');
    expect(error.message).toContain('Expected a colour like #ffffff for background');
    expect(await store.listUserPresets()).toEqual([]);
  });

  it('will not overwrite a built-in preset, and stores user presets as not built in', async () => {
    await expect(store.putUserPreset({ ...builtInPresets[0] })).rejects.toThrow(
      'belongs to a built-in preset',
    );
    await store.putUserPreset({ ...mine, builtIn: true });
    expect((await store.listUserPresets())[0].builtIn).toBe(false);
  });
});
