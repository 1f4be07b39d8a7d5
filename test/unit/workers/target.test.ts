import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convert, type ConvertResult } from '../../../app/workers/convert.js';
import { outputFormats, type OutputSettings } from '../../../shared/formats/index.js';
import { ladderDefaults } from '../../../shared/ladder/index.js';
import { limits } from '../../../shared/limits.js';
import type { ConversionSettings } from '../../../shared/presets/index.js';
import { levelScores } from '../../../shared/target/levels.js';
import { targetDefaults, type TargetOptions } from '../../../shared/target/schema.js';
import { settings } from './images.js';
import { fixture, setupCodecs } from './setup-codecs.js';

beforeAll(() => setupCodecs());
const dir = mkdtempSync(path.join(tmpdir(), 'pixpool-target-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const webp: OutputSettings = { format: 'webp', options: outputFormats.webp.defaults };
const jpeg: OutputSettings = { format: 'jpeg', options: outputFormats.jpeg.defaults };
const box = (px: number) => ({ maxWidth: px, maxHeight: px });
const target = (t: Partial<TargetOptions>) => ({ target: { ...targetDefaults, ...t } });
const run = (name: string, s: ConversionSettings) =>
  convert({ bytes: fixture(name), name, settings: s, maxInputPixels: limits.maxInputPixels });
const bytesOf = (r: ConvertResult) => new Uint8Array(r.bytes);

describe('targets in the workers', () => {
  it('fits a file-size cap: under it and within 15 % of it, with the quality it chose', async () => {
    for (const maxKB of [30, 80]) {
      const r = await run(
        'exif-orientation/Landscape_1.jpg',
        settings(webp, box(1200), target({ mode: 'size', maxKB })),
      );
      expect(r.bytes.byteLength).toBeLessThanOrEqual(maxKB * 1000);
      expect(r.bytes.byteLength).toBeGreaterThanOrEqual(maxKB * 1000 * 0.85);
      expect(r.target!.attempts).toBeLessThanOrEqual(7);
      expect(r.target!.quality).toBeGreaterThan(0);
    }
  });

  it.each(['butteraugli', 'ssimulacra'] as const)(
    'meets a visual level by %s as its reference binary scores it',
    async (metric) => {
      const name = 'exif-orientation/Landscape_3.jpg';
      const level = 'high';
      const reference = await run(name, settings(undefined, box(640)));
      const r = await run(
        name,
        settings(webp, box(640), target({ mode: 'visual', level, metric })),
      );
      const [a, b] = [path.join(dir, 'a.png'), path.join(dir, 'b.png')];
      writeFileSync(a, bytesOf(reference));
      writeFileSync(b, await sharp(bytesOf(r)).png().toBuffer());
      const binary = metric === 'butteraugli' ? 'butteraugli_main' : 'ssimulacra_main';
      const out = execFileSync(binary, [a, b], { encoding: 'utf8', stdio: 'pipe' });
      const measured = Number(out.trim().split('\n')[0]);
      expect(measured).toBeLessThanOrEqual(levelScores[metric][level] * 1.001 + 1e-4);
      expect(Math.abs(measured - r.target!.score!)).toBeLessThan(1e-3 * measured + 1e-4);
    },
  );

  it('fails a cap no quality meets with the words the server uses, or shrinks to fit it', async () => {
    const tight = settings(jpeg, box(1600), target({ mode: 'size', maxKB: 4 }));
    await expect(run('exif-orientation/Landscape_1.jpg', tight)).rejects.toThrow(
      /^JPEG does not fit in 4 kB: the smallest file at quality 1 is \d+ kB \(\d+ % over\)/,
    );
    const r = await run('exif-orientation/Landscape_1.jpg', {
      ...tight,
      target: { ...tight.target!, shrink: true },
    });
    expect(r.bytes.byteLength).toBeLessThanOrEqual(4000);
    expect(r.target!.scale).toBeLessThan(1);
    expect((await sharp(bytesOf(r)).metadata()).width).toBe(r.width);
  });
});

describe('best format and never bigger in the workers', () => {
  it('tries every allowed format and keeps the smallest, as the server does', async () => {
    const r = await run('exif-orientation/Landscape_1.jpg', {
      ...settings(webp, box(800), target({ mode: 'size', maxKB: 40 })),
      alsoTry: ['avif', 'jpeg'],
    });
    const trials = r.target!.trials;
    expect(trials.map((t) => t.format)).toEqual(['webp', 'avif', 'jpeg']);
    const smallest = trials.reduce((a, b) => (b.bytes! < a.bytes! ? b : a));
    expect([r.format, r.bytes.byteLength]).toEqual([smallest.format, smallest.bytes]);
    expect(r.mimeType).toBe(outputFormats[smallest.format].mimeType);
  });

  it('keeps the original bytes when the result would not be smaller', async () => {
    const name = 'pngsuite/png/basn6a08.png';
    const r = await run(name, settings(webp, {}, target({ keepOriginal: true })));
    expect([r.keptOriginal, r.format, r.mimeType]).toEqual([true, 'png', 'image/png']);
    expect(Buffer.from(r.bytes).equals(Buffer.from(fixture(name)))).toBe(true);
  });
});

describe('size ladders in the workers', () => {
  it('makes every size × format from one decode, each file what it says, hashed', async () => {
    const name = 'exif-orientation/Landscape_1.jpg';
    const r = await run(name, {
      ...settings(webp, box(1000), { metadata: 'keep' }),
      ladder: { ...ladderDefaults, widths: [200, 500, 5000], formats: ['avif', 'webp'] },
    });
    const files = r.ladder!;
    const base = (await sharp(fixture(name)).autoOrient().metadata()) as { width: number };
    const widest = Math.min(1000, base.width);
    expect(files.map((f) => `${f.width} ${f.format}`)).toEqual([
      `${widest} avif`,
      `${widest} webp`,
      '500 avif',
      '500 webp',
      '200 avif',
      '200 webp',
    ]);
    // The first file is the output itself.
    expect(files[0].bytes).toBe(r.bytes);
    expect([r.format, r.width]).toEqual(['avif', widest]);
    for (const f of files) {
      const meta = await sharp(new Uint8Array(f.bytes)).metadata();
      expect([meta.format === 'heif' ? 'avif' : meta.format, meta.width, meta.height]).toEqual([
        f.format,
        f.width,
        f.height,
      ]);
      const sha = createHash('sha256').update(new Uint8Array(f.bytes)).digest('hex');
      expect(f.hash8).toBe(sha.slice(0, 8));
    }
    // EXIF is carried into every file, as the preset asks.
    expect((await sharp(new Uint8Array(files[3].bytes)).metadata()).exif).toBeDefined();
  });

  it('meets the target in every file of the ladder', async () => {
    const r = await run('exif-orientation/Landscape_1.jpg', {
      ...settings(webp, box(900), target({ mode: 'size', maxKB: 25 })),
      ladder: { ...ladderDefaults, widths: [300, 900], formats: ['webp', 'jpeg'] },
    });
    expect(r.ladder).toHaveLength(4);
    for (const f of r.ladder!) {
      expect(f.bytes.byteLength).toBeLessThanOrEqual(25_000);
      expect(f.target!.attempts).toBeGreaterThanOrEqual(1);
    }
  });
});
