import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { zipParts, type ZipPart, type ZipSource } from '../../../app/export/zip-writer.js';
import { zipEntryOverhead, ZipEntryTooLargeError } from '../../../shared/zip-plan.js';
import { listing, readCentralDirectory, saveTemp, tempDir, unzip } from './zip-helpers.js';

const fixtures = new URL('../../../../shared/fixtures/exif-orientation/', import.meta.url);
const jpeg = (name: string) => new Uint8Array(readFileSync(new URL(name, fixtures)));

function source(path: string, bytes: Uint8Array, mtime?: number): ZipSource {
  return { path, size: bytes.length, blob: new Blob([bytes as Uint8Array<ArrayBuffer>]), mtime };
}

async function collect(parts: AsyncIterable<ZipPart>): Promise<ZipPart[]> {
  const out: ZipPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

async function bytesOf(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.arrayBuffer());
}

/** Saves the part, checks `unzip -t` accepts it, and returns its path. */
async function checkedFile(part: ZipPart): Promise<string> {
  const file = await saveTemp(part.name, part.blob);
  const test = unzip('-t', file);
  expect(test.stderr).toBe('');
  expect(test.status, test.stdout).toBe(0);
  expect(test.stdout).toContain('No errors detected');
  return file;
}

const csv = new TextEncoder().encode('path,status\n' + 'photos/a.jpg,done\n'.repeat(200));

