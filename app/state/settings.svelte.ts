import {
  builtInPresets,
  defaultPresetId,
  validatePreset,
  type Preset,
} from '../../shared/presets/index.js';
import type { Store } from '../store/index.js';

export const maxWorkers = Math.max(1, navigator.hardwareConcurrency || 2);

/** Preferences and presets, persisted in IndexedDB's settings and presets stores. */
export class Settings {
  userPresets = $state.raw<Preset[]>([]);
  /** What the next batch runs with: a stored preset, or an edited copy of one. */
  current = $state.raw<Preset>(builtInPresets[0]);
  concurrency = $state(maxWorkers);
  historyDays = $state(7);
  /** Seconds one file may take before it fails; 0 = automatic, by image size. */
  timeoutSeconds = $state(0);
  /** Whether to use a sync server at all. */
  serverEnabled = $state(true);
  /** The sync server's URL; '' = the server this page was loaded from, if it is one. */
  serverUrl = $state('');
  serverApiKey = $state('');
  /** Suggest converting on the server from this many files… */
  offerServerFiles = $state(200);
  /** …or this many megabytes of input. */
  offerServerMB = $state(1000);

  presets = $derived<Preset[]>([...builtInPresets, ...this.userPresets]);
  /** True when `current` differs from the preset it was chosen from. */
  edited = $derived(!this.presets.some((p) => p.id === this.current.id));

  #store: Store | null = null;

  async load(store: Store): Promise<void> {
    this.#store = store;
    this.userPresets = await store.listUserPresets();
    this.concurrency = clampWorkers(await store.getSetting('concurrency', maxWorkers));
    this.historyDays = await store.getSetting('historyDays', 7);
    this.timeoutSeconds = await store.getSetting('timeoutSeconds', 0);
    const server = await store.getSetting('server', {
      enabled: true,
      url: '',
      apiKey: '',
      offerFiles: 200,
      offerMB: 1000,
    });
    this.serverEnabled = server.enabled;
    this.serverUrl = server.url;
    this.serverApiKey = server.apiKey;
    this.offerServerFiles = server.offerFiles;
    this.offerServerMB = server.offerMB;
    const saved = await store.getSetting<unknown>('currentPreset', null);
    const valid = saved ? validatePreset(saved) : null;
    this.current = valid?.ok ? valid.value : this.#find(defaultPresetId)!;
  }

  choose(id: string): void {
    const p = this.#find(id);
    if (p) this.#setCurrent(p);
  }

  /** Applies an edit; the result is a custom preset until saved under a name. */
  edit(change: Partial<Omit<Preset, 'id' | 'name' | 'builtIn'>>): void {
    const base = this.current;
    const id = base.id.startsWith('custom:') ? base.id : `custom:${base.id}`;
    const name = base.name.startsWith('Custom') ? base.name : `Custom (from ${base.name})`;
    this.#setCurrent({ ...base, ...change, id, name, builtIn: false });
  }

  /** Saves the current settings as a user preset; returns validation messages, if any. */
  async saveAs(name: string): Promise<string[]> {
    const candidate = { ...this.current, id: crypto.randomUUID(), name, builtIn: false };
    const r = validatePreset(candidate);
    if (!r.ok) return r.errors;
    await this.#store?.putUserPreset(r.value);
    this.userPresets = [...this.userPresets, r.value];
    this.#setCurrent(r.value);
    return [];
  }

  async deleteUserPreset(id: string): Promise<void> {
    await this.#store?.deleteUserPreset(id);
    this.userPresets = this.userPresets.filter((p) => p.id !== id);
    if (this.current.id === id) this.choose(defaultPresetId);
  }

  async setConcurrency(n: number): Promise<void> {
    this.concurrency = clampWorkers(n);
    await this.#store?.putSetting('concurrency', this.concurrency);
  }

  async setHistoryDays(days: number): Promise<void> {
    this.historyDays = Math.max(1, Math.min(365, Math.round(days) || 7));
    await this.#store?.putSetting('historyDays', this.historyDays);
  }

  async setTimeoutSeconds(s: number): Promise<void> {
    this.timeoutSeconds = Math.max(0, Math.min(3600, Math.round(s) || 0));
    await this.#store?.putSetting('timeoutSeconds', this.timeoutSeconds);
  }

  async saveServer(): Promise<void> {
    await this.#store?.putSetting('server', {
      enabled: this.serverEnabled,
      url: this.serverUrl.trim(),
      apiKey: this.serverApiKey,
      offerFiles: Math.max(1, Math.round(this.offerServerFiles) || 200),
      offerMB: Math.max(1, Math.round(this.offerServerMB) || 1000),
    });
  }

  #find(id: string): Preset | undefined {
    return this.presets.find((p) => p.id === id);
  }

  #setCurrent(p: Preset): void {
    this.current = p;
    void this.#store?.putSetting('currentPreset', p);
  }
}

function clampWorkers(n: number): number {
  return Math.max(1, Math.min(maxWorkers, Math.round(n) || maxWorkers));
}
