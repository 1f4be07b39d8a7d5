import { builtInPresets, validatePreset, type Preset } from '../../shared/presets/index.js';
import type { PixpoolDb } from './db.js';
import { inTransaction } from './errors.js';

/**
 * The user's own presets, sorted by name. Each is validated on the way out, which fills options
 * a newer version added with their defaults; one that no longer validates is left out rather
 * than breaking the whole list.
 */
export async function listUserPresets(db: PixpoolDb): Promise<Preset[]> {
  const stored = await db.getAll('presets');
  return stored
    .map((p) => validatePreset(p))
    .flatMap((r) => (r.ok ? [{ ...r.value, builtIn: false }] : []))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Validates and saves a user preset; throws an Error listing every problem found. */
export async function putUserPreset(db: PixpoolDb, preset: Preset): Promise<void> {
  const result = validatePreset(preset);
  const errors = result.ok ? [] : [...result.errors];
  if (builtInPresets.some((b) => b.id === preset.id)) {
    errors.push(`The id ${preset.id} belongs to a built-in preset; save a copy under a new id`);
  }
  if (!result.ok || errors.length) {
    throw new Error(`Cannot save preset: ${errors.join('; ')}`);
  }
  const value: Preset = { ...result.value, builtIn: false };
  const tx = db.transaction('presets', 'readwrite');
  await inTransaction(tx, `saving preset ${value.name}`, () => tx.store.put(value));
}

export async function deleteUserPreset(db: PixpoolDb, id: string): Promise<void> {
  const tx = db.transaction('presets', 'readwrite');
  await inTransaction(tx, 'deleting a preset', () => tx.store.delete(id));
}
