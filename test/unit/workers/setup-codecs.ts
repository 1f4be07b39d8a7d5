import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as avif from '../../../app/workers/codecs/avif.js';
import * as heic from '../../../codecs/heic.js';
import * as jpeg from '../../../app/workers/codecs/jpeg.js';
import * as jxl from '../../../codecs/jxl.js';
import * as png from '../../../app/workers/codecs/png.js';
import * as webp from '../../../app/workers/codecs/webp.js';
import * as resize from '../../../app/workers/pipeline/resize.js';
import { provideImageData } from '../../../server/convert/image-data.js';

const require = createRequire(import.meta.url);

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const fixtures = path.resolve(repoRoot, '../shared/fixtures');

/** Reads a fixture as an ArrayBuffer of its own (convert() takes one). */
export function fixture(relative: string): ArrayBuffer {
  const b = readFileSync(path.join(fixtures, relative));
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
}

function compile(specifier: string): Promise<WebAssembly.Module> {
  return WebAssembly.compile(readFileSync(require.resolve(specifier)));
}

let ready: Promise<void> | undefined;

/**
 * Instantiates every codec from node_modules, the variants the browser build picks without
 * cross-origin isolation: SIMD WebP encoder, single-thread AVIF, JPEG XL and OxiPNG.
 */
export function setupCodecs(): Promise<void> {
  provideImageData();
  ready ??= (async () => {
    const [jd, je, wd, we, ad, ae, xd, xe, p, o, r] = await Promise.all(
      [
        '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm',
        '@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm',
        '@jsquash/webp/codec/dec/webp_dec.wasm',
        '@jsquash/webp/codec/enc/webp_enc_simd.wasm',
        '@jsquash/avif/codec/dec/avif_dec.wasm',
        '@jsquash/avif/codec/enc/avif_enc.wasm',
        '@jsquash/jxl/codec/dec/jxl_dec.wasm',
        '@jsquash/jxl/codec/enc/jxl_enc.wasm',
        '@jsquash/png/codec/pkg/squoosh_png_bg.wasm',
        '@jsquash/oxipng/codec/pkg/squoosh_oxipng_bg.wasm',
        '@jsquash/resize/lib/resize/pkg/squoosh_resize_bg.wasm',
      ].map(compile),
    );
    await Promise.all([
      jpeg.init({ decode: jd, encode: je }),
      webp.init({ decode: wd, encode: we }),
      avif.init({ decode: ad, encode: ae }),
      jxl.init({ decode: xd, encode: xe }),
      png.init({ png: p, oxipng: o }),
      resize.init(r),
      heic.init(),
    ]);
  })();
  return ready;
}
