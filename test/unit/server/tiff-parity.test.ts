import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { convert } from '../../../app/workers/convert.js';
import { convertImage } from '../../../server/convert/index.js';
import { configureSharp } from '../../../server/convert/sharp-setup.js';
import { limits } from '../../../shared/limits.js';
import { tiffCorpus, type CorpusFile } from '../shared/tiff-fixture.js';
import { psnr, settings } from '../workers/images.js';
import { setupCodecs } from '../workers/setup-codecs.js';
import { fixture } from './helpers.js';

// TIFF takes no browser path (createImageBitmap cannot read it outside Safari), so the app's
// pipeline in Node is the one its workers run: this compares the two sides on one corpus.
// test/e2e/tiff.spec.ts runs the same corpus through Chromium.

let corpus: Record<string, CorpusFile>;
beforeAll(async () => {
  configureSharp();
  await setupCodecs();
  corpus = await tiffCorpus(fixture('exif-orientation/Landscape_1.jpg'));
});

// Lossless PNG at the stored size, so the pixels themselves can be compared.
const png = settings(
  { format: 'png', options: { effort: 0, interlace: false } },
  { maxWidth: 0, maxHeight: 0 },
);
const max = { maxInputPixels: limits.maxInputPixels };

type Outcome = { status: 'done'; data: Uint8Array } | { status: 'failed'; text: string };

const settle = (p: Promise<{ data: Uint8Array }>): Promise<Outcome> =>
  p.then(
    (r) => ({ status: 'done', data: r.data }),
    (e: Error) => ({ status: 'failed', text: e.message }),
  );

/** The plain words of a reason, without the decoder's own text in brackets. */
const plain = (text: string) => text.replace(/ \([^()]*\)$/, '');

async function rgba(b: Uint8Array) {
  const { data, info } = await sharp(b).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8ClampedArray(data), width: info.width, height: info.height };
}

describe('the same TIFF gets the same verdict in the app and on the server', () => {
  it('has valid files and damaged ones in the corpus', async () => {
    const verdicts = Object.values(corpus).map((f) => f.verdict);
    expect(verdicts.filter((v) => v === 'done').length).toBeGreaterThanOrEqual(10);
    expect(verdicts.filter((v) => v === 'failed').length).toBeGreaterThanOrEqual(8);
  });

  it.each([
    'rgb8-none.tif',
    'rgb8-lzw.tif',
    'rgb8-deflate.tif',
    'rgb8-packbits.tif',
    'rgb8-jpeg.tif',
    'rgb16-lzw.tif',
    'grey8-deflate.tif',
    'grey16.tif',
    'rgba8-lzw.tif',
    'rgb8-tiled.tif',
    'two-pages.tif',
    'turned-6.tif',
    'cut-50.tif',
    'cut-99.tif',
    'ifd-past-end.tif',
    'ifd-in-header.tif',
    'strip-past-end.tif',
    'page-2-past-end.tif',
    'pages-loop.tif',
    'lzw-bad-bytes.tif',
    'deflate-bad-bytes.tif',
    'jpeg-bad-bytes.tif',
    'jpeg-bad-marker.tif',
    'none-bad-bytes.tif',
  ])('%s', async (name) => {
    const { bytes, verdict } = corpus[name];
    const app = await settle(
      convert({ bytes: bytes.slice().buffer, name, settings: png, ...max }).then((r) => ({
        data: new Uint8Array(r.bytes),
      })),
    );
    const server = await settle(convertImage(bytes, png, max));
    expect(app.status, name).toBe(verdict);
    expect(server.status, name).toBe(verdict);
    if (app.status === 'failed' && server.status === 'failed') {
      expect(app.text).toMatch(/^Could not decode TIFF: /);
      expect(plain(app.text)).toBe(plain(server.text));
    }
    if (app.status === 'done' && server.status === 'done' && !name.includes('bad-bytes')) {
      // The same pixels: both sides hand JPEG data to libjpeg and scale 16-bit the same way.
      // (Not for damaged data: how two libjpeg builds conceal it differs.)
      expect(psnr(await rgba(app.data), await rgba(server.data))).toBe(Infinity);
    }
  });
});
