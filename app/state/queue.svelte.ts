import { outputBytes as bytesOf } from '../../shared/ladder/index.js';
import type { Batch, BatchItem, ItemStatus } from '../../shared/state/index.js';
import type { ConnectionState } from '../server/remote-run.js';

export type StatusFilter = 'all' | ItemStatus;
export type SortKey = 'order' | 'path' | 'status' | 'size' | 'saved';

/**
 * Item updates arrive many times a second from several workers; they are applied to a map at
 * once and published at most every `publishMs`. Publishing once per frame instead had the
 * page's main thread restyle and repaint ~40 times a second while converting (29 ms per
 * image, measured), CPU the workers need; four updates a second still read as live.
 */
const publishMs = 250;

/** The current batch as the page sees it. */
export class Queue {
  batch = $state.raw<Batch | null>(null);
  items = $state.raw<BatchItem[]>([]);
  filter = $state<StatusFilter>('all');
  search = $state('');
  sort = $state<SortKey>('order');
  /** The server stream's state while the batch converts remotely; null when local. */
  connection = $state<ConnectionState | null>(null);
  /** Wall-clock time the counters last moved; ticks the elapsed time shown while running. */
  now = $state(Date.now());

  // A plain index: `items` ($state.raw) is what the page reacts to, replaced on each publish.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #byId = new Map<string, BatchItem>();
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #flushedAt = 0;

  counts = $derived.by(() => {
    const c: Record<ItemStatus, number> = {
      pending: 0,
      processing: 0,
      done: 0,
      failed: 0,
      cancelled: 0,
      skipped: 0,
    };
    for (const it of this.items) c[it.status]++;
    return c;
  });

  /** Items that convert (everything but skipped). */
  convertible = $derived(this.items.length - this.counts.skipped);

  /**
   * 0..1: the convertible files worked through (converted or failed), counting the running
   * ones' partial progress. Cancelled files are not: after "Cancel all" the bar shows what was
   * done, not a full bar.
   */
  progress = $derived.by(() => {
    if (this.convertible === 0) return 0;
    let partial = 0;
    for (const it of this.items) if (it.status === 'processing') partial += it.progress;
    return Math.min(1, (this.counts.done + this.counts.failed + partial) / this.convertible);
  });

  inputBytes = $derived(this.items.reduce((s, it) => s + (it.status === 'done' ? it.size : 0), 0));
  outputBytes = $derived(this.items.reduce((s, it) => s + bytesOf(it), 0));

  elapsedMs = $derived.by(() => {
    const b = this.batch;
    if (!b) return 0;
    return b.elapsedMs + (b.status === 'running' && b.startedAt ? this.now - b.startedAt : 0);
  });

  /** When the last files settled (ms since epoch), newest last: the measured throughput. */
  finishes = $state.raw<number[]>([]);

  /**
   * Seconds left at the rate files finished lately on the path in use (this browser's
   * workers or the server), so an upload phase or a slow start does not skew it. Null until
   * two files finished, and while stalled (nothing finished for three times the usual gap).
   */
  etaSeconds = $derived.by(() => {
    const left = this.counts.pending + this.counts.processing;
    const f = this.finishes;
    if (this.batch?.status !== 'running' || left === 0 || f.length < 2) return null;
    const gap = (f[f.length - 1] - f[0]) / (f.length - 1);
    if (this.now - f[f.length - 1] > Math.max(10_000, 3 * gap)) return null;
    return Math.round((gap * left) / 1000);
  });

  visible = $derived.by(() => {
    const q = this.search.trim().toLowerCase();
    let list = this.items.filter(
      (it) =>
        (this.filter === 'all' || it.status === this.filter) &&
        (!q || it.path.toLowerCase().includes(q)),
    );
    if (this.sort !== 'order') list = [...list].sort(comparators[this.sort]);
    return list;
  });

  /** Replaces the whole queue (a batch loaded or created). */
  load(batch: Batch | null, items: BatchItem[]): void {
    this.finishes = [];
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- see #byId
    this.#byId = new Map(items.map((it) => [it.id, it]));
    this.batch = batch;
    this.items = items;
  }

  get(id: string): BatchItem | undefined {
    return this.#byId.get(id);
  }

  /** Every item in queue order, including updates not yet published. */
  all(): BatchItem[] {
    return [...this.#byId.values()];
  }

  /** Adds or replaces items; published within `publishMs`. */
  put(...items: BatchItem[]): void {
    let finished = 0;
    for (const it of items) {
      const was = this.#byId.get(it.id)?.status;
      if (was !== it.status && (it.status === 'done' || it.status === 'failed')) finished++;
      this.#byId.set(it.id, it);
    }
    if (finished > 0) {
      const now = Date.now();
      this.finishes = [...this.finishes, ...Array<number>(finished).fill(now)].slice(-etaWindow);
    }
    this.#scheduleFlush();
  }

  /** Takes items out of the queue; published with the next flush. */
  remove(ids: readonly string[]): void {
    for (const id of ids) this.#byId.delete(id);
    this.#scheduleFlush();
  }

  /** Sets the batch and publishes pending item updates with it, so the two never disagree. */
  setBatch(batch: Batch): void {
    this.batch = batch;
    this.#flush();
  }

  tick(): void {
    this.now = Date.now();
  }

  #flush(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    this.#flushedAt = performance.now();
    this.items = [...this.#byId.values()];
    this.now = Date.now();
  }

  #scheduleFlush(): void {
    if (this.#flushTimer !== undefined) return;
    const wait = Math.max(0, this.#flushedAt + publishMs - performance.now());
    this.#flushTimer = setTimeout(() => {
      if (typeof requestAnimationFrame === 'function' && !document.hidden) {
        requestAnimationFrame(() => this.#flush());
      } else this.#flush();
    }, wait);
  }
}

/** Finishes the ETA's rate is measured over. */
const etaWindow = 20;

const statusRank: Record<ItemStatus, number> = {
  processing: 0,
  failed: 1,
  pending: 2,
  cancelled: 3,
  done: 4,
  skipped: 5,
};

const saved = (it: BatchItem) => (it.outputSize === undefined ? -Infinity : it.size - bytesOf(it));

const comparators: Record<Exclude<SortKey, 'order'>, (a: BatchItem, b: BatchItem) => number> = {
  path: (a, b) => a.path.localeCompare(b.path),
  status: (a, b) => statusRank[a.status] - statusRank[b.status] || a.order - b.order,
  size: (a, b) => b.size - a.size,
  saved: (a, b) => saved(b) - saved(a),
};
