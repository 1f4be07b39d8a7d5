// Runs the app's canvas WebP encoder and jSquash side by side, in a real Chromium worker.
import { canvasEncodes, encodeOnCanvas } from '../../../app/workers/codecs/webp-canvas.js';
import { encode } from '../../../app/workers/codecs/webp.js';
import { canvasPixels, drawOnCanvas } from '../../../app/workers/pipeline/canvas.js';
import type { WebpOptions } from '../../../shared/formats/index.js';

export interface HarnessRequest {
  /** A JPEG, base64. */
  photo: string;
  width: number;
  height: number;
  options: WebpOptions[];
}

export interface HarnessAnswer {
  /** canvasEncodes for each of `options`. */
  verdicts: boolean[];
  /** For each of `options`: the canvas encoder's bytes equal jSquash's (null: it declined). */
  identical: (boolean | null)[];
  sizes: { canvas: number | null; wasm: number }[];
  /** What encodeOnCanvas gave for a canvas with transparency. */
  withAlpha: 'null' | 'bytes';
  /** That canvas read back: its size and two alpha values. */
  givenBack: { width: number; height: number; corner: number; inside: number };
}

async function answer(req: HarnessRequest): Promise<HarnessAnswer> {
  const bytes = Uint8Array.from(atob(req.photo), (c) => c.charCodeAt(0));
  const bitmap = await createImageBitmap(new Blob([bytes]), {
    imageOrientation: 'from-image',
    resizeWidth: req.width,
    resizeHeight: req.height,
    resizeQuality: 'high',
  });
  // As convert.ts does: the bitmap drawn on a canvas, which the canvas encoder takes as it is
  // and jSquash as pixels read back.
  const canvas = drawOnCanvas(bitmap);
  const pixels = canvasPixels(canvas);

  const verdicts: boolean[] = [];
  const identical: (boolean | null)[] = [];
  const sizes: HarnessAnswer['sizes'] = [];
  for (const options of req.options) {
    verdicts.push(await canvasEncodes(options));
    const ours = await encode(pixels, options);
    const theirs = await encodeOnCanvas(canvas, options);
    identical.push(
      theirs && theirs.length === ours.length && theirs.every((b, i) => b === ours[i]),
    );
    sizes.push({ canvas: theirs?.length ?? null, wasm: ours.length });
  }

  // With a transparent corner the canvas result is refused, and the pixels read back from
  // the canvas, as convert.ts then does, are the whole image for jSquash.
  canvas.getContext('2d')!.clearRect(0, 0, 10, 10);
  const alpha = await encodeOnCanvas(canvas, req.options[0]);
  const back = canvasPixels(canvas);
  return {
    verdicts,
    identical,
    sizes,
    withAlpha: alpha ? 'bytes' : 'null',
    givenBack: {
      width: back.width,
      height: back.height,
      corner: back.data[3],
      inside: back.data[(20 * back.width + 20) * 4 + 3],
    },
  };
}

self.onmessage = (e: MessageEvent<HarnessRequest>) => {
  answer(e.data).then(
    (a) => self.postMessage(a),
    (err: unknown) => self.postMessage({ error: String((err as Error)?.stack ?? err) }),
  );
};
