import type { ConvertResult } from '../../../app/workers/convert.js';
import * as avif from '../../../app/workers/codecs/avif.js';
import * as jpeg from '../../../app/workers/codecs/jpeg.js';
import * as jxl from '../../../codecs/jxl.js';
import * as png from '../../../app/workers/codecs/png.js';
import * as webp from '../../../app/workers/codecs/webp.js';
import type { Pixels } from '../../../codecs/pixels.js';
import { outputFormats, type OutputSettings } from '../../../shared/formats/index.js';
import {
  resizeDefaults,
  type ConversionSettings,
  type ResizeOptions,
} from '../../../shared/presets/index.js';

const decoders = { jpeg, png, webp, avif, jxl };

/** Decodes a conversion's output with the matching wasm decoder. */
export function decodeResult(r: ConvertResult): Promise<Pixels> {
  if (!(r.format in decoders)) throw new Error(`no decoder here for ${r.format}`);
  return decoders[r.format as keyof typeof decoders].decode(new Uint8Array(r.bytes));
}

/** Lossless PNG at the cheapest effort: the reference every lossy output is measured against. */
export const losslessPng: OutputSettings = {
  format: 'png',
  options: { ...outputFormats.png.defaults, effort: 0 },
};

export function settings(
  output: OutputSettings = losslessPng,
  resize: Partial<ResizeOptions> = {},
  rest: Partial<Omit<ConversionSettings, 'output' | 'resize'>> = {},
): ConversionSettings {
  return {
    output,
    resize: { ...resizeDefaults, ...resize },
    metadata: 'strip',
    background: '#ffffff',
    ...rest,
  };
}

/** A `cols` × `rows` greyscale thumbnail by box averaging: small enough to compare shapes. */
export function thumbnail(p: Pixels, cols = 24, rows = 16): Float64Array {
  const out = new Float64Array(cols * rows);
  const counts = new Float64Array(cols * rows);
  for (let y = 0; y < p.height; y++) {
    const ty = Math.min(rows - 1, Math.floor((y * rows) / p.height));
    for (let x = 0; x < p.width; x++) {
      const tx = Math.min(cols - 1, Math.floor((x * cols) / p.width));
      const i = (y * p.width + x) * 4;
      const grey = 0.299 * p.data[i] + 0.587 * p.data[i + 1] + 0.114 * p.data[i + 2];
      out[ty * cols + tx] += grey;
      counts[ty * cols + tx]++;
    }
  }
  return out.map((v, i) => v / counts[i]);
}

/** Mean absolute difference of two thumbnails, 0..255. */
export function meanAbsDiff(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

/** PSNR over RGB in dB (Infinity when identical); the images must be the same size. */
export function psnr(a: Pixels, b: Pixels): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error('sizes differ');
  let se = 0;
  let n = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const d = a.data[i + c] - b.data[i + c];
      se += d * d;
      n++;
    }
  }
  return se === 0 ? Infinity : 10 * Math.log10((255 * 255) / (se / n));
}
