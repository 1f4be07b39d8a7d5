import { SvelteMap } from 'svelte/reactivity';
import type { BatchItem } from '../../shared/state/index.js';
import { JobCancelled, JobInterrupted } from '../pool/errors.js';
import type { SideWorker } from '../pool/side-worker.js';
import type { Thumbnail } from '../workers/preview.js';
import type { Store } from '../store/index.js';

/** ~96 CSS px on the long side at a device pixel ratio of 2. */
export const thumbnailLongSide = 192;

/** Object URLs kept for rows out of view, beyond which the oldest are let go. */
const keepUrls = 600;

/** The performance entry each attempt to make a thumbnail leaves (cache reads leave none). */
export const thumbnailMeasure = 'pixpool:thumbnail';

const jobId = (itemId: string) => `thumbnail:${itemId}`;

/**
 * The queue rows' thumbnails: read from IndexedDB when made before, else made on the side
 * worker at idle priority (SideWorker) and kept. Only rows on screen ask (show/hide); a row
 * that scrolls away before its turn costs nothing. A file that cannot be decoded gets no
 * thumbnail (null, kept as such), never an error: its row says why when it converts.
 */
export class Thumbnails {
  /** itemId → object URL, or null when none can be made; absent while unknown. */
  #urls = new SvelteMap<string, string | null>();
  // Plain bookkeeping, not shown: no reactivity wanted.
  /** Rows showing each item now. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #shown = new Map<string, number>();
  /** Items being read from the cache or made. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #busy = new Set<string>();

  constructor(
    private store: Store,
    private side: SideWorker,
  ) {}

  /** The thumbnail's URL, null when there is none to show, undefined while unknown. */
  url(itemId: string): string | null | undefined {
    return this.#urls.get(itemId);
  }

  /** A row showing `item` came into view. */
  show(item: BatchItem): void {
    const { id } = item;
    this.#shown.set(id, (this.#shown.get(id) ?? 0) + 1);
    if (this.#urls.has(id) || this.#busy.has(id)) return;
    // Skipped files are not images we read.
    if (!item.format) {
      this.#urls.set(id, null);
      return;
    }
    this.#busy.add(id);
    void this.#load(item).finally(() => this.#busy.delete(id));
  }

  /** That row left the view or went away. */
  hide(itemId: string): void {
    const n = (this.#shown.get(itemId) ?? 1) - 1;
    if (n > 0) {
      this.#shown.set(itemId, n);
      return;
    }
    this.#shown.delete(itemId);
    this.side.cancel(jobId(itemId));
  }

  async #load(item: BatchItem): Promise<void> {
    const cached = await this.store.getThumbnail(item.id).catch(() => undefined);
    if (cached) return this.#keep(item.id, cached.blob);
    if (!this.#shown.has(item.id)) return;
    let made: Thumbnail | null = null;
    for (;;) {
      try {
        made = await this.#make(item);
      } catch (e) {
        if (e instanceof JobInterrupted) return;
        if (e instanceof JobCancelled) {
          // Cancelled because its row left the view. If the row is back already (a layout
          // shift hides and shows it within a moment), its show() found this load still busy
          // and asked for nothing: go on here. Otherwise it is asked again when it shows.
          if (this.#shown.has(item.id)) continue;
          return;
        }
        // The file does not decode (or not within the time and memory a worker has): the
        // placeholder stays, and that is remembered too.
      }
      break;
    }
    this.#keep(item.id, made?.blob ?? null);
    const record = { itemId: item.id, batchId: item.batchId, blob: null, width: 0, height: 0 };
    await this.store.putThumbnail({ ...record, ...made }).catch(() => false);
  }

  #make(item: BatchItem): Promise<Thumbnail> {
    return this.side.run({
      id: jobId(item.id),
      priority: 'idle',
      pixels: item.width && item.height ? item.width * item.height : undefined,
      call: async (api) => {
        const start = performance.now();
        try {
          const input = await this.store.getInput(item.id);
          if (!input) throw new Error('the input is no longer stored');
          return await api.thumbnail(input, thumbnailLongSide);
        } finally {
          performance.measure(thumbnailMeasure, { start, detail: item.path });
        }
      },
    });
  }

  #keep(itemId: string, blob: Blob | null): void {
    this.#urls.set(itemId, blob && URL.createObjectURL(blob));
    if (this.#urls.size <= keepUrls) return;
    for (const [id, url] of this.#urls) {
      if (this.#urls.size <= keepUrls) break;
      if (this.#shown.has(id)) continue;
      if (url) URL.revokeObjectURL(url);
      this.#urls.delete(id);
    }
  }
}
