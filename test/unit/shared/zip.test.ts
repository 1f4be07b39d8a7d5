import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { crc32Update } from '../../../shared/zip/crc32.js';
import {
  zipArchive,
  ZipEntrySizeError,
  type ZipEntry,
  type ZipOptions,
} from '../../../shared/zip/index.js';
import { ArchivePaths } from '../../../shared/zip/paths.js';
import { dosDateTime } from '../../../shared/zip/records.js';
import { expectIntact, listing, readCentralDirectory, saveTemp } from '../export/zip-helpers.js';

const encode = (s: string) => new TextEncoder().encode(s);
const mtime = new Date(2021, 5, 15, 10, 30, 20).getTime();

async function* chunks(...parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* parts;
}

function stored(path: string, ...parts: Uint8Array[]): ZipEntry {
  const size = parts.reduce((n, p) => n + p.length, 0);
  return { path, mtime, size, read: () => chunks(...parts) };
}

async function zipBytes(entries: ZipEntry[], options?: ZipOptions): Promise<Uint8Array> {
  const out: Uint8Array[] = [];
  for await (const chunk of zipArchive(entries, options)) out.push(chunk.slice());
  return new Uint8Array(Buffer.concat(out));
}

const names = [
  'pixpool-report.csv',
  'café/Ωmega 照片.webp',
  'plain.jpg',
  'trip/day 1/deep/nested/IMG_0001.webp',
  'empty.webp',
];
const sample = (): ZipEntry[] => [
  { path: names[0], mtime, data: encode('path,status\n'.repeat(100)) },
  stored(names[1], encode('omega '), encode('photo')),
  stored(names[2], encode('plain')),
  stored(names[3], encode('deep')),
  stored(names[4]),
];

describe('crc32Update', () => {
  it('gives the standard check value and the same result chunk by chunk', () => {
    expect(crc32Update(encode('123456789'))).toBe(0xcbf43926);
    const bytes = new Uint8Array(1000).map((_, i) => (i * 31) & 255);
    const whole = crc32Update(bytes);
    for (const cut of [0, 1, 15, 16, 17, 500, 999]) {
      expect(crc32Update(bytes.subarray(cut), crc32Update(bytes.subarray(0, cut)))).toBe(whole);
    }
  });
});

