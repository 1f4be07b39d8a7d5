import { outputFormats, type OutputFormatId } from '../formats/index.js';
import type { LadderOutput } from './schema.js';
import { ladderSidecarPath } from './names.js';

/** What web developers get per input: `<name>.json` beside its files. */
export interface LadderManifest {
  /** The input's path in the dropped tree. */
  source: string;
  width: number | null;
  height: number | null;
  preset: string;
  /** Per format (most widely supported first), narrowest first. */
  files: {
    /** The file's name, relative to the manifest (they share a folder). */
    file: string;
    format: OutputFormatId;
    type: string;
    width: number;
    height: number;
    bytes: number;
  }[];
}

/** Widest browser support first: the `<img>` fallback is the first format a ladder has. */
const supportOrder: readonly OutputFormatId[] = ['jpeg', 'png', 'webp', 'avif', 'jxl'];
const bySupport = (a: OutputFormatId, b: OutputFormatId) =>
  supportOrder.indexOf(a) - supportOrder.indexOf(b);

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

export function ladderManifest(
  input: { path: string; width?: number; height?: number },
  outputs: readonly LadderOutput[],
  presetName: string,
): LadderManifest {
  return {
    source: input.path,
    width: input.width ?? null,
    height: input.height ?? null,
    preset: presetName,
    files: [...outputs]
      .sort((a, b) => bySupport(a.format, b.format) || a.width - b.width)
      .map((o) => ({
        file: baseName(o.path),
        format: o.format,
        type: outputFormats[o.format].mimeType,
        width: o.width,
        height: o.height,
        bytes: o.size,
      })),
  };
}

/**
 * A ready `<picture>`: a `<source>` per newer format (the most compact first, as a browser
 * takes the first it supports) and an `<img>` in the most widely supported one, each with its
 * widths as a `srcset`. File names are URL-encoded: a space or comma would split a srcset.
 */
export function pictureSnippet(manifest: LadderManifest): string {
  const formats = [...new Set(manifest.files.map((f) => f.format))];
  const srcset = (format: OutputFormatId) =>
    manifest.files
      .filter((f) => f.format === format)
      .map((f) => `${encodeURIComponent(f.file)} ${f.width}w`)
      .join(', ');
  const [fallback, ...newer] = formats;
  const largest = manifest.files
    .filter((f) => f.format === fallback)
    .reduce((a, b) => (b.width > a.width ? b : a));
  const sources = newer
    .reverse()
    .map(
      (f) => `  <source type="${outputFormats[f].mimeType}" srcset="${srcset(f)}" sizes="100vw">\n`,
    );
  return (
    '<picture>\n' +
    sources.join('') +
    `  <img src="${encodeURIComponent(largest.file)}" srcset="${srcset(fallback)}" sizes="100vw"` +
    ` width="${largest.width}" height="${largest.height}" alt="" loading="lazy" decoding="async">\n` +
    '</picture>\n'
  );
}

/** The manifest (and the snippet, if asked) of one input, as files for the ZIP or a folder. */
export function ladderSidecars(
  input: { path: string; width?: number; height?: number },
  planned: string,
  outputs: readonly LadderOutput[],
  opts: { presetName: string; snippet: boolean },
): { path: string; text: string }[] {
  if (outputs.length === 0) return [];
  const manifest = ladderManifest(input, outputs, opts.presetName);
  const files = [
    { path: ladderSidecarPath(planned, 'json'), text: JSON.stringify(manifest, null, 2) + '\n' },
  ];
  if (opts.snippet) {
    files.push({ path: ladderSidecarPath(planned, 'html'), text: pictureSnippet(manifest) });
  }
  return files;
}
