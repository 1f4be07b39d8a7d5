import type { BatchEventData, ItemEventData, UploadResult } from '../../shared/api.js';
import type { BatchItem, BatchStatus, RemoteLink } from '../../shared/state/index.js';
import { ServerError, type ServerClient } from './client.js';

export type ConnectionState = 'connected' | 'reconnecting' | 'lost';

/** How a remote run reports back; the runner turns these into local state. */
export interface RemoteHooks {
  /** Upload progress or completion of one local item. */
  uploaded(localId: string, patch: Partial<BatchItem>): Promise<void>;
  /** A server-side change to one item; `outputs` (a ladder's files, or one) once finished. */
  item(localId: string, event: ItemEventData, outputs?: Blob[]): Promise<void>;
  batch(status: BatchStatus): Promise<void>;
  /** The stream advanced: persist it so a reload resumes after this event. */
  advanced(lastEventId: string): Promise<void>;
  connection(state: ConnectionState): void;
}

/** Failed reconnects in a row after which the server counts as gone. */
const giveUpAfter = 6;

/**
 * One batch converting on a sync server: uploads the inputs, then follows the server-sent
 * events, fetching each output as it finishes. Events are handled one at a time and the
 * stream position is saved only after an event was fully handled, so a reload or a dropped
 * connection resumes without missing or repeating anything.
 */
export class RemoteRun {
  #source: EventSource | null = null;
  #chain: Promise<void> = Promise.resolve();
  #failures = 0;
  #stopped = false;
  #uploads = new AbortController();
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped per connection and per failed event: later events of a dead stream are dropped. */
  #generation = 0;

  constructor(
    private client: ServerClient,
    private link: RemoteLink,
    /** Server item id → local item id. */
    private localIds: Map<string, string>,
    private hooks: RemoteHooks,
  ) {}

  /** Sends every input not yet on the server, two at a time. */
  async upload(
    items: { item: BatchItem; input: () => Promise<Blob | undefined> }[],
  ): Promise<void> {
    const queue = items.filter((x) => !x.item.uploaded && x.item.remoteId);
    const worker = async () => {
      for (let next = queue.shift(); next && !this.#stopped; next = queue.shift()) {
        const { item } = next;
        const blob = await next.input();
        if (!blob) {
          await this.hooks.item(item.id, {
            id: item.remoteId!,
            status: 'failed',
            error: 'The original file is no longer stored; add it again.',
          });
          continue;
        }
        let last = 0;
        const result = await this.#send(item.remoteId!, blob, (f) => {
          // Progress events come fast; a few steps are enough for the row's bar.
          if (f - last < 0.05 && f < 1) return;
          last = f;
          void this.hooks.uploaded(item.id, { stage: 'upload', progress: f });
        });
        await this.hooks.uploaded(item.id, { uploaded: true, stage: undefined, progress: 0 });
        if (result.status === 'skipped') {
          await this.hooks.item(item.id, {
            id: item.remoteId!,
            status: 'failed',
            error: result.reason ?? 'The server refused this file',
          });
        }
      }
    };
    await Promise.all([worker(), worker()]);
  }

  /** One upload; a 409 means the server already has the file and started on it. */
  async #send(
    remoteId: string,
    blob: Blob,
    onProgress: (f: number) => void,
  ): Promise<UploadResult> {
    try {
      return await this.client.uploadBlob(
        this.link.batchId,
        this.link.token,
        remoteId,
        blob,
        onProgress,
        this.#uploads.signal,
      );
    } catch (e) {
      if (e instanceof ServerError && e.status === 409)
        return { id: remoteId, status: 'processing', size: blob.size };
      throw e;
    }
  }

  /** Opens the event stream, resuming after the last handled event. */
  listen(): void {
    if (this.#stopped) return;
    this.#source?.close();
    const generation = ++this.#generation;
    const source = new EventSource(
      this.client.eventsUrl(this.link.batchId, this.link.token, this.link.lastEventId),
    );
    this.#source = source;
    source.onopen = () => {
      this.#failures = 0;
      this.hooks.connection('connected');
    };
    source.addEventListener('item', (e) => this.#enqueue(e as MessageEvent, 'item', generation));
    source.addEventListener('batch', (e) => this.#enqueue(e as MessageEvent, 'batch', generation));
    // EventSource would reconnect by itself, but with the Last-Event-ID of the last event it
    // *received*, not the last one we finished handling: reconnect ourselves instead.
    source.onerror = () => {
      source.close();
      if (this.#stopped || generation !== this.#generation) return;
      this.#failures++;
      this.hooks.connection(this.#failures >= giveUpAfter ? 'lost' : 'reconnecting');
      const delay = Math.min(10_000, 500 * 2 ** this.#failures);
      this.#retryTimer = setTimeout(() => this.listen(), delay);
    };
  }

  /** Stops uploads and the stream; the server keeps the batch until its TTL. */
  stop(): void {
    this.#stopped = true;
    this.#uploads.abort();
    this.#source?.close();
    clearTimeout(this.#retryTimer);
  }

  #enqueue(e: MessageEvent, type: 'item' | 'batch', generation: number): void {
    const id = e.lastEventId;
    const data = JSON.parse(e.data as string);
    this.#chain = this.#chain
      .then(async () => {
        if (this.#stopped || generation !== this.#generation) return;
        if (type === 'item') await this.#onItem(data as ItemEventData);
        else await this.hooks.batch((data as BatchEventData).status);
        if (id) {
          this.link.lastEventId = id;
          await this.hooks.advanced(id);
        }
      })
      .catch((err) => {
        // An event we could not handle (e.g. the output download failed): reconnect, and the
        // server replays it, since the position did not move past it.
        console.warn('Could not handle a server event', err);
        if (generation !== this.#generation) return;
        this.#generation++;
        this.#source?.close();
        if (!this.#stopped) this.#retryTimer = setTimeout(() => this.listen(), 2000);
      });
  }

  async #onItem(event: ItemEventData): Promise<void> {
    const localId = this.localIds.get(event.id);
    if (!localId) return;
    if (event.status !== 'done') {
      await this.hooks.item(localId, event);
      return;
    }
    await this.hooks.item(localId, { ...event, status: 'processing', stage: 'download' });
    let outputs: Blob[];
    try {
      // A ladder's files one by one: the first is the output itself.
      const count = event.ladder?.length || 1;
      outputs = [];
      for (let k = 0; k < count; k++) {
        const res = await this.client.output(this.link.batchId, this.link.token, event.id, k);
        outputs.push(await res.blob());
      }
    } catch (e) {
      if (e instanceof ServerError && e.status === 404) {
        await this.hooks.item(localId, {
          ...event,
          status: 'failed',
          error: 'The server no longer has this output (its batch expired).',
        });
        return;
      }
      throw e;
    }
    await this.hooks.item(localId, event, outputs);
  }
}
