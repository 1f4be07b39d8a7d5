import type { FormatId } from '../../shared/formats/index.js';
import { largestRungSettings } from '../../shared/ladder/index.js';
import { limits } from '../../shared/limits.js';
import type { ConversionSettings } from '../../shared/presets/index.js';
import type { BatchItem } from '../../shared/state/index.js';
import type { TargetReport } from '../../shared/target/encode-to-target.js';
import { JobCancelled } from '../pool/errors.js';
import type { SideWorker } from '../pool/side-worker.js';
import type { Store } from '../store/index.js';

/** What one file becomes with some settings, made without touching the batch. */
export interface SampleResult {
  itemId: string;
  output: Blob;
  /** An output format, or the input's own when the original would be kept. */
  format: FormatId;
  width: number;
  height: number;
  settings: ConversionSettings;
  /** Time spent converting (the worker's stages). */
  ms: number;
  /** The quality a target chose, its tries and score. */
  target?: TargetReport;
  /** Never bigger would keep the original file. */
  keptOriginal?: boolean;
}

export type SampleState =
  | { status: 'idle' }
  | { status: 'working'; itemId: string }
  | { status: 'ready'; result: SampleResult }
  | { status: 'failed'; itemId: string; reason: string };

const jobId = 'sample-preview';

/**
 * The live preview of a draft: one chosen file converted with the settings as they are now,
 * on the side worker at 'now' priority, so the batch's pool and its queue are untouched and
 * nothing is stored. Settings that change while it converts start a new conversion after a
 * short pause; a result made with settings no longer current is dropped, never shown.
 */
export class SamplePreview {
  state = $state.raw<SampleState>({ status: 'idle' });
  #generation = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private store: Store,
    private side: SideWorker,
    private delayMs = 250,
  ) {}

  /** Converts `item` with `settings` after the pause; a later call supersedes this one. */
  request(item: BatchItem, settings: ConversionSettings): void {
    const generation = this.#supersede();
    this.state = { status: 'working', itemId: item.id };
    this.#timer = setTimeout(() => void this.#run(generation, item, settings), this.delayMs);
  }

  /** Forgets the preview (no file chosen, or the draft is gone). */
  clear(): void {
    this.#supersede();
    this.state = { status: 'idle' };
  }

  #supersede(): number {
    clearTimeout(this.#timer);
    this.side.cancel(jobId);
    return ++this.#generation;
  }

  async #run(generation: number, item: BatchItem, settings: ConversionSettings): Promise<void> {
    const current = () => generation === this.#generation;
    try {
      const input = await this.store.getInput(item.id);
      if (!input) throw new Error('The original file is no longer stored; add it again.');
      if (!current()) return;
      const result = await this.side.run({
        id: jobId,
        priority: 'now',
        pixels: item.width && item.height ? item.width * item.height : undefined,
        call: (api) =>
          api.convert({
            input,
            name: item.path,
            settings: largestRungSettings(settings),
            maxInputPixels: limits.maxInputPixels,
          }),
      });
      if (!current()) return;
      this.state = {
        status: 'ready',
        result: {
          itemId: item.id,
          output: new Blob([result.bytes], { type: result.mimeType }),
          format: result.format,
          width: result.width,
          height: result.height,
          settings,
          ms: Object.values(result.timings).reduce((a, b) => a + (b ?? 0), 0),
          target: result.target,
          keptOriginal: result.keptOriginal,
        },
      };
    } catch (e) {
      if (!current() || e instanceof JobCancelled) return;
      const reason = e instanceof Error ? e.message : String(e);
      this.state = { status: 'failed', itemId: item.id, reason };
    }
  }
}
