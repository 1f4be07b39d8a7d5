import { framesTurn } from './browser-orientation.js';

/**
 * A JPEG decoded straight to a smaller size: WebCodecs' ImageDecoder decodes at libjpeg's M/8
 * scales (the DCT-domain shrink sharp's shrink-on-load uses), so a 12 MP photo bound for 400
 * px decodes in ~25 ms instead of ~68 (docs/BENCHMARKS.md). Returns the picture upright at
 * exactly `width` × `height` (upright coordinates, like `upright`), scaled from the smallest
 * M/8 size that is not smaller, or null where this path does not apply: no ImageDecoder
 * (Firefox ESR), no scale below 8/8 that covers the target, or a turned or flipped frame
 * where this engine's createImageBitmap does not apply the frame's orientation.
 */
export async function decodeJpegScaled(
  blob: Blob,
  upright: { width: number; height: number },
  width: number,
  height: number,
): Promise<ImageBitmap | null> {
  if (typeof ImageDecoder !== 'function') return null;
  const eighths = Math.ceil(8 * Math.max(width / upright.width, height / upright.height));
  if (eighths >= 8) return null;
  // libjpeg rounds a scaled side up. Chromium picks the scale by the area asked for, so
  // upright or stored coordinates ask the same.
  const desiredWidth = Math.ceil((upright.width * eighths) / 8);
  const desiredHeight = Math.ceil((upright.height * eighths) / 8);
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
    const turned = (frame as { rotation?: number }).rotation ?? 0;
    const flipped = (frame as { flip?: boolean }).flip ?? false;
    if ((turned !== 0 || flipped) && !(await framesTurn())) return null;
    if (frame.displayWidth < width || frame.displayHeight < height) return null;
    return await createImageBitmap(frame, {
      resizeWidth: width,
      resizeHeight: height,
      resizeQuality: 'high',
    });
  } catch {
    // Whatever ImageDecoder could not do, createImageBitmap (or wasm) still may.
    return null;
  } finally {
    frame?.close();
    decoder?.close();
  }
}
