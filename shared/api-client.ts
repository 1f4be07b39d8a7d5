import {
  fileCountHeader,
  type BatchAction,
  type BatchStatusBody,
  type Capabilities,
  type CreatedBatch,
  type ErrorBody,
  type ErrorCode,
  type Health,
  type Manifest,
  type UploadResult,
} from './api.js';

// A client of the sync server's HTTP API (docs/API.md) over the `fetch` its user passes in
// (shared/ sees neither the browser's types nor Node's): the app's client
// (app/server/client.ts) adds what only a page does, the CLI (server/cli/remote.ts) uses it as
// it is.

/** What the client reads of a response; the browser's and Node's `Response` both are one. */
export interface ApiResponse {
  ok: boolean;
  status: number;
  text(): Promise<string>;
  json(): Promise<unknown>;
}

/** `fetch` as the client calls it. */
export type ApiFetch<R extends ApiResponse> = (
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body?: string | Uint8Array<ArrayBuffer>;
    signal?: unknown;
  },
) => Promise<R>;

/** A failed call, with the server's error code and message when it sent one. */
export class ServerError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: ErrorCode,
  ) {
    super(message);
    this.name = 'ServerError';
  }
}

type CallOptions = {
  token?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
  /** An AbortSignal. */
  signal?: unknown;
};

/** The sync server's HTTP API; one instance per server URL. */
export class ApiClient<R extends ApiResponse = ApiResponse> {
  readonly base: string;

  constructor(
    url: string,
    protected apiKey: string,
    private readonly fetchFn: ApiFetch<R>,
  ) {
    this.base = url.trim().replace(/\/+$/, '');
  }

  health(signal?: unknown): Promise<Health> {
    return this.json('GET', '/api/health', { signal });
  }

  capabilities(): Promise<Capabilities> {
    return this.json('GET', '/api/capabilities');
  }

  /** Declares the file count, which bounds how large a manifest the server reads. */
  createBatch(manifest: Manifest): Promise<CreatedBatch> {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      [fileCountHeader]: String(manifest.files.length),
    };
    if (this.apiKey) headers['X-Api-Key'] = this.apiKey;
    return this.json('POST', '/api/batches', { headers, body: JSON.stringify(manifest) });
  }

  /** Sends one input whole. */
  upload(batchId: string, token: string, itemId: string, data: Uint8Array): Promise<UploadResult> {
    return this.json('PUT', `/api/batches/${batchId}/files/${itemId}`, {
      token,
      headers: { 'Content-Type': 'application/octet-stream' },
      body: data as Uint8Array<ArrayBuffer>,
    });
  }

  status(batchId: string, token: string): Promise<BatchStatusBody> {
    return this.json('GET', `/api/batches/${batchId}`, { token });
  }

  control(batchId: string, token: string, action: BatchAction): Promise<BatchStatusBody> {
    return this.json('POST', `/api/batches/${batchId}/${action}`, { token });
  }

  cancelItem(batchId: string, token: string, itemId: string): Promise<BatchStatusBody> {
    return this.json('POST', `/api/batches/${batchId}/items/${itemId}/cancel`, { token });
  }

  /** The item's output, or a size ladder's `file`-th file (0 is the output), to read. */
  output(batchId: string, token: string, itemId: string, file = 0): Promise<R> {
    const query = file ? `?file=${file}` : '';
    return this.fetch('GET', `/api/batches/${batchId}/files/${itemId}/output${query}`, { token });
  }

  deleteBatch(batchId: string, token: string) {
    return this.fetch('DELETE', `/api/batches/${batchId}`, { token });
  }

  /** The URL of the batch's event stream, resuming after `lastEventId`. */
  eventsUrl(batchId: string, token: string, lastEventId?: string): string {
    const resume = lastEventId ? `&lastEventId=${encodeURIComponent(lastEventId)}` : '';
    return this.url(`/api/batches/${batchId}/events?token=${encodeURIComponent(token)}${resume}`);
  }

  /** The server as a message names it. */
  protected get where(): string {
    return this.base;
  }

  protected url(path: string): string {
    return `${this.base}${path}`;
  }

  protected async fetch(method: string, path: string, opts: CallOptions): Promise<R> {
    const headers = { ...opts.headers };
    if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
    let res: R;
    try {
      const init = { method, headers, body: opts.body, signal: opts.signal };
      res = await this.fetchFn(this.url(path), init);
    } catch (e) {
      if ((e as { name?: string }).name === 'AbortError') throw e;
      throw new ServerError(`The server at ${this.where} could not be reached`, 0);
    }
    if (!res.ok) throw errorFrom(res.status, parseJson(await res.text()));
    return res;
  }

  protected async json<T>(method: string, path: string, opts: CallOptions = {}): Promise<T> {
    const res = await this.fetch(method, path, opts);
    return (await res.json()) as T;
  }
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The error a non-2xx answer means, worded by the server when it said something. */
export function errorFrom(status: number, body: unknown): ServerError {
  const b = (body ?? {}) as Partial<ErrorBody> & { messages?: string[] };
  const message = b.message ?? b.messages?.join('; ') ?? b.error ?? `The server answered ${status}`;
  return new ServerError(message, status, b.error);
}
