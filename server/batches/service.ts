import type { BatchAction, CreatedBatch } from '../../shared/api.js';
import { outputFormats } from '../../shared/formats/index.js';
import { planOutputPaths } from '../../shared/naming.js';
import { resolveSettings } from '../../shared/presets/index.js';
import type { Config } from '../config.js';
import type { EventBus } from '../events/bus.js';
import { ensureRoom } from '../faults.js';
import type { DataFiles } from '../files.js';
import { newId } from '../files.js';
import { newToken } from '../http/auth.js';
import type { Log } from '../log.js';
import type { JobQueue } from '../queue/types.js';
import type { Runner } from '../runner/runner.js';
import type { Store } from '../store/index.js';
import type { Lifecycle } from './lifecycle.js';
import type { CheckedManifest } from './manifest.js';
import { progressOf } from './progress.js';

/** What the routes and the clean-up do to batches: lifecycle, queue and files together. */
export class BatchService {
  /** Uploads under way per batch: clean-up never deletes a batch while one is running. */
  readonly activeUploads = new Map<string, number>();

  constructor(
    private readonly deps: {
      store: Store;
      bus: EventBus;
      lifecycle: Lifecycle;
      queue: JobQueue;
      runner: Runner;
      files: DataFiles;
      config: Config;
      log: Log;
      now: () => number;
    },
  ) {}

  /**
   * Stores a new batch; it runs as soon as its first file arrives. Refused (NoRoom) when its
   * files would leave the disk under the watermark, so a batch never half-fills the disk.
   */
  async create(manifest: CheckedManifest): Promise<CreatedBatch> {
    const { files, log, config } = this.deps;
    const bytes = manifest.files.reduce((n, f) => n + f.size, 0);
    await ensureRoom(files.dataDir, bytes, config.minFreeBytes);
    const batchId = newId();
    const { token, hash } = newToken();
    const items = manifest.files.map((f) => ({ ...f, id: newId() }));
    const paths = planOutputPaths(
      items.map((item) => {
        const format = resolveSettings(manifest.preset, item.override).output.format;
        return { id: item.id, path: item.path, extension: outputFormats[format].extension };
      }),
    );
    const now = this.deps.now();
    await files.createBatchDirs(batchId);
    try {
      this.#insert(batchId, hash, manifest, items, paths, now);
    } catch (e) {
      await files.removeBatch(batchId);
      throw e;
    }
    log.info('batch created', { batch: batchId, files: items.length });
    return {
      batchId,
      token,
      items: items.map((item) => ({
        id: item.id,
        path: item.path,
        outputPath: paths.get(item.id)!,
      })),
    };
  }

  #insert(
    batchId: string,
    hash: string,
    manifest: CheckedManifest,
    items: (CheckedManifest['files'][number] & { id: string })[],
    paths: Map<string, string>,
    now: number,
  ): void {
    const { store } = this.deps;
    store.transaction((emit) => {
      store.batches.insert({
        id: batchId,
        name: manifest.name,
        preset: manifest.preset,
        tokenHash: hash,
        now,
        ...(manifest.webhook && { webhook: manifest.webhook }),
      });
      items.forEach((item, order) => {
        const format = resolveSettings(manifest.preset, item.override).output.format;
        store.items.insert({
          id: item.id,
          batchId,
          order,
          path: item.path,
          outputPath: paths.get(item.id)!,
          outputFormat: format,
          size: item.size,
          override: item.override,
        });
      });
      emit(batchId, {
        type: 'batch',
        data: { status: 'running', progress: progressOf(store.items.counts(batchId)) },
      });
    });
  }

  /** Pause, resume, cancel or retry; throws StateConflict when the state does not allow it. */
  control(batchId: string, action: BatchAction): void {
    const { lifecycle, queue, runner, log } = this.deps;
    if (action === 'pause') {
      lifecycle.pause(batchId);
      queue.pause(batchId);
    } else if (action === 'resume') {
      lifecycle.resume(batchId);
      queue.resume(batchId);
      runner.enqueueBatch(batchId);
    } else if (action === 'cancel') {
      for (const id of lifecycle.cancel(batchId)) queue.cancel(id);
      queue.resume(batchId);
    } else {
      const ids = lifecycle.retry(batchId);
      runner.enqueueBatch(batchId);
      log.info('batch retried', { batch: batchId, items: ids.length });
      return;
    }
    log.info(`batch ${action}`, { batch: batchId });
  }

  /** Retries one failed or cancelled item (StateConflict for any other). */
  retryItem(batchId: string, itemId: string): void {
    this.deps.lifecycle.retry(batchId, itemId);
    this.deps.runner.enqueueBatch(batchId);
    this.deps.log.info('item retried', { batch: batchId, item: itemId });
  }

  /** Cancels one item; a running conversion is aborted and its result discarded. */
  cancelItem(batchId: string, itemId: string): void {
    const was = this.deps.lifecycle.cancelItem(batchId, itemId);
    if (was === 'processing' || was === 'pending') this.deps.queue.cancel(itemId);
    // Its duplicates, which waited to copy its result, now convert on their own.
    this.deps.runner.enqueueBatch(batchId);
  }

  /**
   * Removes the batch, its files, rows and events; running conversions are abandoned. Files go
   * first: on a full disk the database cannot write its deletion until they have made room,
   * and if it still fails the batch can be deleted again (removing no file twice).
   */
  async remove(batchId: string, why: string): Promise<void> {
    const { store, queue, files, log } = this.deps;
    for (const id of store.items.idsWithStatus(batchId, ['pending', 'processing']))
      queue.cancel(id);
    await files.removeBatch(batchId);
    store.batches.delete(batchId);
    queue.resume(batchId);
    this.deps.bus.end(batchId);
    log.info('batch deleted', { batch: batchId, why });
  }

  /** Deletes finished batches past BATCH_TTL_SECONDS and abandoned uploads; returns how many. */
  async cleanUp(): Promise<number> {
    const { store, config } = this.deps;
    const ids = store.batches
      .expired(this.deps.now(), config.batchTtlSeconds * 1000, config.uploadTtlSeconds * 1000)
      .filter((id) => !this.activeUploads.get(id));
    for (const id of ids) await this.remove(id, 'expired');
    return ids.length;
  }
}