describe('zipParts', () => {
  const taken = new Date(2021, 5, 15, 10, 30, 20).getTime();
  const noise = new Uint8Array(randomBytes(9 * 1024 * 1024 + 123)); // more than one read slice
  const sources = [
    source('trip/day1/Landscape_1.jpg', jpeg('Landscape_1.jpg'), taken),
    source('trip/day2/deep/Portrait_5.jpg', jpeg('Portrait_5.jpg')),
    source('café/ünïcode 日本.jpg', jpeg('Landscape_6.jpg')),
    source('noise/random.bin', noise),
    source('empty.webp', new Uint8Array(0)),
  ];
  const expectedNames = sources.map((s) => s.path);

  it('writes one archive that unzip accepts, with the expected tree and bytes', async () => {
    const parts = await collect(
      zipParts(sources, { baseName: 'pixpool-batch', extra: [{ path: 'report.csv', data: csv }] }),
    );

    expect(parts.map((p) => [p.name, p.count])).toEqual([['pixpool-batch.zip', 5]]);
    expect(parts[0].blob.type).toBe('application/zip');
    const file = await checkedFile(parts[0]);
    expect(listing(file)).toEqual(['report.csv', ...expectedNames]);
    // Extracted names are the UTF-8 ones (Info-ZIP re-encodes names from a DOS "made by" host).
    const out = tempDir();
    expect(unzip('-q', file, '-d', out).status).toBe(0);
    for (const name of expectedNames) expect(existsSync(join(out, name)), name).toBe(true);

    const files = unzipSync(await bytesOf(parts[0].blob));
    // Buffer.equals: vitest's deep equality walks 9 MiB element by element for a minute.
    for (const s of sources) {
      expect(Buffer.from(files[s.path]).equals(await bytesOf(s.blob)), s.path).toBe(true);
    }
    expect(Buffer.from(files['report.csv']).equals(csv)).toBe(true);
  });

  it('stores images, deflates extras, marks UTF-8 names and keeps modification times', async () => {
    const [part] = await collect(
      zipParts(sources, { baseName: 'b', extra: [{ path: 'report.csv', data: csv }] }),
    );
    const entries = readCentralDirectory(await bytesOf(part.blob));
    const byName = new Map(entries.map((e) => [e.name, e]));

    for (const s of sources) {
      const e = byName.get(s.path)!;
      expect(e.method, s.path).toBe(0);
      expect(e.compressedSize).toBe(s.blob.size);
      expect(e.size).toBe(s.blob.size);
    }
    const report = byName.get('report.csv')!;
    expect(report.method).toBe(8);
    expect(report.compressedSize).toBeLessThan(csv.length / 10);

    expect(byName.get('café/ünïcode 日本.jpg')!.utf8).toBe(true);
    expect(byName.get('trip/day1/Landscape_1.jpg')!.utf8).toBe(false);
    expect(byName.get('trip/day1/Landscape_1.jpg')!.modified.getTime()).toBe(taken);

    // unzip -Z reports the same methods.
    const file = await saveTemp('methods.zip', part.blob);
    const lines = unzip('-Z', file).stdout.split('\n');
    expect(lines.find((l) => l.endsWith('trip/day1/Landscape_1.jpg'))).toContain(' stor ');
    expect(lines.find((l) => l.endsWith('report.csv'))).toContain(' defN ');
  });

  it('writes exactly the bytes the plan estimates for stored entries', async () => {
    const [part] = await collect(zipParts(sources, { baseName: 'exact' }));
    const estimate = 22 + sources.reduce((n, s) => n + s.blob.size + zipEntryOverhead(s.path), 0);
    expect(part.blob.size).toBe(estimate);
  });

  it('splits into parts that each pass unzip -t and together hold every entry once', async () => {
    const photos = [
      'Landscape_0',
      'Landscape_2',
      'Portrait_1',
      'Portrait_3',
      'Landscape_4',
    ].flatMap((name, i) => [
      source(`set-${i % 2}/${name}.jpg`, jpeg(`${name}.jpg`)),
      source(`set-${i % 2}/small/${name}.bin`, new Uint8Array(randomBytes(40_000))),
    ]);
    const maxPartBytes = 800_000;

    const parts = await collect(
      zipParts(photos, {
        baseName: 'split',
        maxPartBytes,
        extra: [{ path: 'report.csv', data: csv }],
      }),
    );

    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(parts.map((p) => p.name)).toEqual(
      parts.map((_, i) => `split-part${i + 1}-of-${parts.length}.zip`),
    );
    const seen: string[] = [];
    for (const part of parts) {
      expect(part.blob.size).toBeLessThanOrEqual(maxPartBytes);
      const names = listing(await checkedFile(part));
      expect(names[0]).toBe('report.csv');
      expect(names.length - 1).toBe(part.count);
      seen.push(...names.slice(1));
    }
    expect(seen).toEqual(photos.map((p) => p.path));
  });

  it('accepts an async iterable of sources', async () => {
    async function* gen() {
      for (const s of sources.slice(0, 2)) yield s;
    }
    const parts = await collect(zipParts(gen(), { baseName: 'async' }));
    expect(listing(await checkedFile(parts[0]))).toEqual(expectedNames.slice(0, 2));
  });

  it('makes paths safe and unique inside the archive', async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const parts = await collect(
      zipParts(
        [
          source('../../etc/passwd.jpg', bytes),
          source('C:\\Users\\me\\a.jpg', bytes),
          source('Users/me/A.JPG', bytes),
          source('report.csv', bytes),
        ],
        { baseName: 'safe', extra: [{ path: 'report.csv', data: csv }] },
      ),
    );
    expect(listing(await checkedFile(parts[0]))).toEqual([
      'report.csv',
      'etc/passwd.jpg',
      'Users/me/a.jpg',
      'Users/me/A (2).JPG',
      'report (2).csv',
    ]);
  });

  it('writes only the extras when there are no entries, and nothing when there is nothing', async () => {
    const parts = await collect(
      zipParts([], { baseName: 'r', extra: [{ path: 'report.csv', data: csv }] }),
    );
    expect(parts.map((p) => [p.name, p.count])).toEqual([['r.zip', 0]]);
    expect(listing(await checkedFile(parts[0]))).toEqual(['report.csv']);
    expect(await collect(zipParts([], { baseName: 'none' }))).toEqual([]);
  });

  it('refuses, before writing anything, an entry too large for a ZIP without ZIP64', async () => {
    const giant = { size: 5 * 1024 ** 3 } as Blob; // only its size is read before planning fails
    const parts = zipParts(
      [source('a.jpg', new Uint8Array(3)), { path: 'giant.png', size: giant.size, blob: giant }],
      {
        baseName: 'big',
      },
    );
    await expect(parts.next()).rejects.toBeInstanceOf(ZipEntryTooLargeError);
  });
});
