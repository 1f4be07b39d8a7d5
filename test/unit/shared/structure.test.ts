import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { jpegProblem } from '../../../shared/structure/jpeg.js';
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
