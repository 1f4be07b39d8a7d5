import { resolveSettings, type Preset } from '../../shared/presets/index.js';
import type { Batch, BatchItem, BatchStatus } from '../../shared/state/index.js';
import { ServerClient, ServerError } from '../server/client.js';
import type { ItemEventData } from '../../shared/api.js';
import { RemoteRun } from '../server/remote-run.js';
import type { Store } from '../store/index.js';
import type { Queue } from './queue.svelte.js';

/** What a remote batch needs from the runner that owns the batch. */
export interface BatchControl {
  /** Moves the batch to `status` if the state machine allows it; ignores it otherwise. */
  setStatus(status: BatchStatus): Promise<void>;
  onError(message: string): void;
}

/**
 * The local side of a batch converting on a sync server: mirrors the server's events into
 * the same queue rows and IndexedDB records a local batch uses, so the ZIP, the report and
 * the compare view work the same.
 */
export class RemoteBatch {
  #run: RemoteRun | null = null;
  #client: ServerClient | null = null;
  #uploading = false;
  #abandonTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private store: Store,
    private queue: Queue,
    private control: BatchControl,
  ) {}

  get active(): boolean {
    return this.#run !== null;
  }

  /** Creates the batch on the server, then uploads and follows it. */
  async start(client: ServerClient, preset: Preset): Promise<void> {
    const batch = this.queue.batch!;
    const items = this.queue.all().filter((it) => it.status === 'pending');
    const created = await client.createBatch({
      name: batch.name,
      preset,
      files: items.map((it) => ({ path: it.path, size: it.size, override: it.override })),
    });
    const linked = items.map((it, i) => ({
      ...it,
      remoteId: created.items[i].id,
      uploaded: false,
    }));
    await this.store.putItems(linked);
    this.queue.put(...linked);
    const next: Batch = {
      ...batch,
      preset,
      remote: { server: client.base, batchId: created.batchId, token: created.token },
    };
    await this.store.putBatch(next);
    this.queue.setBatch(next);
    await this.control.setStatus('running');
    this.#follow(client);
  }

  /** Picks a remote batch up again after a reload. */
  attach(): void {
    const remote = this.queue.batch?.remote;
    if (!remote) return;
    this.#follow(new ServerClient(remote.server));
  }

  async pause(): Promise<void> {
    await this.#call((c, id, t) => c.control(id, t, 'pause'));
    await this.control.setStatus('paused');
  }

  async resume(): Promise<void> {
    await this.#call((c, id, t) => c.control(id, t, 'resume'));
    await this.control.setStatus('running');
  }

  async cancelAll(): Promise<void> {
    await this.#call((c, id, t) => c.control(id, t, 'cancel'));
    await this.control.setStatus('cancelled');
  }

  async cancelItem(item: BatchItem): Promise<void> {
    if (item.remoteId) await this.#call((c, id, t) => c.cancelItem(id, t, item.remoteId!));
  }

  async retry(): Promise<void> {
    await this.#call((c, id, t) => c.control(id, t, 'retry'));
    await this.control.setStatus('running');
  }

  /**
   * The server went away (or the user asked): every file not finished converts here instead,
   * and the server is told to cancel its batch, now or once it answers again.
   */
  async moveToLocal(): Promise<void> {
    const batch = this.queue.batch;
    if (!batch?.remote) return;
    this.detach();
    const back = this.queue
      .all()
      .filter((it) => it.remoteId && (it.status === 'pending' || it.status === 'processing'))
      .map((it) => ({
        ...it,
        status: 'pending' as const,
        stage: undefined,
        progress: 0,
        remoteId: undefined,
        uploaded: undefined,
      }));
    await this.store.putItems(back);
    this.queue.put(...back);
    const local: Batch = { ...batch, remote: undefined, abandoned: batch.remote };
    await this.store.putBatch(local);
    this.queue.setBatch(local);
    this.queue.connection = null;
    this.cancelAbandoned();
  }

  detach(): void {
    this.#run?.stop();
    this.#run = null;
    clearTimeout(this.#abandonTimer);
  }

  /**
   * Sends `cancel` for the batch's abandoned server batch until the server answers: done, or
   * 404/409 (deleted, or already settled: nothing left to convert). A server that is down is
   * asked again every two seconds (a refused loopback connection costs nothing), so one that
   * restarts hears it before it gets far, and after a reload (the link is on the batch).
   */
  cancelAbandoned(delay = 500): void {
    const batch = this.queue.batch;
    const link = batch?.abandoned;
    if (!batch || !link) return;
    clearTimeout(this.#abandonTimer);
    void new ServerClient(link.server)
      .control(link.batchId, link.token, 'cancel')
      .then(
        () => true,
        (e) => e instanceof ServerError && (e.status === 404 || e.status === 409),
      )
      .then(async (settled) => {
        const cur = this.queue.batch;
        if (cur?.id !== batch.id || !cur.abandoned) return;
        if (!settled) {
          const next = Math.min(2000, delay * 2);
          this.#abandonTimer = setTimeout(() => this.cancelAbandoned(next), delay);
          return;
        }
        const done = { ...cur, abandoned: undefined };
        await this.store.putBatch(done);
        this.queue.setBatch(done);
      });
  }

  #follow(client: ServerClient): void {
    this.detach();
    const batch = this.queue.batch!;
    const localIds = new Map(
      this.queue
        .all()
        .filter((it) => it.remoteId)
        .map((it) => [it.remoteId!, it.id]),
    );
    this.#client = client;
    this.#run = new RemoteRun(client, batch.remote!, localIds, {
      uploaded: (id, patch) => this.#patch(id, patch, patch.uploaded === true),
      item: (id, event, outputs) => this.#onItem(id, event, outputs),
      batch: async (status) => {
        await this.control.setStatus(status);
        // Everything is here: stop following (a retry of a finished batch runs locally).
        if (status === 'done') this.detach();
      },
      advanced: async (lastEventId) => {
        const b = this.queue.batch;
        if (!b?.remote) return;
        const next = { ...b, remote: { ...b.remote, lastEventId } };
        await this.store.putBatch(next);
        this.queue.setBatch(next);
      },
      connection: (state) => {
        const was = this.queue.connection;
        this.queue.connection = state;
        // Back after an outage: send whatever did not get through.
        if (state === 'connected' && was && was !== 'connected') this.#uploadMissing();
      },
    });
    this.#run.listen();
    this.#uploadMissing();
  }

  /** Uploads every input the server does not have yet; one pass at a time. */
  #uploadMissing(): void {
    const run = this.#run;
    const missing = this.queue.all().filter((it) => it.remoteId && !it.uploaded);
    if (!run || this.#uploading || missing.length === 0) return;
    this.#uploading = true;
    void run
      .upload(missing.map((item) => ({ item, input: () => this.store.getInput(item.id) })))
      .catch((e) => {
        if ((e as Error).name === 'AbortError') return;
        this.control.onError(
          `Upload interrupted: ${(e as Error).message}. It resumes when the server is back.`,
        );
      })
      .finally(() => (this.#uploading = false));
  }

  async #patch(id: string, patch: Partial<BatchItem>, persist: boolean): Promise<void> {
    const cur = this.queue.get(id);
    if (!cur) return;
    const next = { ...cur, ...patch };
    this.queue.put(next);
    if (persist) await this.store.putItem(next);
  }

  /** The server is the authority on a remote item's state; mirror it. */
  async #onItem(id: string, e: ItemEventData, outputs?: Blob[]): Promise<void> {
    const cur = this.queue.get(id);
    if (!cur) return;
    const dims = {
      width: e.width ?? cur.width,
      height: e.height ?? cur.height,
      outputWidth: e.outputWidth,
      outputHeight: e.outputHeight,
      durationMs: e.durationMs,
      target: e.target,
    };
    if (outputs) {
      const [output, ...more] = outputs;
      const done: BatchItem = {
        ...cur,
        ...dims,
        status: 'done',
        stage: undefined,
        progress: 1,
        reason: undefined,
        outputSize: output.size,
        // The server says what it made; an older server, what the settings ask for.
        outputFormat:
          e.outputFormat ??
          (this.queue.batch
            ? resolveSettings(this.queue.batch.preset, cur.override).output.format
            : undefined),
        outputPath: e.outputPath ?? cur.outputPath,
        keptOriginal: e.keptOriginal,
        ladder: e.ladder,
      };
      await this.store.completeItem(done, output, e.ladder && more);
      this.queue.put(done);
      return;
    }
    const status = e.status === 'skipped' ? 'failed' : e.status;
    const next: BatchItem = {
      ...cur,
      status,
      stage: status === 'processing' ? (e.stage ?? 'encode') : undefined,
      progress: status === 'processing' ? cur.progress : 0,
      reason: e.error,
    };
    this.queue.put(next);
    // Stage ticks are not worth a write; state changes are.
    if (cur.status !== next.status) await this.store.putItem(next);
  }

  async #call(
    fn: (client: ServerClient, batchId: string, token: string) => Promise<unknown>,
  ): Promise<void> {
    const remote = this.queue.batch?.remote;
    if (!remote) return;
    const client = this.#client ?? new ServerClient(remote.server);
    await fn(client, remote.batchId, remote.token);
  }
}
