// Per image: scale with the app's browser path, then encode the same pixels with each of the
// format's encoders; time, size and PSNR of each.
//   WebP (2048 px, q75): jSquash at effort 4 and 3, and the canvas encoder.
//   JPEG (1600 px, q72): jSquash MozJPEG progressive and baseline, and the canvas encoder
//   (the engine's libjpeg-turbo).
import { encodeOnCanvas } from '../../../app/workers/codecs/webp-canvas.js';
import { canvasPixels, drawOnCanvas } from '../../../app/workers/pipeline/canvas.js';
import { encode } from '../../../app/workers/codecs/webp.js';
import { encode as encodeJpeg } from '../../../app/workers/codecs/jpeg.js';

export interface EncoderRow {
  ms: Record<Path, number>;
  bytes: Record<Path, number>;
  psnr: Record<Path, number>;
  /** WebP: the canvas encoder's file equals jSquash's at effort 3, byte for byte. */
  identical: boolean;
}

export type Path = 'wasm4' | 'wasm3' | 'canvas' | 'progressive' | 'baseline';

export interface EncoderRequest {
  format: 'webp' | 'jpeg';
  urls: string[];
}

export const edges = { webp: 2048, jpeg: 1600 };

async function pixelsOf(bytes: Uint8Array): Promise<ImageData> {
  const bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d', {
    willReadFrequently: true,
  })!;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return ctx.getImageData(0, 0, ctx.canvas.width, ctx.canvas.height);
}

/** PSNR over R, G and B. */
function psnr(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 4) {
    for (let c = 0; c < 3; c++) sum += (a[i + c] - b[i + c]) ** 2;
  }
  return 10 * Math.log10((255 * 255 * (a.length / 4) * 3) / sum);
}

async function row(url: string, format: EncoderRequest['format']): Promise<EncoderRow> {
  const edge = edges[format];
  const blob = await (await fetch(url)).blob();
  const probe = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  const scale = Math.min(1, edge / Math.max(probe.width, probe.height));
  const bitmap = await createImageBitmap(blob, {
    imageOrientation: 'from-image',
    resizeWidth: Math.round(probe.width * scale),
    resizeHeight: Math.round(probe.height * scale),
    resizeQuality: 'high',
  });
  probe.close();
  // As the app does: drawn on a canvas, which the canvas encoder takes as it is.
  const canvas = drawOnCanvas(bitmap);
  const source = canvasPixels(canvas);

  const out = {} as Record<Path, Uint8Array>;
  const ms = {} as Record<Path, number>;
  const timed = async (path: Path, run: () => Promise<Uint8Array | null>) => {
    const t = performance.now();
    const bytes = await run();
    ms[path] = performance.now() - t;
    if (!bytes) throw new Error(`${path} gave no file for ${url}`);
    out[path] = bytes;
  };
  if (format === 'webp') {
    await timed('wasm4', () => encode(source, { quality: 75, effort: 4, lossless: false }));
    await timed('wasm3', () => encode(source, { quality: 75, effort: 3, lossless: false }));
    await timed('canvas', () =>
      encodeOnCanvas(canvas, { quality: 75, effort: 3, lossless: false }),
    );
  } else {
    const jpeg = { quality: 72, chromaSubsampling: '4:2:0' } as const;
    await timed('progressive', () => encodeJpeg(source, { ...jpeg, progressive: true }));
    await timed('baseline', () => encodeJpeg(source, { ...jpeg, progressive: false }));
    await timed('canvas', async () => {
      const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.72 });
      return new Uint8Array(await blob.arrayBuffer());
    });
  }

  const bytes = {} as Record<Path, number>;
  const quality = {} as Record<Path, number>;
  for (const path of Object.keys(out) as Path[]) {
    bytes[path] = out[path].length;
    quality[path] = psnr(source.data, (await pixelsOf(out[path])).data);
  }
  const a = out.canvas;
  const b = out.wasm3;
  return {
    ms,
    bytes,
    psnr: quality,
    identical: !!b && a.length === b.length && a.every((x, i) => x === b[i]),
  };
}

self.onmessage = async (e: MessageEvent<EncoderRequest>) => {
  try {
    const rows: EncoderRow[] = [];
    for (const url of e.data.urls) rows.push(await row(url, e.data.format));
    self.postMessage({ rows });
  } catch (err) {
    self.postMessage({ error: String((err as Error)?.stack ?? err) });
  }
};
