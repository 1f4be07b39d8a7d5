import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { jpegProblem } from '../../../shared/structure/jpeg.js';
import { tiffProblem } from '../../../shared/structure/tiff.js';
import { buildTiff, entryAt, LONG, setLe32, SHORT } from './tiff-fixture.js';
import { fixtures } from '../server/helpers.js';

const photos = readdirSync(path.join(fixtures, 'exif-orientation')).filter((f) =>
  f.endsWith('.jpg'),
);
const photo = () =>
  new Uint8Array(readFileSync(path.join(fixtures, 'exif-orientation', photos[0])));

/** The offset of the first scan's entropy-coded data. */
function dataStart(b: Uint8Array): number {
  for (let o = 2; o < b.length;) {
    const length = (b[o + 2] << 8) | b[o + 3];
    if (b[o + 1] === 0xda) return o + 2 + length;
    o += 2 + length;
  }
  throw new Error('no scan');
}

describe('the JPEG structure check', () => {
  it('passes every real photo, baseline and progressive', async () => {
    for (const f of photos) {
      expect(`${f}: ${jpegProblem(readFileSync(path.join(fixtures, 'exif-orientation', f)))}`).toBe(
        `${f}: null`,
      );
    }
    const progressive = await sharp(photo()).jpeg({ progressive: true }).toBuffer();
    expect(jpegProblem(progressive)).toBeNull();
  });

  it('refuses an unknown marker inside the image data, naming it and where', () => {
    const b = photo();
    const at = dataStart(b) + 5000;
    b[at] = 0xff;
    b[at + 1] = 0x55;
    expect(jpegProblem(b)).toBe(
      `the file is damaged (an unknown marker 0x55 at byte ${at} inside its image data)`,
    );
  });

  it('accepts stuffed bytes, restart markers and anything after the end-of-image marker', () => {
    const b = photo();
    const at = dataStart(b) + 5000;
    b.set([0xff, 0x00, 0xff, 0xd3, 0xff, 0xff, 0x00], at);
    const motion = new Uint8Array([...b, 0xff, 0x55, 0xff, 0x02, 1, 2, 3]);
    expect(jpegProblem(motion)).toBeNull();
  });

  it('refuses a file cut inside its data, even when the cut lands inside a segment header', () => {
    const b = photo();
    expect(jpegProblem(b.subarray(0, dataStart(b) + 1000))).toBe(
      'the file is truncated (its end-of-image marker is missing)',
    );
    expect(jpegProblem(b.subarray(0, 100))).toMatch(/^the file is truncated/);
  });
});

