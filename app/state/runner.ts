import { limits } from '../../shared/limits.js';
import { finalOutputPath, planOutputPaths } from '../../shared/naming.js';
import { formats, outputFormats } from '../../shared/formats/index.js';
import { ladderDefaults, placeLadder } from '../../shared/ladder/index.js';
import { resolveSettings, type Preset } from '../../shared/presets/index.js';
import { itemOutput } from '../../shared/output-facts.js';
import {
  assertBatchTransition,
  assertItemTransition,
  canTransitionBatch,
  conversionProgress,
  type Batch,
  type BatchItem,
  type ItemStatus,
} from '../../shared/state/index.js';
import { JobCancelled, JobInterrupted } from '../pool/errors.js';
import type { WorkerPool } from '../pool/worker-pool.js';
import type { Store } from '../store/index.js';
import type { Queue } from './queue.svelte.js';
import type { IntakeFile } from '../intake/classify.js';
import type { ServerClient } from '../server/client.js';
import { RemoteBatch } from './remote-batch.js';

/**
 * Drives one batch: takes pending items in queue order, keeps the pool busy, and records
 * every outcome in IndexedDB before it shows, so a reload resumes from exactly here.
 */
export class Runner {
  #inFlight = new Set<string>();
  #cancelled = new Set<string>();
  #tick: ReturnType<typeof setInterval> | undefined;
  #remote: RemoteBatch;

