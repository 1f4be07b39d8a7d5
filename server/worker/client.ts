import {
  workerApiBase,
  type ClaimGranted,
  type WorkerFailure,
  type WorkerResult,
} from '../../shared/worker-api.js';
import type { ConvertOutput } from '../convert/index.js';
import type { JobRef } from '../queue/types.js';

/** The server answered that the run is not (any more) the worker's: nothing to retry. */
export class StaleRun extends Error {
  override name = 'StaleRun';
}

/**
 * The worker's side of shared/worker-api.ts. Any answer but success or 409 throws, so BullMQ
 * retries the job later (the server down, restarting, or its disk full).
 */
export class ServerClient {
  readonly #base: string;
  readonly #auth: Record<string, string>;

  /** `retryWithinMs`: how long one request is tried again (SERVER_RETRY_SECONDS). */
  constructor(
    serverUrl: string,
    token: string,
    private readonly retryWithinMs = 8000,
  ) {
    this.#base = `${serverUrl.replace(/\/+$/, '')}${workerApiBase}/jobs`;
    this.#auth = { Authorization: `Bearer ${token}` };
  }

  /**
   * One request, tried again (0.5, 1, 2… s apart) for up to `retryWithinMs` while the server
   * cannot be reached or answers 5xx (a restart): a finished conversion is worth waiting for,
   * where a BullMQ retry would convert the image again.
   */
  async #call(job: JobRef, path: string, init: RequestInit = {}): Promise<Response> {
    const url = `${this.#base}/${job.batchId}/${job.itemId}/${path}`;
    const request = { ...init, headers: { ...this.#auth, ...init.headers } };
    let res: Response | undefined;
    for (let wait = 500, waited = 0; ; waited += wait, wait *= 2) {
      const last = waited + wait > this.retryWithinMs;
      try {
        res = await fetch(url, request);
        if (res.status < 500 || last) break;
        await res.body?.cancel();
      } catch (e) {
        if (last) throw e;
      }
      await new Promise((r) => setTimeout(r, wait));
    }
    if (res.status === 409) {
      await res.body?.cancel();
      throw new StaleRun(`The server says the item moved on (${path})`);
    }
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      throw new Error(`The server answered ${res.status} to ${path}: ${text.slice(0, 200)}`);
    }
    return res;
  }

  #json(job: JobRef, path: string, body: unknown): Promise<Response> {
    return this.#call(job, path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  /** Claims the job's item; StaleRun when it is not runnable any more. */
  async claim(job: JobRef): Promise<ClaimGranted> {
    return (
      await this.#json(job, 'claim', { queued: job.attempts })
    ).json() as Promise<ClaimGranted>;
  }

  async input(job: JobRef, attempt: number): Promise<Uint8Array> {
    const res = await this.#call(job, `input?attempt=${attempt}`);
    return new Uint8Array(await res.arrayBuffer());
  }

  async done(job: JobRef, attempt: number, out: ConvertOutput, durationMs: number): Promise<void> {
    const { data, ladder, ...facts } = out;
    const result: WorkerResult = {
      ...facts,
      durationMs,
      ...(ladder && { ladder: ladder.map(({ data: _, ...file }) => file) }),
    };
    const form = new FormData();
    form.set('result', JSON.stringify(result));
    const parts = ladder?.map((f) => f.data) ?? [data];
    parts.forEach((bytes, k) => form.set(`file${k}`, new Blob([bytes as Uint8Array<ArrayBuffer>])));
    await this.#call(job, `done?attempt=${attempt}`, { method: 'POST', body: form });
  }

  async failed(job: JobRef, attempt: number, failure: WorkerFailure): Promise<void> {
    await this.#json(job, `failed?attempt=${attempt}`, failure);
  }
}