describe('zipArchive', () => {
  it('writes names that unzip -Z1 reads back exactly as written', async () => {
    const file = await saveTemp('names.zip', await zipBytes(sample()));
    expectIntact(file);
    expect(listing(file)).toEqual(names);
  });

  it('declares a Unix host, a regular-file mode and UTF-8 for every name', async () => {
    const { entries } = readCentralDirectory(await zipBytes(sample()));
    for (const e of entries) {
      expect([e.name, e.host, e.mode.toString(8), e.utf8]).toEqual([e.name, 3, '100644', true]);
    }
  });

  it('stores streamed entries and deflates data entries that shrink', async () => {
    const bytes = await zipBytes([...sample(), { path: 'tiny.json', mtime, data: encode('{}') }]);
    const { entries } = readCentralDirectory(bytes);
    expect(entries.map((e) => [e.name, e.method])).toEqual([
      [names[0], 8],
      [names[1], 0],
      [names[2], 0],
      [names[3], 0],
      [names[4], 0],
      ['tiny.json', 0],
    ]);
    const files = unzipSync(bytes);
    expect(new TextDecoder().decode(files[names[1]])).toBe('omega photo');
    expect(new TextDecoder().decode(files[names[0]])).toBe('path,status\n'.repeat(100));
  });

  it('keeps the modification time, in UTC and in the DOS fields', async () => {
    const { entries } = readCentralDirectory(await zipBytes(sample()));
    for (const e of entries) {
      expect(e.unixTime).toBe(mtime / 1000);
      expect(e.modified.getTime()).toBe(mtime);
    }
  });

  it('clamps DOS times to the years the format can hold', () => {
    expect(dosDateTime(0)).toEqual(dosDateTime(new Date(1980, 0, 1).getTime()));
    expect(dosDateTime(new Date(1980, 0, 1).getTime())).toEqual({ time: 0, date: (1 << 5) | 1 });
    expect(dosDateTime(Date.UTC(3000, 0, 1)).date >> 9).toBe(127);
  });

  it('writes plain ZIP records when nothing overflows', async () => {
    const directory = readCentralDirectory(await zipBytes(sample()));
    expect(directory.zip64End).toBe(false);
    expect(directory.entries.some((e) => e.zip64)).toBe(false);
  });

  it('writes ZIP64 records that unzip accepts (forced, so without a 4 GiB file)', async () => {
    const bytes = await zipBytes(sample(), { forceZip64: true });
    const directory = readCentralDirectory(bytes);
    expect(directory.zip64End).toBe(true);
    expect(directory.entries.every((e) => e.zip64)).toBe(true);
    expect(directory.entries.map((e) => e.size)).toEqual([1200, 11, 5, 4, 0]);
    const file = await saveTemp('forced-zip64.zip', bytes);
    expectIntact(file);
    expect(listing(file)).toEqual(names);
  });

  it('gives an entry declared at 4 GiB or more ZIP64 sizes from its local header on', async () => {
    const entry = { ...stored('huge.png', encode('not really huge')), size: 2 ** 32 };
    const bytes = await zipBytes([entry, stored('after.jpg', encode('after'))]);
    // The local header announces ZIP64 (version 4.5, 0xFFFFFFFF sizes), so the descriptor
    // after the data carries 64-bit sizes: a streaming reader needs both to agree.
    const view = new DataView(bytes.buffer);
    expect(view.getUint16(4, true)).toBe(45);
    expect(view.getUint32(18, true)).toBe(0xffffffff);
    const file = await saveTemp('declared-huge.zip', bytes);
    expectIntact(file);
    expect(listing(file)).toEqual(['huge.png', 'after.jpg']);
  });

  it('counts more than 65,535 entries through the ZIP64 end record', async () => {
    const one = encode('x');
    const entries = Array.from({ length: 70_000 }, (_, i) => stored(`many/${i}.txt`, one));
    const bytes = await zipBytes(entries);
    expect(readCentralDirectory(bytes).zip64End).toBe(true);
    const file = await saveTemp('many.zip', bytes);
    expectIntact(file);
    const listed = listing(file);
    expect(listed).toHaveLength(70_000);
    expect(listed.at(-1)).toBe('many/69999.txt');
  });

  it('fails an entry that gives 4 GiB or more after being declared smaller', async () => {
    const mib = new Uint8Array(1024 * 1024);
    async function* endless() {
      for (;;) yield mib;
    }
    const liar: ZipEntry = { path: 'liar.bin', mtime, size: 10, read: endless };
    // Nothing kept and a CRC that does no work: only the byte count matters here.
    const drain = async () => {
      for await (const chunk of zipArchive([liar], { crc32: () => 0 })) void chunk;
    };
    const run = drain();
    await expect(run).rejects.toBeInstanceOf(ZipEntrySizeError);
    await expect(run).rejects.toThrow('liar.bin was declared as 10 bytes');
  });

  it('reads a source only as fast as the consumer asks for bytes', async () => {
    let reads = 0;
    async function* counted() {
      for (let i = 0; i < 100; i++) {
        reads++;
        yield new Uint8Array(16);
      }
    }
    const archive = zipArchive([{ path: 'a.bin', mtime, size: 1600, read: counted }]);
    await archive.next(); // the local header
    expect(reads).toBe(0);
    await archive.next();
    await archive.next();
    expect(reads).toBe(2);
    await archive.return();
  });

  it('ends the current source when the consumer stops early', async () => {
    let closed = false;
    async function* source() {
      try {
        for (;;) yield new Uint8Array(16);
      } finally {
        closed = true;
      }
    }
    const archive = zipArchive([{ path: 'a.bin', mtime, size: 16, read: source }]);
    await archive.next();
    await archive.next();
    expect(closed).toBe(false);
    await archive.return();
    expect(closed).toBe(true);
  });
});

describe('ArchivePaths', () => {
  it('makes paths safe and gives a taken name, in any case, a number', () => {
    const paths = new ArchivePaths();
    expect(
      ['../../etc/passwd.jpg', 'C:\\Users\\me\\a.jpg', 'Users/me/A.JPG', 'Users/me/a.jpg'].map(
        (p) => paths.claim(p),
      ),
    ).toEqual(['etc/passwd.jpg', 'Users/me/a.jpg', 'Users/me/A (2).JPG', 'Users/me/a (3).jpg']);
  });

  it('never gives a file the name of a folder already in the archive', () => {
    const paths = new ArchivePaths();
    expect(paths.claim('trip/day1/a.webp')).toBe('trip/day1/a.webp');
    expect(paths.claim('trip/day1')).toBe('trip/day1 (2)');
    expect(paths.claim('TRIP')).toBe('TRIP (2)');
  });
});
