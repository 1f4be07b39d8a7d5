import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import * as avif from '../../../app/workers/codecs/avif.js';
import { repairAvifContainer } from '../../../app/workers/codecs/avif-container.js';
import { decodeWasm } from '../../../app/workers/codecs/index.js';
import { convert } from '../../../app/workers/convert.js';
import type { Pixels } from '../../../codecs/pixels.js';
import { readHeif } from '../../../shared/headers/bmff.js';
import { limits } from '../../../shared/limits.js';
import { decodeResult, psnr, settings } from './images.js';
import { fixture, repoRoot, setupCodecs } from './setup-codecs.js';

beforeAll(() => setupCodecs());

// 320 × 214 px, alpha rising from 0 at the left edge to 255 at the right, a clap cropping it
// to 288 × 194, and no pixi on either item: Chromium reads it, Firefox and libavif's strict
// parser refuse it (test/fixtures/README.md says how it was made).
const croppedAlpha = () =>
  new Uint8Array(readFileSync(path.join(repoRoot, 'test/fixtures/cropped-alpha-no-pixi.avif')));

/** The fixture's pixi boxes were renamed 'free'; renaming them back restores the original. */
function withPixi(b: Uint8Array): Uint8Array {
  return rename(b, 'free', 'pixi');
}

function rename(b: Uint8Array, from: string, to: string): Uint8Array {
  const out = Buffer.from(b);
  for (let i = out.indexOf(from); i >= 0; i = out.indexOf(from, i + 1)) out.write(to, i, 'latin1');
  return new Uint8Array(out);
}

/** Sets the clap's horizontal offset (ISO/IEC 14496-12 12.1.4: eight 32-bit fields). */
function clapHorizontalOffset(b: Uint8Array, n: number, d: number): Uint8Array {
  const out = Buffer.from(b);
  const type = out.indexOf('clap');
  out.writeInt32BE(n, type + 4 + 16);
  out.writeInt32BE(d, type + 4 + 20);
  return new Uint8Array(out);
}

/**
 * Points the alpha item's (id 2) ispe association at the colr property instead: in the
 * fixture's ipma the entry for item 2 starts 'item id, count, 0x01 (ispe)'.
 */
function alphaWithoutIspe(b: Uint8Array): Uint8Array {
  const out = Buffer.from(b);
  const entry = out.indexOf(Buffer.from([0x00, 0x02, 0x04, 0x01]), out.indexOf('ipma'));
  out[entry + 3] = 0x04;
  return new Uint8Array(out);
}

const alphaAt = (p: Pixels, x: number, y: number) => p.data[(y * p.width + x) * 4 + 3];

describe("AVIF files libavif's strict parser refuses", () => {
  it('reads the cropped AVIF with alpha and no pixi, with the pixels of the same file with pixi', async () => {
    const bytes = croppedAlpha();
    await expect(avif.decode(bytes)).rejects.toThrow();
    const out = await decodeWasm('avif', bytes);
    // The whole coded image, as Chromium and libavif give it: neither applies clap.
    expect([out.width, out.height]).toEqual([320, 214]);
    expect(alphaAt(out, 0, 100)).toBe(0);
    expect(alphaAt(out, 319, 100)).toBe(255);
    const reference = await avif.decode(withPixi(bytes));
    expect(Buffer.from(out.data).equals(Buffer.from(reference.data))).toBe(true);
  });

  it('reads a clap whose crop falls between pixels', async () => {
    const bytes = clapHorizontalOffset(withPixi(croppedAlpha()), 1, 2);
    await expect(avif.decode(bytes)).rejects.toThrow();
    const out = await decodeWasm('avif', bytes);
    expect([out.width, out.height]).toEqual([320, 214]);
  });

  it("gives an alpha item without its own ispe the primary's (libheif reads it, Chromium does not)", async () => {
    const bytes = alphaWithoutIspe(withPixi(croppedAlpha()));
    await expect(avif.decode(bytes)).rejects.toThrow();
    const out = await decodeWasm('avif', bytes);
    expect(alphaAt(out, 0, 0)).toBe(0);
    expect(alphaAt(out, 319, 0)).toBe(255);
  });

  it("reads libheif's example.avif, which has no pixi", async () => {
    const bytes = new Uint8Array(fixture('heif/example.avif'));
    await expect(avif.decode(bytes)).rejects.toThrow();
    const out = await decodeWasm('avif', bytes);
    const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({
      resolveWithObject: true,
    });
    const reference = { data: new Uint8ClampedArray(data), width: info.width, height: info.height };
    expect([out.width, out.height]).toEqual([800, 533]);
    // libheif and libavif turn YUV into RGB a little differently: libavif's own avifdec
    // (--no-strict) is 36.5 dB from sharp's decode of this file too.
    expect(psnr(out, reference)).toBeGreaterThan(35);
  });

  it('converts the cropped AVIF with alpha to PNG, keeping the alpha', async () => {
    const r = await convert({
      bytes: croppedAlpha().buffer as ArrayBuffer,
      name: 'cropped.avif',
      settings: settings(),
      maxInputPixels: limits.maxInputPixels,
    });
    expect([r.inputFormat, r.width, r.height]).toEqual(['avif', 320, 214]);
    const back = await decodeResult(r);
    expect(alphaAt(back, 0, 50)).toBe(0);
    expect(alphaAt(back, 319, 50)).toBe(255);
  });
});

describe('repairAvifContainer', () => {
  it('keeps the header facts: same size, still an AVIF the header reader understands', () => {
    const repaired = repairAvifContainer(croppedAlpha())!;
    expect(readHeif(repaired)).toEqual(readHeif(croppedAlpha()));
    // The pixi boxes it wrote: 8-bit, three channels for the colour item, one for alpha.
    expect(Buffer.from(repaired).includes(Buffer.from('pixi'))).toBe(true);
    expect(Buffer.from(repaired).includes(Buffer.from('clap'))).toBe(false);
  });

  it('returns null for a file with nothing to repair', async () => {
    const plain = new Uint8Array(
      await sharp(fixture('pngsuite/png/basn6a08.png')).avif().toBuffer(),
    );
    expect(repairAvifContainer(plain)).toBeNull();
  });

  it('returns null for a truncated file, so the decoder error stays the reported one', async () => {
    const bytes = croppedAlpha();
    expect(repairAvifContainer(bytes.subarray(0, 400))).toBeNull();
    expect(repairAvifContainer(bytes.subarray(0, bytes.length - 100))).toBeNull();
    const err = await decodeWasm('avif', bytes.subarray(0, bytes.length - 100)).catch((e) => e);
    expect(String(err)).toMatch(/Decoding error/);
  });
});
