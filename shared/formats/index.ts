import { avif, type AvifOptions } from './avif.js';
import { bmp, gif, heic, tiff } from './decode-only.js';
import { jpeg, type JpegOptions } from './jpeg.js';
import { jxl, type JxlOptions } from './jxl.js';
import { png, type PngOptions } from './png.js';
import type { FormatId, FormatMeta, OutputFormatId } from './types.js';
import { webp, type WebpOptions } from './webp.js';

export type { FormatId, FormatMeta, OutputFormatId, OutputFormatMeta } from './types.js';
export type { AvifOptions, JpegOptions, JxlOptions, PngOptions, WebpOptions };

/** Options per output format, keyed by format id. */
export interface OutputOptionsMap {
  jpeg: JpegOptions;
  png: PngOptions;
  webp: WebpOptions;
  avif: AvifOptions;
  jxl: JxlOptions;
}

/** What to write: a format and its options, as one discriminated value. */
export type OutputSettings = {
  [K in OutputFormatId]: { format: K; options: OutputOptionsMap[K] };
}[OutputFormatId];

/** Writable formats, in the order the UI lists them. */
export const outputFormats = { webp, jpeg, avif, png, jxl } as const;

/** Every readable format. */
export const formats: Record<FormatId, FormatMeta> = {
  jpeg,
  png,
  webp,
  avif,
  jxl,
  heic,
  gif,
  bmp,
  tiff,
};

export const outputFormatIds = Object.keys(outputFormats) as OutputFormatId[];

export function isOutputFormat(id: unknown): id is OutputFormatId {
  return typeof id === 'string' && id in outputFormats;
}

/**
 * The output settings for `format` beside `own`: `own` itself for its format, else that
 * format's default options (one quality number does not mean the same look in two formats).
 * What "also try" and a ladder's formats encode with.
 */
export function outputAs(own: OutputSettings, format: OutputFormatId): OutputSettings {
  if (format === own.format) return own;
  return { format, options: { ...outputFormats[format].defaults } } as OutputSettings;
}
