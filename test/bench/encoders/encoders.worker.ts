// Per image: scale to 2048 with the app's browser path, then encode the same pixels with
// jSquash at effort 4 and 3 and with the canvas encoder; time, size and PSNR of each.
import { encodeOnCanvas } from '../../../app/workers/codecs/webp-canvas.js';
import { canvasPixels, drawOnCanvas } from '../../../app/workers/pipeline/canvas.js';
import { encode } from '../../../app/workers/codecs/webp.js';

export interface EncoderRow {
  ms: Record<Path, number>;
  bytes: Record<Path, number>;
  psnr: Record<Path, number>;
  /** The canvas encoder's file equals jSquash's at effort 3, byte for byte. */
  identical: boolean;
}

export type Path = 'wasm4' | 'wasm3' | 'canvas';

const edge = 2048;

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

async function row(url: string): Promise<EncoderRow> {
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
  await timed('wasm4', () => encode(source, { quality: 75, effort: 4, lossless: false }));
  await timed('wasm3', () => encode(source, { quality: 75, effort: 3, lossless: false }));
  await timed('canvas', () => encodeOnCanvas(canvas, { quality: 75, effort: 3, lossless: false }));

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
    identical: a.length === b.length && a.every((x, i) => x === b[i]),
  };
}

self.onmessage = async (e: MessageEvent<string[]>) => {
  try {
    const rows: EncoderRow[] = [];
    for (const url of e.data) rows.push(await row(url));
    self.postMessage({ rows });
  } catch (err) {
    self.postMessage({ error: String((err as Error)?.stack ?? err) });
  }
};
