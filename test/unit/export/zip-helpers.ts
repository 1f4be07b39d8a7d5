import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export interface CentralEntry {
  name: string;
  /** 0 = stored, 8 = deflated. */
  method: number;
  /** General purpose bit 11: the name is UTF-8. */
  utf8: boolean;
  compressedSize: number;
  size: number;
  /** The DOS timestamp as a local Date (2-second resolution). */
  modified: Date;
}

/** Reads the central directory straight from the bytes, so method and flags are checked as written. */
export function readCentralDirectory(zip: Uint8Array): CentralEntry[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zip.length - 22;
  if (view.getUint32(end, true) !== 0x06054b50) throw new Error('No end of central directory');
  const count = view.getUint16(end + 10, true);
  let p = view.getUint32(end + 16, true);
  const entries: CentralEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (view.getUint32(p, true) !== 0x02014b50) throw new Error(`Bad central header at ${p}`);
    const flags = view.getUint16(p + 8, true);
    const time = view.getUint16(p + 12, true);
    const date = view.getUint16(p + 14, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    entries.push({
      name: new TextDecoder().decode(zip.subarray(p + 46, p + 46 + nameLength)),
      method: view.getUint16(p + 10, true),
      utf8: (flags & 0x800) !== 0,
      compressedSize: view.getUint32(p + 20, true),
      size: view.getUint32(p + 24, true),
      modified: new Date(
        (date >> 9) + 1980,
        ((date >> 5) & 15) - 1,
        date & 31,
        time >> 11,
        (time >> 5) & 63,
        (time & 31) * 2,
      ),
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

const dir = mkdtempSync(join(tmpdir(), 'pixpool-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh temp folder, removed after the test file. */
export function tempDir(): string {
  return mkdtempSync(join(dir, 'out-'));
}

/** Writes a part to a temp file and returns its path. */
export async function saveTemp(name: string, blob: Blob): Promise<string> {
  const path = join(dir, name);
  writeFileSync(path, new Uint8Array(await blob.arrayBuffer()));
  return path;
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
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The entry names `unzip -Z1` lists, in archive order. */
export function listing(path: string): string[] {
  const r = unzip('-Z1', path);
  if (r.status !== 0) throw new Error(`unzip -Z1 failed: ${r.stderr || r.stdout}`);
  return r.stdout.split('\n').filter(Boolean);
}
