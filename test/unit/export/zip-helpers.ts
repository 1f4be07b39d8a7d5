import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';

export interface CentralEntry {
  name: string;
  /** 0 = stored, 8 = deflated. */
  method: number;
  /** General purpose bit 11: the name is UTF-8. */
  utf8: boolean;
  /** "Version made by" high byte: 0 = MS-DOS, 3 = Unix. */
  host: number;
  /** The Unix mode in the high 16 bits of the external attributes. */
  mode: number;
  compressedSize: number;
  size: number;
  offset: number;
  /** The DOS timestamp as a local Date (2-second resolution). */
  modified: Date;
  /** Seconds since the epoch from the "UT" extra field, when there is one. */
  unixTime?: number;
  /** The entry has a ZIP64 extra field in the central directory. */
  zip64: boolean;
}

export interface CentralDirectory {
  entries: CentralEntry[];
  /** The archive ends with a ZIP64 end record and locator. */
  zip64End: boolean;
}

const u64 = (view: DataView, at: number) =>
  view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;

/**
 * Reads the central directory straight from the bytes (ZIP64 end record and extra fields
 * included), so methods, flags, hosts and times are checked as written, not as a reader
 * interprets them.
 */
export function readCentralDirectory(zip: Uint8Array): CentralDirectory {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zip.length - 22;
  if (view.getUint32(end, true) !== 0x06054b50) throw new Error('No end of central directory');
  let count = view.getUint16(end + 10, true);
  let p = view.getUint32(end + 16, true);
  const zip64End = end >= 20 && view.getUint32(end - 20, true) === 0x07064b50;
  if (zip64End) {
    const record = u64(view, end - 20 + 8);
    if (view.getUint32(record, true) !== 0x06064b50) throw new Error('No ZIP64 end record');
    count = u64(view, record + 32);
    p = u64(view, record + 48);
  }
  const entries: CentralEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (view.getUint32(p, true) !== 0x02014b50) throw new Error(`Bad central header at ${p}`);
    const flags = view.getUint16(p + 8, true);
    const time = view.getUint16(p + 12, true);
    const date = view.getUint16(p + 14, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    const entry: CentralEntry = {
      name: new TextDecoder().decode(zip.subarray(p + 46, p + 46 + nameLength)),
      method: view.getUint16(p + 10, true),
      utf8: (flags & 0x800) !== 0,
      host: view.getUint8(p + 5),
      mode: view.getUint16(p + 40, true),
      compressedSize: view.getUint32(p + 20, true),
      size: view.getUint32(p + 24, true),
      offset: view.getUint32(p + 42, true),
      modified: new Date(
        (date >> 9) + 1980,
        ((date >> 5) & 15) - 1,
        date & 31,
        time >> 11,
        (time >> 5) & 63,
        (time & 31) * 2,
      ),
      zip64: false,
    };
    for (let x = p + 46 + nameLength; x < p + 46 + nameLength + extraLength;) {
      const id = view.getUint16(x, true);
      const length = view.getUint16(x + 2, true);
      if (id === 0x5455 && view.getUint8(x + 4) & 1) entry.unixTime = view.getUint32(x + 5, true);
      if (id === 0x0001) {
        entry.zip64 = true;
        // APPNOTE 4.5.3: only the fields whose 32-bit value is 0xFFFFFFFF, in this order.
        let at = x + 4;
        for (const field of ['size', 'compressedSize', 'offset'] as const) {
          if (entry[field] === 0xffffffff) {
            entry[field] = u64(view, at);
            at += 8;
          }
        }
      }
      x += 4 + length;
    }
    entries.push(entry);
    p += 46 + nameLength + extraLength + commentLength;
  }
  return { entries, zip64End };
}

const dir = mkdtempSync(join(tmpdir(), 'pixpool-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh temp folder, removed after the test file. */
export function tempDir(): string {
  return mkdtempSync(join(dir, 'out-'));
}

/** Writes an archive (a Blob or bytes) to a temp file and returns its path. */
export async function saveTemp(name: string, zip: Blob | Uint8Array): Promise<string> {
  const path = join(dir, name);
  writeFileSync(path, zip instanceof Blob ? new Uint8Array(await zip.arrayBuffer()) : zip);
  return path;
}

/** `unzip -t` must pass: nothing on stderr, exit 0 and its all-clear. */
export function expectIntact(file: string): void {
  const test = unzip('-tq', file);
  expect(test.stderr).toBe('');
  expect(test.status, test.stdout).toBe(0);
  expect(test.stdout).toContain('No errors detected');
}

/** Runs Info-ZIP's unzip with a UTF-8 locale so non-ASCII names print as themselves. */
export function unzip(...args: string[]): {
  status: number | null;
  stdout: string;
  stderr: string;
} {
  const r = spawnSync('/usr/bin/unzip', args, {
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The entry names `unzip -Z1` lists, in archive order. */
export function listing(path: string): string[] {
  const r = unzip('-Z1', path);
  if (r.status !== 0) throw new Error(`unzip -Z1 failed: ${r.stderr || r.stdout}`);
  return r.stdout.split('\n').filter(Boolean);
}
