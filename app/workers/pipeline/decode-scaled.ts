import { imageDecoderTurnsJpeg } from './browser-orientation.js';
import { swapsAxes } from './orient.js';

/** A JPEG decoded at a smaller size, as stored unless `turn` is 1. */
export interface ScaledJpeg {
  bitmap: ImageBitmap;
  /** The EXIF orientation still to apply to `bitmap` (1: nothing). */
  turn: number;
}

/**
 * A JPEG decoded straight to a smaller size: WebCodecs' ImageDecoder decodes at libjpeg's M/8
 * scales (the DCT-domain shrink sharp's shrink-on-load uses), so a 12 MP photo bound for 400
 * px decodes in ~25 ms instead of ~68 (docs/BENCHMARKS.md). `width` × `height` is the target
 * in upright coordinates, like `upright`; `orientation` is the file's EXIF orientation, as
 * the caller read it. Returns the picture scaled to the target (in Chromium from the
 * smallest M/8 size that is not smaller), and what is left to turn; or null where this path
 * does not apply: no ImageDecoder, no scale below 8/8 that covers the target, or a turned
 * photo that would not shrink to half size or less.
 *
 * Firefox has no DCT scaling (its decoder reads every pixel, then scales), but its decoder
 * turns the frame itself while scaling (browser-orientation.ts): there every photo takes
 * this path, with nothing left to turn, where createImageBitmap turns a photo at full size
 * before scaling it (12 MP to 400 px upright 89 against 100 ms, turned 88 against 157–211:
 * `npm run bench:decode`).
 *
 * Elsewhere only a frame the decoder left unturned goes to createImageBitmap: for a turned one
 * (`rotation`/`flip` from EXIF), Chromium 156's createImageBitmap applies them in most workers
 * but not all (measured: 1 worker in ~40 handed a 90° frame back as stored), and a 180° or
 * flipped picture would then come out wrong with nothing to tell. Its pixels are copied out
 * as coded instead, and turned like any other's.
 */
export async function decodeJpegScaled(
  blob: Blob,
  upright: { width: number; height: number },
  width: number,
  height: number,
  orientation: number,
): Promise<ScaledJpeg | null> {
  if (typeof ImageDecoder !== 'function') return null;
  const eighths = Math.ceil(8 * Math.max(width / upright.width, height / upright.height));
  if (eighths >= 8) return null;
  const decoderTurns = await imageDecoderTurnsJpeg();
  // A turned photo costs a copy, a read-back and a turn in JS here, where createImageBitmap
  // turns it for nothing on the usual path: only a decode at half size or less pays for that
  // (at 5/8, for 2048 px, WebP batches were 5 % slower: docs/BENCHMARKS.md).
  if (orientation !== 1 && eighths > 4 && !decoderTurns) return null;
  // Chromium decodes at the M/8 scale whose area covers the size asked (libjpeg rounds a
  // scaled side up), so upright or stored coordinates ask the same. Firefox, whose frames
  // come upright, scales to the very size asked: asking the M/8 size there would scale twice
  // (at 2048 px, 132 ms against 105).
  const desiredWidth = decoderTurns ? width : Math.ceil((upright.width * eighths) / 8);
  const desiredHeight = decoderTurns ? height : Math.ceil((upright.height * eighths) / 8);
  // The target as the frame comes.
  const left = decoderTurns ? 1 : orientation;
  const swap = swapsAxes(left);
  const resize: ImageBitmapOptions = {
    resizeWidth: swap ? height : width,
    resizeHeight: swap ? width : height,
    resizeQuality: 'high',
  };
  let decoder: ImageDecoder | undefined;
  let frame: VideoFrame | undefined;
  try {
    decoder = new ImageDecoder({
      data: blob.stream(),
      type: 'image/jpeg',
      desiredWidth,
      desiredHeight,
    });
    frame = (await decoder.decode()).image;
    const coded = frame.visibleRect ?? { width: frame.codedWidth, height: frame.codedHeight };
    if (coded.width < resize.resizeWidth! || coded.height < resize.resizeHeight!) return null;
    const turned = (frame as { rotation?: number }).rotation ?? 0;
    const flipped = (frame as { flip?: boolean }).flip ?? false;
    if (turned === 0 && !flipped) {
      return { bitmap: await createImageBitmap(frame, resize), turn: left };
    }
    const pixels = new Uint8ClampedArray(coded.width * coded.height * 4);
    await frame.copyTo(pixels, { format: 'RGBA', colorSpace: 'srgb' });
    const stored = new ImageData(pixels, coded.width, coded.height);
    return { bitmap: await createImageBitmap(stored, resize), turn: orientation };
  } catch {
    // Whatever ImageDecoder could not do, createImageBitmap (or wasm) still may.
    return null;
  } finally {
    frame?.close();
    decoder?.close();
  }
}
