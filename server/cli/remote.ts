import { readFile } from 'node:fs/promises';
import { EventSource } from 'eventsource';
import { ApiClient } from '../../shared/api-client.js';
import type { Made } from '../../shared/output-facts.js';
import type {
  BatchEventData,
  CreatedBatch,
  ItemEventData,
  ServerLimits,
} from '../../shared/api.js';
import type { CliBatch } from './cli-batch.js';

/** How many files go up at once: enough to keep a server's lanes fed over one link. */
const uploadLanes = 4;

type Send = { i: number; hash: string; size: number };

/** `send` in runs that stay within the server's files and bytes per batch. */
function withinLimits(send: readonly Send[], limits: ServerLimits): Send[][] {
  const runs: Send[][] = [];
  let bytes = 0;
  for (const s of send) {
    const run = runs.at(-1);
    if (run && run.length < limits.maxFilesPerBatch && bytes + s.size <= limits.maxBatchBytes) {
      run.push(s);
      bytes += s.size;
    } else {
      runs.push([s]);
      bytes = s.size;
    }
  }
  return runs;
}

/**
 * Converts the batch's files on a sync server (docs/API.md): the files the output folder does
 * not hold yet go up as batches within the server's limits, one after another; each batch's
 * events are followed and every output downloaded as it is done into the same tree a local
 * run makes, then the batch is deleted. Ctrl-C cancels the batch on the server.
 */
export async function convertOnServer(
  batch: CliBatch,
  server: { url: string; apiKey?: string },
): Promise<void> {
  const client = new ApiClient(server.url, server.apiKey ?? '', (url, init) =>
    fetch(url, init as RequestInit),
  );
  const { limits } = await client.capabilities();
  const send: Send[] = [];
  for (let i = 0; i < batch.items.length; i++) {
    const input = await batch.triage(i);
    if (input) send.push({ i, hash: input.hash, size: input.bytes.length });
  }
  for (const run of withinLimits(send, limits)) {
    const created = await client.createBatch({
      name: batch.preset.name,
      preset: batch.preset,
      files: run.map((s) => ({ path: batch.items[s.i].path, size: s.size })),
    });
    const { batchId, token } = created;
    let stopped = false;
    const cancel = () => {
      stopped = true;
      void client.control(batchId, token, 'cancel').catch(() => undefined);
    };
    process.once('SIGINT', cancel);
    try {
      await follow(client, created, batch, run, () => stopped);
    } finally {
      process.off('SIGINT', cancel);
      await client.deleteBatch(batchId, token).catch(() => undefined);
    }
    if (stopped) break;
  }
  for (const s of send) {
    if (batch.items[s.i].status === 'pending') batch.fail(s.i, 'Not sent: stopped by Ctrl-C');
  }
}

/**
 * Uploads the files and settles each as its events say, until the batch ends; `stopped` says
 * whether a cancel came from Ctrl-C here.
 */
async function follow(
  client: ApiClient<Response>,
  { batchId, token, items }: CreatedBatch,
  batch: CliBatch,
  send: readonly Send[],
  stopped: () => boolean,
): Promise<void> {
  const byId = new Map(items.map((it, k) => [it.id, send[k]]));
  const settled = new Set<string>();
  const downloads: Promise<void>[] = [];

  const onItem = (d: ItemEventData) => {
    const s = byId.get(d.id);
    if (!s || settled.has(d.id)) return;
    if (d.status === 'done') {
      settled.add(d.id);
      const made: Made = {
        format: d.outputFormat!,
        width: d.outputWidth!,
        height: d.outputHeight!,
        inputWidth: d.width!,
        inputHeight: d.height!,
        size: d.outputSize!,
        ...(d.keptOriginal && { keptOriginal: true }),
        ...(d.target && { target: d.target }),
        ...(d.ladder && { ladder: d.ladder.map(({ path: _, ...file }) => file) }),
      };
      const bytesOf = async (k: number) =>
        new Uint8Array(await (await client.output(batchId, token, d.id, k)).arrayBuffer());
      downloads.push(
        batch.save(s.i, s.hash, made, bytesOf, d.durationMs).catch((e) => batch.fail(s.i, e)),
      );
    } else if (d.status === 'failed' || d.status === 'skipped' || d.status === 'cancelled') {
      settled.add(d.id);
      const cancelled = stopped() ? 'Stopped by Ctrl-C' : 'Cancelled on the server';
      const reason = d.error ?? (d.status === 'cancelled' ? cancelled : '');
      batch.settle(s.i, { status: d.status === 'skipped' ? 'skipped' : 'failed', reason });
    }
  };

  const ended = new Promise<void>((resolve, reject) => {
    const events = new EventSource(client.eventsUrl(batchId, token));
    events.addEventListener('item', (e) => onItem(JSON.parse(e.data) as ItemEventData));
    events.addEventListener('batch', (e) => {
      const { status } = JSON.parse(e.data) as BatchEventData;
      if (status === 'done' || status === 'cancelled') {
        events.close();
        resolve();
      }
    });
    // The stream reconnects by itself (resuming after the last event); closed means refused.
    events.addEventListener('error', () => {
      if (events.readyState === EventSource.CLOSED) {
        reject(new Error(`Lost the progress of batch ${batchId} on ${client.base}`));
      }
    });
  });

  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const { id } = items[next];
      const { i } = send[next++];
      try {
        const bytes = new Uint8Array(await readFile(batch.inputs[i].file));
        await client.upload(batchId, token, id, bytes);
      } catch (e) {
        // The server would wait for it: cancel it there, and say why here.
        if (!settled.has(id)) {
          settled.add(id);
          batch.fail(i, e);
          await client.cancelItem(batchId, token, id).catch(() => undefined);
        }
      }
    }
  };
  await Promise.all([ended, ...Array.from({ length: uploadLanes }, lane)]);
  await Promise.all(downloads);
}
