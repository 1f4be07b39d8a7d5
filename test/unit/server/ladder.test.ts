import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertImage } from '../../../server/convert/index.js';
import { configureSharp } from '../../../server/convert/sharp-setup.js';
import { WasmPool } from '../../../server/convert/wasm-pool.js';
import { outputFormats, type OutputSettings } from '../../../shared/formats/index.js';
import type { LadderOptions } from '../../../shared/ladder/index.js';
import { limits } from '../../../shared/limits.js';
import { targetDefaults } from '../../../shared/target/schema.js';
import { rgbaOf } from '../sharp-pixels.js';
import { meanAbsDiff, settings, thumbnail } from '../workers/images.js';
import { fixture } from './helpers.js';

const wasm = new WasmPool({ size: 2 });
beforeAll(() => configureSharp());
afterAll(() => wasm.stop());

const opts = { maxInputPixels: limits.maxInputPixels, wasm };
const webp: OutputSettings = { format: 'webp', options: outputFormats.webp.defaults };
const ladder = (l: Partial<LadderOptions>): { ladder: LadderOptions } => ({
  ladder: { widths: [480], formats: ['webp'], template: '{name}-{width}', snippet: false, ...l },
});
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** The file as sharp reads it back: format, size and RGBA pixels. */
async function decoded(data: Uint8Array) {
  const pixels = await rgbaOf(sharp(data));
  const meta = await sharp(data).metadata();
  return { format: meta.format, width: meta.width, height: meta.height, pixels };
}

describe('a size ladder in convertImage', () => {
  it('makes each width × format from the preset’s crop, largest first, never enlarging', async () => {
    // Portrait_6 is 1200 × 1800 upright; covering 600 × 600 crops its middle square.
    const r = await convertImage(
      fixture('exif-orientation/Portrait_6.jpg'),
      settings(
        webp,
        { maxWidth: 600, maxHeight: 600, fit: 'cover' },
        {
          ...ladder({ widths: [150, 300, 1000], formats: ['webp', 'jpeg'] }),
        },
      ),
      opts,
    );
    expect(r.ladder!.map((f) => [f.width, f.height, f.format])).toEqual([
      [600, 600, 'webp'],
      [600, 600, 'jpeg'],
      [300, 300, 'webp'],
      [300, 300, 'jpeg'],
      [150, 150, 'webp'],
      [150, 150, 'jpeg'],
    ]);
    const files = await Promise.all(r.ladder!.map((f) => decoded(f.data)));
    files.forEach((file, k) => {
      const made = r.ladder![k];
      expect([file.format, file.width, file.height]).toEqual([
        made.format,
        made.width,
        made.height,
      ]);
      expect(made.hash8).toBe(sha256(made.data).slice(0, 8));
    });
    // The output is the first file; the input's facts are the input's.
    expect(r.data).toBe(r.ladder![0].data);
    expect([r.format, r.width, r.height]).toEqual(['webp', 600, 600]);
    expect([r.inputWidth, r.inputHeight, r.inputFormat]).toEqual([1200, 1800, 'jpeg']);
    // Every size shows the same square: the crop is kept when scaling straight to each size.
    const largest = thumbnail(files[0].pixels);
    for (const file of files.slice(1)) {
      expect(meanAbsDiff(thumbnail(file.pixels), largest)).toBeLessThan(4);
    }
  });

  it('makes one size of a picture narrower than every width, and never keeps the original', async () => {
    const tiny = fixture('pngsuite/png/basn6a08.png');
    const r = await convertImage(
      tiny,
      settings(
        webp,
        {},
        {
          target: { ...targetDefaults, keepOriginal: true },
          ...ladder({ widths: [200, 400], formats: ['avif', 'png'] }),
        },
      ),
      opts,
    );
    expect(r.keptOriginal).toBeUndefined();
    expect(r.ladder!.map((f) => [f.width, f.height, f.format])).toEqual([
      [32, 32, 'avif'],
      [32, 32, 'png'],
    ]);
    expect(r.format).toBe('avif');
    expect((await decoded(r.ladder![1].data)).format).toBe('png');
  });

  it('meets a size cap in every file, each searched on its own', async () => {
    const maxKB = 8;
    const r = await convertImage(
      fixture('exif-orientation/Landscape_1.jpg'),
      settings(
        webp,
        { maxWidth: 800, maxHeight: 800 },
        {
          target: { ...targetDefaults, mode: 'size', maxKB },
          ...ladder({ widths: [200, 400], formats: ['webp', 'avif'] }),
        },
      ),
      opts,
    );
    // The preset's resize gives 800 px; the ladder's widths step it down.
    expect(r.ladder!.map((f) => [f.width, f.format])).toEqual([
      [400, 'webp'],
      [400, 'avif'],
      [200, 'webp'],
      [200, 'avif'],
    ]);
    for (const made of r.ladder!) {
      expect(made.data.length).toBeLessThanOrEqual(maxKB * 1000);
      // The largest files need the search: they land close under the cap.
      if (made.width === 400) expect(made.data.length).toBeGreaterThan(maxKB * 1000 * 0.85);
      expect(made.target!.trials).toEqual([
        expect.objectContaining({ format: made.format, bytes: made.data.length }),
      ]);
      const file = await decoded(made.data);
      expect([file.width, file.height]).toEqual([made.width, made.height]);
    }
    expect(r.target).toEqual(r.ladder![0].target);
  });
});