  constructor(
    private store: Store,
    private pool: WorkerPool,
    private queue: Queue,
    private onError: (message: string) => void = () => {},
  ) {
    this.#remote = new RemoteBatch(store, queue, {
      setStatus: async (status) => {
        const cur = this.queue.batch?.status;
        if (cur && cur !== status && canTransitionBatch(cur, status)) {
          await this.#transition(status);
        }
      },
      onError,
    });
  }

  /**
   * Whether work beside the batch (thumbnails) may start now: a worker has nothing to convert,
   * counting the files still on their way from storage (the pool looks free for those few
   * ms), and no file suspected of crashing the page is converting, which must stay alone to
   * be blamed rightly (items.ts).
   */
  get hasIdleWorker(): boolean {
    if (this.#inFlight.size >= this.pool.size || !this.pool.hasRoom) return false;
    return ![...this.#inFlight].some((id) => this.queue.get(id)?.crashed);
  }

  /** True while the current batch converts on a server. */
  get remote(): boolean {
    return Boolean(this.queue.batch?.remote);
  }

  /** Sends the batch's pending files to a sync server, which converts them with `preset`. */
  async startOnServer(preset: Preset, client: ServerClient): Promise<void> {
    const batch = this.queue.batch;
    if (!batch || this.#inFlight.size > 0) return;
    await this.#setBatch({ ...batch, preset });
    await this.#planOutputs();
    await this.#remote.start(client, preset);
  }

  /** Converts every unfinished file of a remote batch in this browser instead. */
  async moveToLocal(): Promise<void> {
    await this.#remote.moveToLocal();
    this.#pump();
  }

  /** Creates a new draft batch with the given preset. */
  async newBatch(preset: Preset, name = defaultName()): Promise<Batch> {
    // A remote batch left behind keeps its link and is followed again when reopened.
    this.#remote.detach();
    await this.#dropEmptyDraft();
    const batch: Batch = {
      id: crypto.randomUUID(),
      name,
      createdAt: Date.now(),
      status: 'draft',
      preset,
      elapsedMs: 0,
    };
    await this.store.createBatch(batch);
    this.queue.load(batch, []);
    return batch;
  }

  /** Adds classified files to the current batch (a new one when the current one is over). */
  async addFiles(files: IntakeFile[], preset: Preset): Promise<void> {
    let batch = this.queue.batch;
    if (batch?.remote && (batch.status === 'running' || batch.status === 'paused')) {
      throw new Error(
        'This batch is converting on the server: add more files once it finishes, or as a new batch.',
      );
    }
    if (!batch || batch.status === 'done' || batch.status === 'cancelled') {
      batch = await this.newBatch(preset);
    }
    // all(), not items: two drops in a row must not share positions before the next frame.
    const start = this.queue.all().length;
    const entries = files.map((f, i) => ({
      input: f.file as Blob,
      item: {
        id: crypto.randomUUID(),
        batchId: batch.id,
        path: f.path,
        size: f.file.size,
        format: f.format,
        status: f.format ? 'pending' : 'skipped',
        reason: f.reason,
        progress: 0,
        attempts: 0,
        order: start + i,
        width: f.width,
        height: f.height,
      } satisfies BatchItem as BatchItem,
    }));
    await this.store.addItems(entries);
    this.queue.put(...entries.map((e) => e.item));
    // Files added to a batch that already started need their place in the ZIP now.
    if (batch.status !== 'draft') await this.#planOutputs();
    if (batch.status === 'running') this.#pump();
  }

  /** Starts (or restarts) the batch with the preset chosen for it. */
  async start(preset: Preset): Promise<void> {
    const batch = this.queue.batch;
    if (!batch) return;
    await this.#setBatch({ ...batch, preset });
    await this.#planOutputs();
    await this.#transition('running');
    this.#pump();
  }

  async pause(): Promise<void> {
    if (this.queue.batch?.status !== 'running') return;
    if (this.remote) return this.#remote.pause();
    await this.#transition('paused');
    // The image read ahead has not started: it goes back to pending.
    for (const id of this.#inFlight) this.pool.withdraw(id);
  }

  async resume(): Promise<void> {
    if (this.queue.batch?.status !== 'paused') return;
    if (this.remote) return this.#remote.resume();
    await this.#transition('running');
    this.#pump();
  }

  async cancelItem(id: string): Promise<void> {
    const item = this.queue.get(id);
    if (!item) return;
    if (this.remote && item.remoteId) return this.#remote.cancelItem(item);
    // Not yet handed to the pool: #run sees the mark before it does.
    if (item.status === 'processing' && !this.pool.cancel(id)) this.#cancelled.add(id);
    else if (item.status === 'pending') await this.#settle(item, 'cancelled', {});
    await this.#finishIfSettled();
  }

  async cancelAll(): Promise<void> {
    const batch = this.queue.batch;
    if (!batch || batch.status === 'done' || batch.status === 'cancelled') return;
    if (this.remote) return this.#remote.cancelAll();
    await this.#transition('cancelled');
    const pending = this.queue.all().filter((it) => it.status === 'pending');
    const changed = pending.map((it) => ({ ...it, status: 'cancelled' as const }));
    await this.store.putItems(changed);
    this.queue.put(...changed);
    for (const id of this.#inFlight) if (!this.pool.cancel(id)) this.#cancelled.add(id);
  }

  /** Puts failed and cancelled items (or just the one named) back in the queue and runs them. */
  async retry(onlyId?: string): Promise<void> {
    const batch = this.queue.batch;
    if (!batch) return;
    if (batch.remote) {
      // The server retries its failed and cancelled items itself (all of them: it has no
      // per-item retry); a remote batch no longer followed finishes its retries here.
      if (this.#remote.active) return this.#remote.retry();
      await this.#remote.moveToLocal();
    }
    const again = this.queue
      .all()
      .filter(
        (it) =>
          (it.status === 'failed' || it.status === 'cancelled') && (!onlyId || it.id === onlyId),
      )
      .map((it) => ({ ...it, status: 'pending' as const, reason: undefined, progress: 0 }));
    if (again.length === 0) return;
    await this.store.putItems(again);
    this.queue.put(...again);
    if (batch.status === 'done' || batch.status === 'cancelled') await this.#transition('running');
    if (this.queue.batch?.status === 'running') this.#pump();
  }

  /**
   * Sets or clears one file's override. In a batch that has already run, the file converts
   * again with its new settings.
   */
  async setOverride(id: string, override: BatchItem['override']): Promise<void> {
    const item = this.queue.get(id);
    const batch = this.queue.batch;
    if (!item || !batch || item.status === 'processing' || item.status === 'skipped') return;
    if (batch.remote) {
      // A file of a batch still on the server cannot change; a finished one reruns here.
      if (this.#remote.active) return;
      await this.#remote.moveToLocal();
    }
    const rerun = batch.status !== 'draft' && item.status !== 'pending';
    const next: BatchItem = rerun
      ? { ...item, override, status: 'pending', reason: undefined, progress: 0 }
      : { ...item, override };
    await this.store.putItem(next);
    this.queue.put(next);
    if (batch.status === 'draft') return;
    await this.#planOutputs();
    if (batch.status === 'done' || batch.status === 'cancelled') await this.#transition('running');
    this.#pump();
  }

  /**
   * Loads a stored batch; an interrupted running batch carries on by itself. `crashed`: the
   * page before this one stopped without closing (see clean-exit.ts).
   */
  async restore(batchId: string, { crashed = false } = {}): Promise<void> {
    const batch = await this.store.getBatch(batchId);
    if (!batch) return;
    this.#remote.detach();
    if (this.queue.batch?.id !== batchId) await this.#dropEmptyDraft();
    // A crash cannot be blamed on a file the server was converting.
    await this.store.recoverInterrupted(batchId, crashed && !batch.remote);
    const items = await this.store.getItems(batchId);
    // The clock stopped with the page: count from now, not from the old start.
    const restored = batch.status === 'running' ? { ...batch, startedAt: Date.now() } : batch;
    this.queue.load(restored, items);
    if (restored.status === 'running') {
      await this.store.putBatch(restored);
      this.#startTicking();
    }
    if (restored.remote && (restored.status === 'running' || restored.status === 'paused')) {
      this.#remote.attach();
    } else {
      this.#remote.cancelAbandoned();
      this.#pump();
    }
  }

  /** A draft nobody added files to is not worth a History entry. */
  async #dropEmptyDraft(): Promise<void> {
    const cur = this.queue.batch;
    if (cur?.status === 'draft' && this.queue.all().length === 0) {
      await this.store.deleteBatch(cur.id);
    }
  }

  /**
   * Takes files out of a draft (they were added by mistake): their records and stored inputs
   * go. Files of a batch that has started stay; cancel them instead.
   */
  async removeItems(ids: readonly string[]): Promise<void> {
    if (this.queue.batch?.status !== 'draft' || ids.length === 0) return;
    await this.store.deleteItems(ids);
    this.queue.remove(ids);
  }

  /** Changes how many images convert at once; takes effect at the next dispatch. */
  setConcurrency(n: number): void {
    this.pool.setSize(n);
    this.#pump();
  }

  /** Stops all work without changing stored state (page unload, switching batches). */
  detach(): void {
    this.#remote.detach();
    this.pool.destroy();
    this.#stopTicking();
  }

  #pump(): void {
    const batch = this.queue.batch;
    if (!batch || batch.status !== 'running' || batch.remote) return;
    const waiting = this.queue
      .all()
      .filter((it) => it.status === 'pending' && !this.#inFlight.has(it.id));
    // A file that was converting when the page crashed converts alone, nothing beside it, so
    // that if it crashes the page again it is known to be the one (app/store/items.ts).
    const suspect = waiting.find((it) => it.crashed);
    const alone = [...this.#inFlight].some((id) => this.queue.get(id)?.crashed);
    if (suspect || alone) {
      if (suspect && this.#inFlight.size === 0) void this.#run(suspect, batch);
    } else {
      // One more than the workers: the next image is read from IndexedDB and waiting in the
      // pool when a worker frees up, instead of the worker idling through those round trips.
      const free = this.pool.size + 1 - this.#inFlight.size;
      for (const item of waiting.slice(0, Math.max(0, free))) void this.#run(item, batch);
    }
    void this.#finishIfSettled();
  }

  async #run(item: BatchItem, batch: Batch): Promise<void> {
    this.#inFlight.add(item.id);
    const started = performance.now();
    try {
      assertItemTransition(item.status, 'processing');
      const running: BatchItem = {
        ...item,
        status: 'processing',
        stage: 'read',
        progress: 0,
        attempts: item.attempts + 1,
      };
      // Visible at once, so a cancel that arrives during the awaits below finds it running.
      this.queue.put(running);
      const [, input] = await Promise.all([
        this.store.putItem(running),
        this.store.getInput(item.id),
      ]);
      if (!input) throw new Error('The original file is no longer stored; add it again.');
      if (this.#cancelled.delete(item.id)) throw new JobCancelled();
      const settings = resolveSettings(batch.preset, item.override);
      const result = await this.pool.run({
        id: item.id,
        pixels: item.width && item.height ? item.width * item.height : undefined,
        request: { input, name: item.path, settings, maxInputPixels: limits.maxInputPixels },
        onStage: (stage, progress) => {
          const cur = this.queue.get(item.id);
          if (cur?.status !== 'processing') return;
          this.queue.put({ ...cur, stage, progress: conversionProgress(stage, progress) });
        },
      });
      // Hand the worker its next image before the IndexedDB writes below.
      this.#inFlight.delete(item.id);
      this.#pump();
      const [output, ...more] = (result.ladder ?? [result]).map(
        (f) => new Blob([f.bytes], { type: formats[f.format].mimeType }),
      );
      const cur = this.queue.get(item.id)!;
      const made = itemOutput(
        cur.path,
        cur.outputPath ?? cur.path,
        {
          ...result,
          size: result.bytes.byteLength,
          ladder: result.ladder?.map(({ bytes, ...file }) => ({ ...file, size: bytes.byteLength })),
        },
        settings.ladder,
        batch.preset.name,
      );
      const done: BatchItem = {
        ...cur,
        status: 'done',
        stage: undefined,
        progress: 1,
        reason: undefined,
        crashed: undefined,
        // Nothing of an earlier run stays: these facts are this one's.
        keptOriginal: undefined,
        target: undefined,
        ladder: undefined,
        ...made,
        outputPath: cur.outputPath && made.outputPath,
        // The conversion itself: the job may have waited in the pool's queue first.
        durationMs: Object.values(result.timings).reduce((a, b) => a + (b ?? 0), 0),
      };
      await this.store.completeItem(done, output, result.ladder && more);
      this.queue.put(done);
    } catch (e) {
      const cur = this.queue.get(item.id) ?? item;
      const durationMs = Math.round(performance.now() - started);
      if (e instanceof JobInterrupted) {
        await this.#settle(cur, 'pending', { progress: 0 });
      } else if (e instanceof JobCancelled) {
        await this.#settle(cur, 'cancelled', { durationMs });
      } else {
        const reason = e instanceof Error ? e.message : String(e);
        if (e instanceof Error && e.name === 'StorageFullError') this.onError(reason);
        await this.#settle(cur, 'failed', { reason, durationMs });
      }
    } finally {
      this.#inFlight.delete(item.id);
      this.#cancelled.delete(item.id);
      this.#pump();
    }
  }

  async #settle(item: BatchItem, status: ItemStatus, extra: Partial<BatchItem>): Promise<void> {
    if (item.status === status) return;
    assertItemTransition(item.status, status);
    const next: BatchItem = { ...item, ...extra, status, stage: undefined };
    if (status !== 'pending') next.crashed = undefined;
    if (status !== 'processing') next.progress = status === 'pending' ? 0 : item.progress;
    await this.store.putItem(next).catch((e) => this.onError(String(e)));
    this.queue.put(next);
  }

  async #finishIfSettled(): Promise<void> {
    const batch = this.queue.batch;
    if (!batch || (batch.status !== 'running' && batch.status !== 'paused')) return;
    if (this.#inFlight.size > 0) return;
    if (this.queue.all().some((it) => it.status === 'pending' || it.status === 'processing'))
      return;
    if (batch.status === 'paused') return;
    await this.#transition('done');
  }

  async #planOutputs(): Promise<void> {
    const batch = this.queue.batch!;
    const items = this.queue.all().filter((it) => it.status !== 'skipped');
    const planned = planOutputPaths(
      items.map((it) => ({
        id: it.id,
        path: it.path,
        extension:
          outputFormats[resolveSettings(batch.preset, it.override).output.format].extension,
      })),
    );
    // A converted file keeps the extension of what it became (another format, or the original);
    // a ladder's files follow the planned path.
    const pathOf = (it: BatchItem) => {
      const path = planned.get(it.id)!;
      if (it.status !== 'done' || !it.outputFormat || it.ladder) return path;
      return finalOutputPath(path, {
        format: it.outputFormat,
        keptOriginal: it.keptOriginal,
        inputPath: it.path,
      });
    };
    const changed = items
      .filter((it) => pathOf(it) !== it.outputPath)
      .map((it) => ({
        ...it,
        outputPath: pathOf(it),
        ...(it.ladder && {
          ladder: placeLadder(
            pathOf(it),
            it.ladder,
            // A batch restarted without its ladder still names the files it made by one.
            batch.preset.ladder ?? ladderDefaults,
            batch.preset.name,
          ),
        }),
      }));
    if (changed.length) {
      await this.store.putItems(changed);
      this.queue.put(...changed);
    }
  }

  async #transition(status: Batch['status']): Promise<void> {
    const batch = this.queue.batch!;
    assertBatchTransition(batch.status, status);
    const now = Date.now();
    const next: Batch = { ...batch, status };
    if (batch.status === 'running' && batch.startedAt) {
      next.elapsedMs = batch.elapsedMs + (now - batch.startedAt);
      next.startedAt = undefined;
    }
    if (status === 'running') {
      next.startedAt = now;
      next.finishedAt = undefined;
      this.#startTicking();
    } else this.#stopTicking();
    if (status === 'done' || status === 'cancelled') next.finishedAt = now;
    await this.#setBatch(next);
  }

  async #setBatch(batch: Batch): Promise<void> {
    await this.store.putBatch(batch);
    this.queue.setBatch(batch);
  }

  #startTicking(): void {
    this.#tick ??= setInterval(() => this.queue.tick(), 1000);
  }

  #stopTicking(): void {
    clearInterval(this.#tick);
    this.#tick = undefined;
  }
}

function defaultName(): string {
  return `Batch ${new Date().toLocaleString()}`;
}
