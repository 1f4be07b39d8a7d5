import type { SideWorker } from '../../pool/side-worker.js';
import type { Preview } from '../../workers/preview.js';

/**
 * The largest picture drawn per side: 4096 × 4096 px, the canvas area iOS Safari allows
 * (16,777,216 px); a 12 MP photo is drawn whole, a 40 MP one scaled down with a note.
 */
export const previewMaxPixels = 4096 * 4096;

export type PreviewState =
  | { status: 'loading' }
  | { status: 'ready'; preview: Preview }
  | { status: 'failed'; reason: string };

/**
 * Renders `blob` on the side worker for the compare view, upright, whatever its format (the
 * browser may not show HEIC, JPEG XL or even AVIF in an `<img>`). Never throws: a file that
 * does not render says why in the view.
 */
export async function loadPreview(
  side: SideWorker,
  id: string,
  blob: Blob | undefined,
  pixels?: number,
): Promise<PreviewState> {
  if (!blob) return { status: 'failed', reason: 'the file is no longer stored' };
  try {
    const preview = await side.run({
      id,
      priority: 'now',
      pixels,
      call: (api) => api.preview(blob, previewMaxPixels),
    });
    return { status: 'ready', preview };
  } catch (e) {
    return { status: 'failed', reason: e instanceof Error ? e.message : String(e) };
  }
}
