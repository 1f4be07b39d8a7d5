import { describe, expect, it } from 'vitest';
import { limits } from '../../../shared/limits.js';
import {
  planZipParts,
  zip32MaxBytes,
  zip32MaxEntries,
  zipEntryOverhead,
  ZipEntryTooLargeError,
} from '../../../shared/zip-plan.js';

type Entry = { path: string; size: number };

/** The archive size the plan promises: entries with headers, plus the end record. */
const partBytes = (entries: Entry[], part: number[]) =>
  22 + part.reduce((n, i) => n + entries[i].size + zipEntryOverhead(entries[i].path), 0);

const flat = (parts: number[][]) => parts.flat();
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('planZipParts', () => {
  it('puts everything in one part when it fits', () => {
    const entries = range(5).map((i) => ({ path: `a/${i}.jpg`, size: 1000 }));
    expect(planZipParts(entries, 1_000_000)).toEqual([[0, 1, 2, 3, 4]]);
  });

  it('returns no parts for no entries', () => {
    expect(planZipParts([], 1000)).toEqual([]);
  });

  it('splits at a small limit, in order, each part within the limit', () => {
    const entries = range(10).map((i) => ({ path: `photos/${i}.jpg`, size: 1000 }));
    const perEntry = 1000 + zipEntryOverhead('photos/0.jpg');
    const limit = 22 + 3 * perEntry; // exactly three entries
    const parts = planZipParts(entries, limit);
    expect(parts).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
    for (const part of parts) expect(partBytes(entries, part)).toBeLessThanOrEqual(limit);
    expect(planZipParts(entries, limit - 1).map((p) => p.length)).toEqual([2, 2, 2, 2, 2]);
  });

  it('counts names in UTF-8 bytes, twice (local header and central directory)', () => {
    expect(zipEntryOverhead('a.jpg')).toBe(30 + 16 + 46 + 2 * 5);
    expect(zipEntryOverhead('café/日本.jpg')).toBe(30 + 16 + 46 + 2 * (5 + 1 + 6 + 4));
  });

  it('gives an entry larger than a part a part of its own', () => {
    const entries = [
      { path: 'small-1.jpg', size: 100 },
      { path: 'huge.png', size: 50_000 },
      { path: 'small-2.jpg', size: 100 },
      { path: 'small-3.jpg', size: 100 },
    ];
    expect(planZipParts(entries, 10_000)).toEqual([[0], [1], [2, 3]]);
  });

  it('keeps at most 65,535 entries per archive', () => {
    const entries = range(70_000).map((i) => ({ path: `${i}.webp`, size: 10 }));
    const parts = planZipParts(entries, limits.maxZipPartBytes);
    expect(parts.map((p) => p.length)).toEqual([zip32MaxEntries, 70_000 - zip32MaxEntries]);
    expect(flat(parts)).toEqual(range(70_000));
  });

  it('leaves room in every part for reserved extra files', () => {
    const entries = range(70_000).map((i) => ({ path: `${i}.webp`, size: 10 }));
    const parts = planZipParts(entries, limits.maxZipPartBytes, {
      reservedEntries: 2,
      reservedBytes: 500,
    });
    expect(parts[0]).toHaveLength(zip32MaxEntries - 2);

    const small = range(4).map((i) => ({ path: `${i}.jpg`, size: 1000 }));
    const limit = 22 + 2 * (1000 + zipEntryOverhead('0.jpg'));
    expect(planZipParts(small, limit).map((p) => p.length)).toEqual([2, 2]);
    expect(planZipParts(small, limit, { reservedBytes: 1 }).map((p) => p.length)).toEqual([
      1, 1, 1, 1,
    ]);
  });

  it('splits entries summing over 4 GiB at the real limit, every part under 4 GiB', () => {
    const gib = 1024 ** 3;
    const entries = range(24).map((i) => ({ path: `big/${i}.png`, size: 0.45 * gib }));
    const parts = planZipParts(entries);
    expect(parts.length).toBeGreaterThanOrEqual(2);
    expect(flat(parts)).toEqual(range(24));
    for (const part of parts) {
      expect(partBytes(entries, part)).toBeLessThanOrEqual(limits.maxZipPartBytes);
      expect(partBytes(entries, part)).toBeLessThan(2 ** 32);
    }
  });

  it('never plans a part over 4 GiB even when asked for a larger one', () => {
    const gib = 1024 ** 3;
    const entries = range(3).map((i) => ({ path: `${i}.png`, size: 1.5 * gib }));
    const parts = planZipParts(entries, 100 * gib);
    expect(parts).toEqual([[0, 1], [2]]);
    for (const part of parts) expect(partBytes(entries, part)).toBeLessThanOrEqual(zip32MaxBytes);
  });

  it('rejects an entry that alone cannot fit in a ZIP without ZIP64, naming it', () => {
    const entries = [
      { path: 'ok.jpg', size: 10 },
      { path: 'giant.tiff', size: 4 * 1024 ** 3 },
    ];
    expect(() => planZipParts(entries)).toThrow(ZipEntryTooLargeError);
    expect(() => planZipParts(entries)).toThrow(/giant\.tiff is 4294967296 bytes/);
    // Just under the hard limit is still allowed, alone, past maxPartBytes.
    const nearly = [{ path: 'n.bin', size: zip32MaxBytes - 22 - zipEntryOverhead('n.bin') }];
    expect(planZipParts(nearly, 1000)).toEqual([[0]]);
  });

  it('rejects a limit that is not positive', () => {
    expect(() => planZipParts([], 0)).toThrow('Expected a positive maxPartBytes but received 0');
  });
});
