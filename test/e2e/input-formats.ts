import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import sharp from 'sharp';
import * as jxl from '../../codecs/jxl.js';
import { provideImageData } from '../../server/convert/image-data.js';
import { generated, sharedFixtures } from './fixture-tree.js';

const require = createRequire(import.meta.url);

/** A 24-bit bottom-up BMP (BITMAPINFOHEADER) of RGB pixels: no encoder here writes BMP. */
function bmp(rgb: Buffer, width: number, height: number): Buffer {
  const stride = Math.ceil((width * 3) / 4) * 4;
  const out = Buffer.alloc(54 + stride * height);
  out.write('BM', 0, 'ascii');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(stride * height, 34);
  for (let y = 0; y < height; y++) {
    const row = 54 + (height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      out[row + x * 3] = rgb[i + 2];
      out[row + x * 3 + 1] = rgb[i + 1];
      out[row + x * 3 + 2] = rgb[i];
    }
  }
  return out;
}

/**
 * One file of each format the app reads that the shared fixtures lack (GIF, WebP, AVIF, BMP,
 * JPEG XL), all 300 × 200 px from the same photo, in test/fixtures/generated/<name>/.
 */
export async function otherFormats(name = 'formats'): Promise<Record<string, string>> {
  const dir = join(generated, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const photo = sharp(join(sharedFixtures, 'exif-orientation/Landscape_1.jpg')).resize(300, 200);
  const { data, info } = await photo.clone().raw().toBuffer({ resolveWithObject: true });
  const rgba = await photo.clone().ensureAlpha().raw().toBuffer();
  provideImageData();
  await jxl.init({
    encode: await WebAssembly.compile(
      readFileSync(require.resolve('@jsquash/jxl/codec/enc/jxl_enc.wasm')),
    ),
  });
  const files: Record<string, Buffer | Uint8Array> = {
    'photo.gif': await photo.clone().gif().toBuffer(),
    'photo.webp': await photo.clone().webp().toBuffer(),
    'photo.avif': await photo.clone().avif({ effort: 0 }).toBuffer(),
    'photo.bmp': bmp(data, info.width, info.height),
    'photo.jxl': await jxl.encode(
      { data: new Uint8ClampedArray(rgba), width: 300, height: 200 },
      { effort: 3, quality: 80, lossless: false },
    ),
  };
  const paths: Record<string, string> = {};
  for (const [file, bytes] of Object.entries(files)) {
    writeFileSync((paths[file] = join(dir, file)), bytes);
  }
  return paths;
}
