import type { FormatMeta } from './types.js';

// Formats we read but never write.

export const heic: FormatMeta = {
  id: 'heic',
  label: 'HEIC/HEIF',
  mimeType: 'image/heic',
  extension: 'heic',
  extensions: ['heic', 'heif', 'hif'],
  alpha: true,
};

/** Only the first frame of an animated GIF is converted. */
export const gif: FormatMeta = {
  id: 'gif',
  label: 'GIF',
  mimeType: 'image/gif',
  extension: 'gif',
  extensions: ['gif'],
  alpha: true,
};

export const bmp: FormatMeta = {
  id: 'bmp',
  label: 'BMP',
  mimeType: 'image/bmp',
  extension: 'bmp',
  extensions: ['bmp', 'dib'],
  alpha: true,
};

/** Only the first page of a multi-page TIFF is converted. */
export const tiff: FormatMeta = {
  id: 'tiff',
  label: 'TIFF',
  mimeType: 'image/tiff',
  extension: 'tif',
  extensions: ['tif', 'tiff'],
  alpha: true,
};