describe('the TIFF structure check', () => {
  const small = () => sharp(photo()).resize(64);
  const grey = (rows = 4) => ({
    width: 5,
    height: rows,
    photometric: 1,
    pixels: new Uint8Array(5 * rows).fill(90),
  });

  it('passes what scanners and editors write: every compression both sides read, tiles, 16-bit, alpha, BigTIFF', async () => {
    const files = await Promise.all([
      small().tiff({ compression: 'none' }).toBuffer(),
      small().tiff({ compression: 'lzw', predictor: 'horizontal' }).toBuffer(),
      small().tiff({ compression: 'deflate' }).toBuffer(),
      small().tiff({ compression: 'packbits' }).toBuffer(),
      small().tiff({ compression: 'jpeg' }).toBuffer(),
      small().tiff({ tile: true, tileWidth: 16, tileHeight: 16 }).toBuffer(),
      small().toColourspace('rgb16').tiff().toBuffer(),
      small().ensureAlpha(0.5).tiff().toBuffer(),
      small().toColourspace('b-w').tiff({ bitdepth: 4 }).toBuffer(),
      small().toColourspace('cmyk').tiff({ compression: 'lzw' }).toBuffer(),
      small().tiff({ bigtiff: true }).toBuffer(),
    ]);
    for (const [i, f] of files.entries()) expect(`${i}: ${tiffProblem(f)}`).toBe(`${i}: null`);
    expect(tiffProblem(buildTiff({ ...grey(7), rowsPerStrip: 3 }).bytes)).toBeNull();
  });

  it('names what neither side reads: fax compression, floating point, CIELab, extra channels', async () => {
    const fax = await small()
      .toColourspace('b-w')
      .threshold()
      .tiff({ bitdepth: 1, compression: 'ccittfax4' })
      .toBuffer();
    expect(tiffProblem(fax)).toBe('its CCITT Group 4 (fax) compression is not supported');
    const lab = buildTiff({ ...grey(), photometric: 8, samples: 3, pixels: new Uint8Array(60) });
    expect(tiffProblem(lab.bytes)).toBe('its CIELab colour model is not supported');
    // sharp's default TIFF compression is JPEG, which both sides read for RGB but not CMYK.
    const cmykJpeg = await small().toColourspace('cmyk').tiff().toBuffer();
    expect(tiffProblem(cmykJpeg)).toBe(
      'JPEG compression of palette or CMYK images is not supported',
    );
    const float = buildTiff({
      ...grey(),
      bits: 32,
      pixels: new Uint8Array(80),
      tags: [{ tag: 339, type: SHORT, values: [3] }],
    });
    expect(tiffProblem(float.bytes)).toBe('its floating-point samples are not supported');
    const extra = buildTiff({ ...grey(), samples: 3, pixels: new Uint8Array(60) });
    expect(tiffProblem(extra.bytes)).toBe(
      'its 2 extra channels are not supported (one, for transparency, is)',
    );
    const twelve = buildTiff({ ...grey(), bits: 12, pixels: new Uint8Array(40) });
    expect(tiffProblem(twelve.bytes)).toBe('its 12-bit samples are not supported');
  });

  it('refuses a file whose directory is past the end, as a cut file has it', async () => {
    const whole = await small().tiff().toBuffer();
    const cut = whole.subarray(0, whole.length / 2);
    expect(tiffProblem(cut)).toMatch(
      /^the file is damaged or truncated \(its image directory at byte \d+ lies past its end at byte \d+\)$/,
    );
    expect(tiffProblem(whole.subarray(0, 6))).toBe(
      'the file is truncated (it ends inside its header)',
    );
  });

  it('refuses directory offsets that point into the header or loop back', () => {
    const { bytes: b, ifd } = buildTiff(grey());
    const into = new Uint8Array(b);
    setLe32(into, 4, 4);
    expect(tiffProblem(into)).toBe(
      'the file is damaged (its first directory would start at byte 4, inside the header)',
    );
    const loop = new Uint8Array(b);
    setLe32(loop, ifd + 2 + 9 * 12, ifd);
    expect(tiffProblem(loop)).toBe('the file is damaged (the directory of page 2 loops back)');
    const lost = new Uint8Array(b);
    setLe32(lost, ifd + 2 + 9 * 12, b.length + 8);
    expect(tiffProblem(lost)).toBe(
      `the file is damaged or truncated (the directory of page 2 at byte ${b.length + 8} lies past its end at byte ${b.length})`,
    );
  });

  it('refuses image data that runs past the end or is shorter than its rows', () => {
    const { bytes: b, ifd } = buildTiff({ ...grey(6), rowsPerStrip: 2 });
    // Three strips of 10 bytes at 8, 18, 28: their offsets are out of line, after the pixels.
    const offsets = new DataView(b.buffer).getUint32(entryAt(b, ifd, 273) + 8, true);
    const past = new Uint8Array(b);
    setLe32(past, offsets + 8, b.length - 4);
    expect(tiffProblem(past)).toBe(
      `the file is truncated (its image data runs to byte ${b.length + 6}, past its end at byte ${b.length})`,
    );
    const counts = new DataView(b.buffer).getUint32(entryAt(b, ifd, 279) + 8, true);
    const short = new Uint8Array(b);
    setLe32(short, counts + 4, 9);
    expect(tiffProblem(short)).toBe(
      'the file is truncated (an uncompressed strip holds 9 bytes, its rows need 10)',
    );
    const few = buildTiff({
      ...grey(6),
      rowsPerStrip: 2,
      tags: [{ tag: 278, type: LONG, values: [1] }],
    });
    expect(tiffProblem(few.bytes)).toBe('the file is damaged (it lists 3 strips, 6 are needed)');
    const unlisted = buildTiff({ ...grey(), omit: [279] });
    expect(tiffProblem(unlisted.bytes)).toBe('the file is damaged (its strips are not listed)');
  });

  it('refuses a palette image without its palette', () => {
    const noMap = buildTiff({ ...grey(), photometric: 3 });
    expect(tiffProblem(noMap.bytes)).toBe('the file is damaged (its colour palette is missing)');
  });

  it('never throws on overwritten bytes anywhere in a small file', () => {
    const { bytes: b } = buildTiff({ ...grey(6), rowsPerStrip: 2 });
    for (let at = 0; at < b.length; at++) {
      for (const v of [0, 0x7f, 0xff]) {
        const d = new Uint8Array(b);
        d[at] = v;
        expect(() => tiffProblem(d), `byte ${at} = ${v}`).not.toThrow();
      }
    }
  });
});
