import type { FormatId, OutputFormatId } from '../formats/index.js';
import type { MetadataMode } from '../presets/index.js';
import { attachExif } from './attach.js';
import { extractExif, prepareExif } from './exif.js';

/**
 * Carries the input's EXIF over to the output as `mode` asks: nothing for 'strip', all of it
 * (orientation reset, pixel size updated) for 'keep', and without location for 'keep-no-gps'.
 * The browser pipeline and the server both call this, so both write the same metadata.
 */
export function carryExif(
  input: Uint8Array,
  inputFormat: FormatId,
  output: Uint8Array,
  outputFormat: OutputFormatId,
  mode: MetadataMode,
  size: { width: number; height: number },
): Uint8Array {
  if (mode === 'strip') return output;
  const exif = extractExif(input, inputFormat);
  const prepared = exif && prepareExif(exif, { dropGps: mode === 'keep-no-gps', ...size });
  return prepared ? attachExif(output, outputFormat, prepared) : output;
}
