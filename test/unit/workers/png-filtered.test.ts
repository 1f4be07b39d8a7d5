import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodeFilteredPng, filterRows } from '../../../codecs/png-filtered.js';
import type { Pixels } from '../../../codecs/pixels.js';
import { rgbaOf } from '../sharp-pixels.js';
import { fixture } from './setup-codecs.js';

/** A fixture's upright pixels as RGBA, as the workers hold them. */
const rgba = (name: string): Promise<Pixels> =>
  rgbaOf(sharp(new Uint8Array(fixture(name))).rotate());

/** The platform's zlib behind CompressionStream, as the browser's workers use it. */
async function platformDeflate(raw: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([raw as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Decodes with libpng (sharp) back to RGBA: every chunk's CRC and the zlib stream checked. */
async function decoded(png: Uint8Array) {
  const image = sharp(png, { failOn: 'error' });
  const meta = await image.metadata();
  const { data } = await image.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { meta, data: new Uint8Array(data) };
}

describe('encodeFilteredPng', () => {
  it.each([
    ['a photo: opaque colour → RGB', 'exif-orientation/Landscape_5.jpg', 2, 3],
    ['colour with alpha → RGBA', 'pngsuite/png/basn6a08.png', 6, 4],
    ['grey → one channel', 'pngsuite/png/basn0g08.png', 0, 1],
    ['grey with alpha → two channels', 'pngsuite/png/basn4a08.png', 4, 2],
  ])('%s, losslessly', async (_, name, colourType, channels) => {
    const pixels = await rgba(name);
    const png = await encodeFilteredPng(pixels, platformDeflate);
    // IHDR: width, height, 8 bits, the colour type the pixels need.
    const view = new DataView(png.buffer, png.byteOffset);
    expect([view.getUint32(16), view.getUint32(20), png[24], png[25]]).toEqual([
      pixels.width,
      pixels.height,
      8,
      colourType,
    ]);
    const { meta, data } = await decoded(png);
    expect(meta.channels).toBe(channels);
    expect(Buffer.from(data).equals(Buffer.from(pixels.data))).toBe(true);
  });

  it('writes a photo smaller than no filtering would, with node zlib or the platform stream', async () => {
    const pixels = await rgba('exif-orientation/Landscape_5.jpg');
    const viaZlib = await encodeFilteredPng(pixels, async (raw) => deflateSync(raw));
    const { data } = await decoded(viaZlib);
    expect(Buffer.from(data).equals(Buffer.from(pixels.data))).toBe(true);
    const unfiltered = await sharp(Buffer.from(pixels.data), { raw: { ...pixels, channels: 4 } })
      .removeAlpha()
      .png({ compressionLevel: 6, adaptiveFiltering: false })
      .toBuffer();
    expect(viaZlib.length).toBeLessThan(unfiltered.length * 0.8);
  });
});

describe('filterRows', () => {
  it('picks Up for a repeated row and Sub for a ramp, and every row undoes to its samples', () => {
    const width = 64;
    const rows = [
      (x: number) => (x * 37) % 251, // noise-like
      (x: number) => (x * 37) % 251, // the row above again: Up makes it all zeros
      (x: number) => x * 2, // a ramp: Sub makes it all twos
      () => 200, // flat
    ];
    const samples = new Uint8Array(width * rows.length);
    rows.forEach((f, y) => {
      for (let x = 0; x < width; x++) samples[y * width + x] = f(x);
    });
    const out = filterRows(samples, width, rows.length, 1);
    const types = rows.map((_, y) => out[y * (width + 1)]);
    expect(types[1]).toBe(2);
    expect(types[2]).toBe(1);
    // Each row's bytes undo to the samples with its filter.
    for (let y = 0; y < rows.length; y++) {
      const type = out[y * (width + 1)];
      for (let x = 0; x < width; x++) {
        const a = x ? samples[y * width + x - 1] : 0;
        const b = y ? samples[(y - 1) * width + x] : 0;
        const c = x && y ? samples[(y - 1) * width + x - 1] : 0;
        const p = a + b - c;
        const paeth =
          Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
            ? a
            : Math.abs(p - b) <= Math.abs(p - c)
              ? b
              : c;
        const predicted = [0, a, b, (a + b) >> 1, paeth][type];
        expect((out[y * (width + 1) + 1 + x] + predicted) & 0xff).toBe(samples[y * width + x]);
      }
    }
  });
});
