import { formats } from '../formats/index.js';
import { replaceExtension, safeArchivePath } from '../naming.js';
import type { LadderOptions, LadderOutput } from './schema.js';

/** What a ladder file's name is made of. */
export type RungFacts = Pick<LadderOutput, 'format' | 'width' | 'height' | 'hash8'>;

/**
 * Where one file of a ladder goes: next to the input's planned output (`planned`, which
 * planOutputPaths made unique), named by the template, with its format's extension.
 *
 * @example
 * ladderPath('trip/IMG_1.avif', { format: 'webp', width: 480, height: 320, hash8: '0a1b2c3d' },
 *   '{name}-{width}', 'Web'); // → 'trip/IMG_1-480.webp'
 */
export function ladderPath(
  planned: string,
  rung: RungFacts,
  template: string,
  presetName: string,
): string {
  const slash = planned.lastIndexOf('/');
  const dir = planned.slice(0, slash + 1);
  const values: Record<string, string> = {
    name: replaceExtension(planned.slice(slash + 1), ''),
    width: String(rung.width),
    height: String(rung.height),
    format: rung.format,
    preset: presetName,
    hash8: rung.hash8,
  };
  const name = template
    .replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole)
    // A preset name may hold a slash; the template makes one name, never a folder.
    .replace(/[/\\]/g, '_');
  return safeArchivePath(dir + name + '.' + formats[rung.format].extension);
}

/** The input's manifest or snippet next to its files: the planned name with `ext`. */
export function ladderSidecarPath(planned: string, ext: 'json' | 'html'): string {
  return replaceExtension(planned, ext);
}

/** A ladder's files placed next to `planned` (as made, or again when the input's place changes). */
export function placeLadder(
  planned: string,
  outputs: readonly Omit<LadderOutput, 'path'>[],
  ladder: Pick<LadderOptions, 'template'>,
  presetName: string,
): LadderOutput[] {
  return outputs.map((o) => ({ ...o, path: ladderPath(planned, o, ladder.template, presetName) }));
}
