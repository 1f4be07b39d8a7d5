// The one rule for paths inside ZIPs and output folders: whatever a user dropped, the result
// stays under the root and extracts on Windows, macOS and Linux alike.

import { formats, type FormatId } from './formats/index.js';

/** Most file systems cap a name at 255 bytes (ext4, APFS) or 255 UTF-16 units (NTFS). */
const maxSegmentBytes = 255;

// Windows refuses these names with any extension: CON.txt is the console, not a file.
const reservedName = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\.|$)/i;
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

/** Bytes `s` takes in UTF-8 (computed by hand: `shared/` has no TextEncoder). */
export function utf8ByteLength(s: string): number {
  let n = 0;
  for (const ch of s) n += utf8Length(ch.codePointAt(0)!);
  return n;
}

/** The longest prefix of `s` that fits in `maxBytes` of UTF-8, cut between code points. */
function truncateUtf8(s: string, maxBytes: number): string {
  let n = 0;
  let out = '';
  for (const ch of s) {
    n += utf8Length(ch.codePointAt(0)!);
    if (n > maxBytes) break;
    out += ch;
  }
  return out;
}

// Windows drops trailing dots and spaces, so 'a.' and 'a' would be the same file there.
const trimEnd = (s: string) => s.replace(/[. ]+$/, '');

/** Caps a name at `maxBytes`, keeping a short extension so the file still opens. */
function capName(name: string, maxBytes = maxSegmentBytes): string {
  if (utf8ByteLength(name) <= maxBytes) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot) : '';
  if (ext && utf8ByteLength(ext) <= 16) {
    return trimEnd(truncateUtf8(name.slice(0, dot), maxBytes - utf8ByteLength(ext))) + ext;
  }
  return trimEnd(truncateUtf8(name, maxBytes));
}

function safeSegment(segment: string): string {
  let s = trimEnd(segment.replace(/[<>:"|?*]/g, '_'));
  if (s === '' || s === '.' || s === '..') return '';
  if (reservedName.test(s)) s = '_' + s;
  return capName(s);
}

/**
 * Normalises a user-supplied relative path for a ZIP entry or a file written to disk:
 * '/' separators, no '..' escape, no drive letter, no control or Windows-forbidden
 * characters, NFC Unicode, each name at most 255 bytes of UTF-8.
 *
 * @example
 * safeArchivePath('C:\\trip\\..\\..\\day<1>\\IMG.jpg'); // → 'trip/day_1_/IMG.jpg'
 */
export function safeArchivePath(path: string): string {
  const cleaned = String(path)
    .replace(loneSurrogate, '\uFFFD')
    .normalize('NFC')
    // Control characters are what this removes.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/\\/g, '/')
    // 'C:' only as a whole first segment: 'a:b.jpg' is a (macOS) name, made safe below.
    .replace(/^\/*[A-Za-z]:(?=\/|$)/, '');
  // '..' is dropped rather than resolved, so no input reaches above the root or a sibling folder.
  const segments = cleaned.split('/').map(safeSegment).filter(Boolean);
  return segments.length ? segments.join('/') : 'unnamed';
}

/** Swaps the extension of the last path segment for `ext` (added when there is none). */
export function replaceExtension(path: string, ext: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  // A leading dot ('.profile') names a hidden file; it is not an extension.
  const stem = dot > slash + 1 ? path.slice(0, dot) : path;
  const clean = ext.replace(/^\.+/, '');
  return clean ? `${stem}.${clean}` : stem;
}

function withSuffix(path: string, ext: string, n: number): string {
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash + 1);
  const stem = replaceExtension(path.slice(slash + 1), '');
  const tail = ` (${n})${ext ? '.' + ext : ''}`;
  return dir + capName(stem, maxSegmentBytes - utf8ByteLength(tail)) + tail;
}

// Windows and macOS folders are case-insensitive: 'A.webp' and 'a.webp' are one file there.
const key = (path: string) => path.toLowerCase();

/**
 * Output paths for a batch, keyed by input id: the safe input path with the output
 * extension. Inputs keep their own name when they can, claimed in input order; the rest get
 * ' (2)', ' (3)'… Names are compared case-insensitively, a file never takes a folder's name,
 * and no two files share a name *before* the extension: a file whose format is settled only
 * by its conversion (the smallest of several formats, or the original kept) swaps its
 * extension then (replaceExtension) without meeting another file.
 *
 * @example
 * // a.jpg and a.png, both converted to WebP → 'a.webp' and 'a (2).webp'
 */
export function planOutputPaths(
  inputs: readonly { id: string; path: string; extension: string }[],
): Map<string, string> {
  const ext = (e: string) => e.replace(/^\.+/, '');
  const wanted = inputs.map((input) => {
    const path = replaceExtension(safeArchivePath(input.path), ext(input.extension));
    const segments = path.split('/');
    // Re-cap the name: the new extension may be longer than the old one.
    segments.push(capName(segments.pop()!));
    return segments.join('/');
  });
  const folders = new Set<string>();
  for (const path of wanted) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(key(parts.slice(0, i).join('/')));
  }
  const stems = new Set<string>();
  const free = (path: string) => !folders.has(key(path)) && !stems.has(stemKey(path));
  const out = new Map<string, string>();
  const later: number[] = [];
  wanted.forEach((path, i) => {
    if (!free(path)) later.push(i);
    else {
      stems.add(stemKey(path));
      out.set(inputs[i].id, path);
    }
  });
  for (const i of later) {
    let candidate = wanted[i];
    for (let n = 2; !free(candidate); n++) {
      candidate = withSuffix(wanted[i], ext(inputs[i].extension), n);
    }
    stems.add(stemKey(candidate));
    out.set(inputs[i].id, candidate);
  }
  return out;
}

const stemKey = (path: string) => key(replaceExtension(path, ''));

/**
 * Where a converted file goes: its planned path with the extension of what was made, which
 * the conversion may settle (the smallest of several formats; the original kept as it was,
 * with its own extension). Safe because planOutputPaths keeps stems apart.
 */
export function finalOutputPath(
  planned: string,
  made: { format: FormatId; keptOriginal?: boolean; inputPath: string },
): string {
  if (made.keptOriginal) {
    const name = made.inputPath.slice(made.inputPath.lastIndexOf('/') + 1);
    const dot = name.lastIndexOf('.');
    return replaceExtension(
      planned,
      dot > 0 ? name.slice(dot + 1) : formats[made.format].extension,
    );
  }
  return replaceExtension(planned, formats[made.format].extension);
}
