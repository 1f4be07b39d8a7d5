import { be16, be32, has, le16, le32 } from './bytes.js';

const orientationTag = 0x0112;

/**
 * Reads the orientation tag from IFD0 of an EXIF TIFF block (the bytes after 'Exif\0\0');
 * 1 when absent or out of range.
 */
export function exifOrientation(t: Uint8Array): number {
  if (!has(t, 0, 8)) return 1;
  const order = String.fromCharCode(t[0], t[1]);
  if (order !== 'II' && order !== 'MM') return 1;
  const little = order === 'II';
  const u16 = (o: number) => (little ? le16(t, o) : be16(t, o));
  const u32 = (o: number) => (little ? le32(t, o) : be32(t, o));
  if (u16(2) !== 42) return 1;
  const ifd = u32(4);
  if (!has(t, ifd, 2)) return 1;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (!has(t, entry, 12)) break;
    if (u16(entry) !== orientationTag) continue;
    // TIFF 6.0 says SHORT; a few writers use LONG. Either way the value sits inline.
    const type = u16(entry + 2);
    const value = type === 3 ? u16(entry + 8) : type === 4 ? u32(entry + 8) : 0;
    return value >= 1 && value <= 8 ? value : 1;
  }
  return 1;
}
