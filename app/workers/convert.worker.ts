import { expose, transfer } from 'comlink';
import { convert, type ConvertJob, type ConvertResult, type StageCallback } from './convert.js';
import { makeThumbnail, renderPreview, type Preview, type Thumbnail } from './preview.js';

const api = {
  /** Converts one image; the output bytes are transferred, not copied. */
  async convert(job: ConvertJob, onStage?: StageCallback): Promise<ConvertResult> {
    const { input, ...rest } = job;
    onStage?.('read', 0);
    const started = performance.now();
    const bytes = await input.arrayBuffer();
    const read = Math.round(performance.now() - started);
    const result = await convert({ ...rest, bytes, blob: input }, onStage);
    result.timings = { read, ...result.timings };
    // A ladder's first file is the output itself: each buffer is transferred once.
    const buffers = new Set([result.bytes, ...(result.ladder ?? []).map((f) => f.bytes)]);
    return transfer(result, [...buffers]);
  },
  /** A queue row's thumbnail of `input`, at most `longSide` px (preview.ts). */
  thumbnail(input: Blob, longSide: number): Promise<Thumbnail> {
    return makeThumbnail(input, longSide);
  },
  /** `input` upright for the compare view, at most `maxPixels`; the bitmap is transferred. */
  async preview(input: Blob, maxPixels: number): Promise<Preview> {
    const preview = await renderPreview(input, maxPixels);
    return transfer(preview, [preview.bitmap]);
  },
  /** Lets the pool check that a fresh worker has loaded. */
  ping(): 'pong' {
    return 'pong';
  },
};

expose(api);

export type ConvertApi = typeof api;
