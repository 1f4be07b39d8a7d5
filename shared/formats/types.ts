import type { OptionSpec } from '../options.js';

/** Every format we can read. */
export type FormatId = 'jpeg' | 'png' | 'webp' | 'avif' | 'jxl' | 'heic' | 'gif' | 'bmp' | 'tiff';

/** Formats we can write. */
export type OutputFormatId = 'jpeg' | 'png' | 'webp' | 'avif' | 'jxl';

export interface FormatMeta {
  id: FormatId;
  label: string;
  mimeType: string;
  /** Preferred extension for outputs, without the dot. */
  extension: string;
  /** Extensions people use for it; only a hint for file pickers, never for detection. */
  extensions: readonly string[];
  /** Whether the format can carry an alpha channel (alpha → JPEG needs a background). */
  alpha: boolean;
}

export interface OutputFormatMeta<T extends object> extends FormatMeta {
  id: OutputFormatId;
  defaults: T;
  specs: readonly OptionSpec<T>[];
}
