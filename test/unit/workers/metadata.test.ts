import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { convert } from '../../../app/workers/convert.js';
import { outputFormats, type OutputSettings } from '../../../shared/formats/index.js';
import { limits } from '../../../shared/limits.js';
import { extractExif } from '../../../shared/metadata/exif.js';
import type { MetadataMode } from '../../../shared/presets/index.js';
import { settings } from './images.js';
import { buildExif, contains, jpegWithExif, latitudeBytes, readTags } from './exif-fixture.js';
import { fixture, setupCodecs } from './setup-codecs.js';

beforeAll(() => setupCodecs());

// No fixture carries GPS (checked with extractExif), so the test photo gets a hand-built block:
// Landscape_6 is stored turned, with orientation 6; the block says 6 too and adds GPS.
const little = false;
const input = jpegWithExif(
  new Uint8Array(fixture('exif-orientation/Landscape_6.jpg')),
  buildExif(little, 6),
);

const outputs: OutputSettings[] = [
  { format: 'jpeg', options: outputFormats.jpeg.defaults },
  { format: 'webp', options: outputFormats.webp.defaults },
  { format: 'webp', options: { ...outputFormats.webp.defaults, lossless: true } },
  { format: 'png', options: { effort: 0, interlace: false } },
];

async function run(output: OutputSettings, metadata: MetadataMode) {
  const r = await convert({
    bytes: input.slice().buffer,
    name: 'gps.jpg',
    settings: settings(output, { maxWidth: 120, maxHeight: 120 }, { metadata }),
    maxInputPixels: limits.maxInputPixels,
  });
  return { result: r, bytes: new Uint8Array(r.bytes) };
}

describe.each(outputs)('metadata into %o', (output) => {
  it('strip writes no EXIF and no coordinates', async () => {
    const { bytes } = await run(output, 'strip');
    expect(extractExif(bytes, output.format)).toBeNull();
    expect(contains(bytes, latitudeBytes(little))).toBe(false);
  });

  it('keep carries EXIF and GPS over, with Orientation 1 for the upright pixels', async () => {
    const { result, bytes } = await run(output, 'keep');
    expect([result.width, result.height]).toEqual([120, 80]);
    const exif = extractExif(bytes, output.format);
    expect(exif).not.toBeNull();
    const tags = readTags(exif!);
    expect(tags.ifd0.get(0x0112)?.value).toBe(1);
    expect(tags.exif?.get(0xa002)?.value).toBe(120);
    expect(tags.gps?.get(0x0002)?.count).toBe(3);
    expect(contains(bytes, latitudeBytes(little))).toBe(true);
    // libvips reads the result too, and sees no turn left to apply.
    const meta = await sharp(bytes).metadata();
    expect(meta.exif?.length).toBeGreaterThan(0);
    expect(meta.orientation ?? 1).toBe(1);
    expect([meta.width, meta.height]).toEqual([120, 80]);
  });

  it('keep-no-gps carries EXIF over without any location', async () => {
    const { bytes } = await run(output, 'keep-no-gps');
    const exif = extractExif(bytes, output.format);
    expect(exif).not.toBeNull();
    const tags = readTags(exif!);
    expect(tags.gps).toBeNull();
    expect(tags.ifd0.has(0x8825)).toBe(false);
    expect(tags.exif?.get(0x9003)?.count).toBe(20);
    expect(contains(bytes, latitudeBytes(little))).toBe(false);
  });
});

it('keep writes nothing into AVIF or JPEG XL (their EXIF needs container boxes)', async () => {
  for (const output of [
    { format: 'avif', options: { ...outputFormats.avif.defaults, effort: 0 } },
    { format: 'jxl', options: { ...outputFormats.jxl.defaults, effort: 1 } },
  ] as OutputSettings[]) {
    const { bytes } = await run(output, 'keep');
    expect(contains(bytes, latitudeBytes(little))).toBe(false);
  }
});
