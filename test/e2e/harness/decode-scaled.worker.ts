// Runs the app's scaled JPEG decode (ImageDecoder) against createImageBitmap's, in a real
// Chromium worker.
import { decodeJpegScaled } from '../../../app/workers/pipeline/decode-scaled.js';
import { canvasPixels, drawOnCanvas } from '../../../app/workers/pipeline/canvas.js';
import { orient } from '../../../app/workers/pipeline/orient.js';

export interface ScaledRequest {
  /** JPEGs, base64, with their EXIF orientation, all of this upright size. */
  jpegs: { jpeg: string; orientation: number }[];
  width: number;
  height: number;
  /** Target sizes to decode to. */
  targets: { width: number; height: number }[];
}

type Result = { width: number; height: number; psnr: number } | null;

export interface ScaledAnswer {
  /**
   * Per JPEG, per target: null when the path declined, else its size and PSNR against
   * createImageBitmap's upright decode.
   */
  results: Result[][];
}

function psnr(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let se = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    if (i % 4 === 3) continue;
    se += (a[i] - b[i]) ** 2;
    n++;
  }
  return se === 0 ? Infinity : 10 * Math.log10((255 * 255 * n) / se);
}

self.onmessage = async (e: MessageEvent<ScaledRequest>) => {
  try {
    const r = e.data;
    const answer: ScaledAnswer = { results: [] };
    for (const { jpeg, orientation } of r.jpegs) {
      const blob = new Blob([Uint8Array.from(atob(jpeg), (c) => c.charCodeAt(0))], {
        type: 'image/jpeg',
      });
      answer.results.push(await decodeAll(blob, orientation, r));
    }
    self.postMessage(answer);
  } catch (err) {
    self.postMessage({ error: String(err) });
  }
};

async function decodeAll(blob: Blob, orientation: number, r: ScaledRequest): Promise<Result[]> {
  const results: Result[] = [];
  for (const t of r.targets) {
    const scaled = await decodeJpegScaled(blob, r, t.width, t.height, orientation);
    if (!scaled) {
      results.push(null);
      continue;
    }
    const reference = await createImageBitmap(blob, {
      imageOrientation: 'from-image',
      resizeWidth: t.width,
      resizeHeight: t.height,
      resizeQuality: 'high',
    });
    // Turned upright as decode-browser.ts does.
    const ours = orient(canvasPixels(drawOnCanvas(scaled.bitmap)), scaled.turn);
    const size = { width: ours.width, height: ours.height };
    const value = psnr(ours.data, canvasPixels(drawOnCanvas(reference)).data);
    results.push({ ...size, psnr: value });
  }
  return results;
}
