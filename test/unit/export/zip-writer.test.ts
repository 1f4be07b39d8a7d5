import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { zipToBlob, type ZipSource } from '../../../app/export/zip-writer.js';
import {
  expectIntact,
  listing,
  readCentralDirectory,
  saveTemp,
  tempDir,
  unzip,
} from './zip-helpers.js';

const fixtures = new URL('../../../../shared/fixtures/exif-orientation/', import.meta.url);
const jpeg = (name: string) => new Uint8Array(readFileSync(new URL(name, fixtures)));

function source(path: string, bytes: Uint8Array, mtime?: number): ZipSource {
  return { path, blob: new Blob([bytes as Uint8Array<ArrayBuffer>]), mtime };
}

async function bytesOf(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.arrayBuffer());
}

const csv = new TextEncoder().encode('path,status\n' + 'photos/a.jpg,done\n'.repeat(200));
const reports = [{ path: 'pixpool-report.csv', data: csv }];

describe('zipToBlob', () => {
  const taken = new Date(2021, 5, 15, 10, 30, 20).getTime();
  // An odd second: DOS times have 2-second steps, so only the UTC timestamp keeps it.
  const older = new Date(2019, 0, 2, 3, 4, 7).getTime();
  const noise = new Uint8Array(randomBytes(9 * 1024 * 1024 + 123)); // more than one read slice
  const sources = [
    source('café/Ωmega 照片.webp', jpeg('Landscape_6.jpg'), taken),
    source('plain.jpg', jpeg('Landscape_1.jpg'), older),
    source('trip/day2/deep/Portrait_5.jpg', jpeg('Portrait_5.jpg'), taken),
    source('noise/random.bin', noise, taken),
    source('empty.webp', new Uint8Array(0), taken),
  ];
  const expectedNames = ['pixpool-report.csv', ...sources.map((s) => s.path)];

  it('writes names that unzip -Z1 reads back exactly as written, reports first', async () => {
    const zip = await zipToBlob(sources, reports);
    expect(zip.type).toBe('application/zip');
    const file = await saveTemp('names.zip', zip);
    expectIntact(file);
    expect(listing(file)).toEqual(expectedNames);
  });

  it('extracts every file under its UTF-8 name with its exact bytes', async () => {
    const zip = await zipToBlob(sources, reports);
    const file = await saveTemp('extract.zip', zip);
    const out = tempDir();
    expect(unzip('-q', file, '-d', out).status).toBe(0);
    // Buffer.equals: vitest's deep equality walks 9 MiB element by element for a minute.
    for (const s of sources) {
      expect(readFileSync(join(out, s.path)).equals(await bytesOf(s.blob)), s.path).toBe(true);
    }
    expect(readFileSync(join(out, 'pixpool-report.csv')).equals(csv)).toBe(true);
  });

  it('gives every file its own modification time, which unzip restores', async () => {
    const file = await saveTemp('times.zip', await zipToBlob(sources, reports));
    const out = tempDir();
    expect(unzip('-q', file, '-d', out).status).toBe(0);
    for (const s of sources) {
      expect(statSync(join(out, s.path)).mtimeMs, s.path).toBe(s.mtime);
    }
    // zipinfo's own reading of the times: yyyymmdd.hhmmss in local time.
    const lines = unzip('-Z', '-T', file).stdout.split('\n');
    expect(lines.find((l) => l.endsWith(' plain.jpg'))).toContain(' 20190102.030407 ');
    expect(lines.find((l) => l.endsWith(' café/Ωmega 照片.webp'))).toContain(' 20210615.103020 ');
  });

  it('stores images as they are, deflates the reports, as Unix files with UTF-8 names', async () => {
    const zip = await zipToBlob(sources, reports);
    const { entries } = readCentralDirectory(await bytesOf(zip));
    const byName = new Map(entries.map((e) => [e.name, e]));
    for (const s of sources) {
      const e = byName.get(s.path)!;
      expect([e.method, e.compressedSize, e.size], s.path).toEqual([0, s.blob.size, s.blob.size]);
    }
    const report = byName.get('pixpool-report.csv')!;
    expect(report.method).toBe(8);
    expect(report.compressedSize).toBeLessThan(csv.length / 10);
    for (const e of entries)
      expect([e.name, e.host, e.mode, e.utf8]).toEqual([e.name, 3, 0o100644, true]);

    const files = unzipSync(await bytesOf(zip));
    expect(Buffer.from(files['noise/random.bin']).equals(noise)).toBe(true);
    const lines = unzip('-Z', await saveTemp('methods.zip', zip)).stdout.split('\n');
    expect(lines.find((l) => l.endsWith(' plain.jpg'))).toMatch(/^-rw-r--r-- .* unx .* stor /);
    expect(lines.find((l) => l.endsWith(' pixpool-report.csv'))).toContain(' defN ');
  });

  it('accepts an async iterable of sources', async () => {
    async function* gen() {
      for (const s of sources.slice(0, 2)) yield s;
    }
    const file = await saveTemp('async.zip', await zipToBlob(gen()));
    expectIntact(file);
    expect(listing(file)).toEqual(sources.slice(0, 2).map((s) => s.path));
  });

  it('makes paths safe and unique inside the archive, the reports keeping their names', async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const zip = await zipToBlob(
      [
        source('../../etc/passwd.jpg', bytes),
        source('C:\\Users\\me\\a.jpg', bytes),
        source('Users/me/A.JPG', bytes),
        source('pixpool-report.csv', bytes),
      ],
      reports,
    );
    const file = await saveTemp('safe.zip', zip);
    expectIntact(file);
    expect(listing(file)).toEqual([
      'pixpool-report.csv',
      'etc/passwd.jpg',
      'Users/me/a.jpg',
      'Users/me/A (2).JPG',
      'pixpool-report (2).csv',
    ]);
  });

  it('writes only the reports when there are no outputs', async () => {
    const file = await saveTemp('reports-only.zip', await zipToBlob([], reports));
    expectIntact(file);
    expect(listing(file)).toEqual(['pixpool-report.csv']);
  });
});
