import { deflateSync, Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { limits } from '../../shared/limits.js';
import { replaceExtension, safeArchivePath } from '../../shared/naming.js';
import { planZipParts, zipEntryOverhead } from '../../shared/zip-plan.js';
import { BlobSink } from './blob-sink.js';

/** One file for the archive. `size` is informative: the blob's own size is what is written. */
export interface ZipSource {
  path: string;
  size: number;
  blob: Blob;
  /** Modification time (ms since epoch); now when absent. */
  mtime?: number;
}

export interface ZipPart {
  /** `${baseName}.zip`, or `${baseName}-part2-of-3.zip` when split. */
  name: string;
  blob: Blob;
  /** Entries from `entries` in this part (the extra files are not counted). */
  count: number;
}

export interface ZipPartsOptions {
  baseName: string;
  /** Defaults to limits.maxZipPartBytes (just under 4 GiB: fflate writes no ZIP64). */
  maxPartBytes?: number;
  /** Small text files (reports) deflated into every part, so each part explains itself. */
  extra?: { path: string; data: Uint8Array }[];
}

/** Bytes read from a blob at a time, so a large image is never wholly in memory. */
const readBytes = 8 * 1024 * 1024;
const deflateLevel = 6;

/**
 * fflate sets the UTF-8 name flag (bit 11) by itself for non-ASCII names, but its default
 * "made by" host is MS-DOS, and Info-ZIP unzip 6.0 then converts names from the DOS code page
 * anyway, flag or not: 'café' extracts as 'caf+®'. Declaring Unix (3) with a regular file mode
 * of 0644 avoids that; other unzippers read the flag either way.
 */
const unixHost = 3;
const fileMode = 0o100644 * 0x10000;

// fflate writes DOS timestamps and throws outside 1980–2099.
const dosMin = new Date(1980, 0, 1).getTime();
const dosMax = new Date(2099, 11, 31, 23, 59, 58).getTime();
const dosTime = (ms: number) => Math.min(dosMax, Math.max(dosMin, ms));

/**
 * Writes ZIP archives of `entries`, split into parts under `maxPartBytes`, yielding each part
 * as soon as it is written. Images are stored (already compressed); extras are deflated. Paths
 * go through safeArchivePath; a path already used in the batch gets ' (2)'. Only one read
 * slice of one entry is in memory at a time; the archive itself is built from Blob parts.
 * `entries` is gathered first (Blob handles only, no bytes) because part names need the count.
 */
export async function* zipParts(
  entries: AsyncIterable<ZipSource> | Iterable<ZipSource>,
  opts: ZipPartsOptions,
): AsyncGenerator<ZipPart> {
  const now = Date.now();
  const extras = (opts.extra ?? []).map((e) => ({ path: safeArchivePath(e.path), data: e.data }));
  const used = new Set(extras.map((e) => e.path.toLowerCase()));
  const files: { path: string; size: number; blob: Blob; mtime: number }[] = [];
  for await (const source of entries) {
    files.push({
      path: claimPath(safeArchivePath(source.path), used),
      size: source.blob.size,
      blob: source.blob,
      mtime: dosTime(source.mtime ?? now),
    });
  }

  // Each part repeats the extras, so their space is reserved in every part. 64 bytes of slack
  // cover any difference between one-shot and streamed deflate output.
  const reservedBytes = extras.reduce(
    (n, e) =>
      n + deflateSync(e.data, { level: deflateLevel }).length + 64 + zipEntryOverhead(e.path),
    0,
  );
  const parts = planZipParts(files, opts.maxPartBytes ?? limits.maxZipPartBytes, {
    reservedBytes,
    reservedEntries: extras.length,
  });
  if (parts.length === 0 && extras.length > 0) parts.push([]);

  for (const [i, indices] of parts.entries()) {
    const name =
      parts.length === 1
        ? `${opts.baseName}.zip`
        : `${opts.baseName}-part${i + 1}-of-${parts.length}.zip`;
    const blob = await writeArchive(
      indices.map((j) => files[j]),
      extras.map((e) => ({ ...e, mtime: dosTime(now) })),
    );
    yield { name, blob, count: indices.length };
  }
}

/** `path`, or 'name (2).ext', 'name (3).ext'… when an earlier entry has it (any case). */
function claimPath(path: string, used: Set<string>): string {
  let candidate = path;
  const dot = path.lastIndexOf('.');
  const ext = dot > path.lastIndexOf('/') + 1 ? path.slice(dot + 1) : '';
  const stem = replaceExtension(path, '');
  for (let n = 2; used.has(candidate.toLowerCase()); n++) {
    // planOutputPaths already makes output paths unique; this only guards direct callers.
    candidate = ext ? `${stem} (${n}).${ext}` : `${stem} (${n})`;
  }
  used.add(candidate.toLowerCase());
  return candidate;
}

async function writeArchive(
  files: { path: string; blob: Blob; mtime: number }[],
  extras: { path: string; data: Uint8Array; mtime: number }[],
): Promise<Blob> {
  const sink = new BlobSink();
  let failure: Error | undefined;
  let ended = false;
  const zip = new Zip((err, chunk, final) => {
    if (err) failure ??= err;
    else {
      sink.push(chunk);
      if (final) ended = true;
    }
  });
  const check = () => {
    if (failure) {
      zip.terminate();
      throw failure;
    }
  };

  for (const extra of extras) {
    const entry = new ZipDeflate(extra.path, { level: deflateLevel });
    entry.mtime = extra.mtime;
    entry.os = unixHost;
    entry.attrs = fileMode;
    zip.add(entry);
    entry.push(extra.data, true);
    check();
  }
  for (const file of files) {
    const entry = new ZipPassThrough(file.path);
    entry.mtime = file.mtime;
    entry.os = unixHost;
    entry.attrs = fileMode;
    zip.add(entry);
    const size = file.blob.size;
    if (size === 0) entry.push(new Uint8Array(0), true);
    for (let offset = 0; offset < size; offset += readBytes) {
      const end = Math.min(size, offset + readBytes);
      const bytes = new Uint8Array(await file.blob.slice(offset, end).arrayBuffer());
      entry.push(bytes, end === size);
      check();
    }
    check();
  }
  zip.end();
  check();
  if (!ended) throw new Error('The ZIP writer stopped before writing the end of the archive');
  return sink.toBlob('application/zip');
}
