import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { join } from 'node:path';
import type { OutputSettings } from '../../../shared/formats/index.js';
import {
  encodeToTarget,
  QualityMemory,
  type TargetSide,
} from '../../../shared/target/encode-to-target.js';
import { targetDefaults, type TargetOptions } from '../../../shared/target/schema.js';

const photo = join(
  import.meta.dirname,
  '../../../../shared/fixtures/exif-orientation/Landscape_1.jpg',
);

/** A side that encodes with sharp, as the server does: real encoders, real curves. */
async function sharpSide(width: number): Promise<TargetSide & { calls: string[] }> {
  const { data, info } = await sharp(photo)
    .resize(width)
    .raw()
    .toBuffer({ resolveWithObject: true });
  const calls: string[] = [];
  return {
    calls,
    async encode(output, scale) {
      calls.push(`${output.format}@${scale.toFixed(2)}`);
      let img = sharp(data, { raw: info });
      if (scale < 1) img = img.resize(Math.max(1, Math.round(info.width * scale)));
      const o = output.options as { quality?: number };
      if (output.format === 'jpeg')
        return img.jpeg({ quality: o.quality!, mozjpeg: true }).toBuffer();
      if (output.format === 'webp') return img.webp({ quality: o.quality, effort: 3 }).toBuffer();
      if (output.format === 'avif') return img.avif({ quality: o.quality!, effort: 2 }).toBuffer();
      return img.png().toBuffer();
    },
    async score() {
      throw new Error('not used by size targets');
    },
  };
}

const jpeg: OutputSettings = {
  format: 'jpeg',
  options: { quality: 75, progressive: true, chromaSubsampling: '4:2:0' },
};
const webp: OutputSettings = {
  format: 'webp',
  options: { quality: 75, lossless: false, effort: 3 },
};
const avif: OutputSettings = {
  format: 'avif',
  options: { quality: 50, lossless: false, effort: 2, chromaSubsampling: '4:2:0' },
};
const png: OutputSettings = { format: 'png', options: { effort: 2, interlace: false } };
const size = (maxKB: number, shrink = false): TargetOptions => ({
  ...targetDefaults,
  mode: 'size',
  maxKB,
  shrink,
});

describe('encodeToTarget with a size cap', () => {
  it('fits every format under the cap and keeps the smallest, saying how each fared', async () => {
    const side = await sharpSide(900);
    const r = await encodeToTarget(side, {
      target: size(60),
      outputs: [jpeg, webp, avif],
      maxScore: 0,
    });
    expect(r.bytes.length).toBeLessThanOrEqual(60_000);
    expect(r.trials.map((t) => t.format)).toEqual(['jpeg', 'webp', 'avif']);
    for (const t of r.trials) {
      expect(t.bytes!, t.format).toBeLessThanOrEqual(60_000);
      expect(t.bytes!, t.format).toBeGreaterThanOrEqual(60_000 * 0.85);
    }
    // Every format lands just under the cap; the smallest of them wins.
    const smallest = Math.min(...r.trials.map((t) => t.bytes!));
    expect(r.bytes.length).toBe(smallest);
    expect(r.attempts).toBe(r.trials.reduce((n, t) => n + t.attempts, 0));
    expect(r.attempts).toBe(side.calls.length);
    expect(r.scale).toBe(1);
  });

  it('fails with how close it got when even the lowest quality is too big, unless allowed to shrink', async () => {
    const side = await sharpSide(1600);
    await expect(
      encodeToTarget(side, { target: size(8), outputs: [jpeg], maxScore: 0 }),
    ).rejects.toThrow(
      /JPEG does not fit in 8 kB: the smallest file at quality 1 is \d+ kB \(\d+ % over\); allow making the picture smaller/,
    );
    const shrunk = await encodeToTarget(side, {
      target: size(8, true),
      outputs: [jpeg],
      maxScore: 0,
    });
    expect(shrunk.bytes.length).toBeLessThanOrEqual(8_000);
    expect(shrunk.scale).toBeLessThan(1);
    const { width } = await sharp(shrunk.bytes).metadata();
    expect(width).toBe(Math.round(1600 * shrunk.scale));
  });

  it('encodes a lossless format once per size and shrinks it to fit when allowed', async () => {
    const side = await sharpSide(600);
    const r = await encodeToTarget(side, { target: size(150, true), outputs: [png], maxScore: 0 });
    expect(r.bytes.length).toBeLessThanOrEqual(150_000);
    expect(r.trials[0].quality).toBeUndefined();
    expect(r.attempts).toBeLessThanOrEqual(5);
  });

  it('encodes once at the set quality when the target is quality', async () => {
    const side = await sharpSide(600);
    const r = await encodeToTarget(side, { target: targetDefaults, outputs: [webp], maxScore: 0 });
    expect(r.attempts).toBe(1);
    expect(r.output).toEqual(webp);
  });
});

describe('QualityMemory', () => {
  it('starts the next search at what the last files settled on, saving encodes', async () => {
    const side = await sharpSide(900);
    const memory = new QualityMemory();
    const req = { target: size(60), outputs: [webp], maxScore: 0, memory };
    const first = await encodeToTarget(side, req);
    const again = await encodeToTarget(side, req);
    expect(again.bytes.length).toBeLessThanOrEqual(60_000);
    // The same picture: the remembered quality is the answer, found in one encode.
    expect(again.attempts).toBe(1);
    expect(first.attempts).toBeGreaterThan(1);
    expect(memory.guess('nothing like it')).toBeUndefined();
  });
});
