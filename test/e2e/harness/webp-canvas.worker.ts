// Runs the app's canvas WebP encoder and jSquash side by side, in a real browser worker.
import {
  bitmapCanvas,
  canvasRoute,
  encodeOnCanvas,
  type CanvasRoute,
} from '../../../app/workers/codecs/webp-canvas.js';
import { encode } from '../../../app/workers/codecs/webp.js';
import { canvasPixels, drawOnCanvas } from '../../../app/workers/pipeline/canvas.js';
import type { WebpOptions } from '../../../shared/formats/index.js';

export interface HarnessPhoto {
  /** A JPEG, base64. */
  jpeg: string;
  /** Its upright size scaled, as the app asks createImageBitmap for it. */
  width: number;
  height: number;
  /** How convert.ts hands it to the canvas encoder. */
  route: Exclude<CanvasRoute, 'none'>;
}

export interface HarnessRequest {
  photos: HarnessPhoto[];
  options: WebpOptions[];
}

export interface HarnessAnswer {
  /** canvasRoute for each of `options`. */
  routes: CanvasRoute[];
  /** Per photo, per option: the canvas encoder's file equals jSquash's (null: it declined). */
  identical: (boolean | null)[][];
  /** Every canvas, after encoding, gave back exactly the pixels it was handed. */
  givenBack: boolean;
  /** With a transparent corner: what the canvas encoder gave, and the pixels read back. */
  transparent: { result: 'null' | 'bytes'; width: number; height: number; corner: number };
}

async function decoded(photo: HarnessPhoto): Promise<ImageBitmap> {
  const bytes = Uint8Array.from(atob(photo.jpeg), (c) => c.charCodeAt(0));
  return createImageBitmap(new Blob([bytes]), {
    imageOrientation: 'from-image',
    resizeWidth: photo.width,
    resizeHeight: photo.height,
    resizeQuality: 'high',
  });
}

async function answer(req: HarnessRequest): Promise<HarnessAnswer> {
  const routes: CanvasRoute[] = [];
  for (const options of req.options) routes.push(await canvasRoute(options));

  const identical: (boolean | null)[][] = [];
  const givenBack: boolean[] = [];
  for (const photo of req.photos) {
    // jSquash gets the pixels drawn and read back; the canvas encoder gets them the way
    // convert.ts hands them over.
    const pixels = canvasPixels(drawOnCanvas(await decoded(photo)));
    const row: (boolean | null)[] = [];
    for (const options of req.options) {
      const bitmap = await decoded(photo);
      const canvas = photo.route === 'bitmap' ? bitmapCanvas(bitmap) : drawOnCanvas(bitmap);
      const theirs = await encodeOnCanvas(canvas, options);
      const ours = await encode(pixels, options);
      row.push(theirs && theirs.length === ours.length && theirs.every((b, i) => b === ours[i]));
      // Taken back for jSquash, as convert.ts does when the canvas declines: the same pixels.
      const back = canvasPixels(drawOnCanvas(canvas.transferToImageBitmap()));
      givenBack.push(back.data.every((v, i) => v === pixels.data[i]));
    }
    identical.push(row);
  }

  const canvas = drawOnCanvas(await decoded(req.photos[0]));
  canvas.getContext('2d')!.clearRect(0, 0, 10, 10);
  const result = await encodeOnCanvas(canvas, req.options[0]);
  const back = canvasPixels(canvas);
  return {
    routes,
    identical,
    givenBack: givenBack.every(Boolean),
    transparent: {
      result: result ? 'bytes' : 'null',
      width: back.width,
      height: back.height,
      corner: back.data[3],
    },
  };
}

self.onmessage = (e: MessageEvent<HarnessRequest>) => {
  answer(e.data).then(
    (a) => self.postMessage(a),
    (err: unknown) => self.postMessage({ error: String((err as Error)?.stack ?? err) }),
  );
};
