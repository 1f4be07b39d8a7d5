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
} from '../../shared/api.js';

/** The host a server URL names, as a person reads it ('' is the page's own server). */
export function serverHost(url: string): string {
  try {
    return new URL(url || location.origin).host;
  } catch {
    return url;
  }
}

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

/** The sync server's HTTP API (docs/API.md); one instance per server URL. */
export class ServerClient {
  readonly base: string;

  /** `url` '' means the origin the app was loaded from (the server serves the app too). */
  constructor(
    url: string,
    private apiKey = '',
  ) {
    this.base = url.trim().replace(/\/+$/, '');
  }

  health(signal?: AbortSignal): Promise<Health> {
    return this.#json('GET', '/api/health', { signal });
  }

  capabilities(): Promise<Capabilities> {
    return this.#json('GET', '/api/capabilities');
  }

  /** Declares the file count, which bounds how large a manifest the server reads. */
  createBatch(manifest: Manifest): Promise<CreatedBatch> {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      [fileCountHeader]: String(manifest.files.length),
    };
    if (this.apiKey) headers['X-Api-Key'] = this.apiKey;
    return this.#json('POST', '/api/batches', { headers, body: JSON.stringify(manifest) });
  }

  /** Sends one input; XMLHttpRequest because fetch reports no upload progress. */
  upload(
    batchId: string,
    token: string,
    itemId: string,
    blob: Blob,
    onProgress?: (fraction: number) => void,
    signal?: AbortSignal,
  ): Promise<UploadResult> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('PUT', this.#url(`/api/batches/${batchId}/files/${itemId}`));
      xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress?.(e.loaded / e.total);
      xhr.onload = () => {
        const body = parse(xhr.responseText);
        if (xhr.status >= 200 && xhr.status < 300) resolve(body as UploadResult);
        else reject(errorFrom(xhr.status, body));
      };
      xhr.onerror = () => reject(new ServerError('The server could not be reached', 0));
      xhr.onabort = () => reject(new DOMException('Upload aborted', 'AbortError'));
      signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(blob);
    });
  }

  control(batchId: string, token: string, action: BatchAction): Promise<BatchStatusBody> {
    return this.#json('POST', `/api/batches/${batchId}/${action}`, { token });
  }

  cancelItem(batchId: string, token: string, itemId: string): Promise<BatchStatusBody> {
    return this.#json('POST', `/api/batches/${batchId}/items/${itemId}/cancel`, { token });
  }

  /** The item's output, or a size ladder's `file`-th file (0 is the output). */
  async output(batchId: string, token: string, itemId: string, file = 0): Promise<Blob> {
    const query = file ? `?file=${file}` : '';
    const res = await this.#fetch('GET', `/api/batches/${batchId}/files/${itemId}/output${query}`, {
      token,
    });
    return res.blob();
  }

  deleteBatch(batchId: string, token: string) {
    return this.#fetch('DELETE', `/api/batches/${batchId}`, { token });
  }

  /** The URL of the batch's event stream, resuming after `lastEventId`. */
  eventsUrl(batchId: string, token: string, lastEventId?: string): string {
    const q = new URLSearchParams({ token });
    if (lastEventId) q.set('lastEventId', lastEventId);
    return this.#url(`/api/batches/${batchId}/events?${q}`);
  }

  #url(path: string): string {
    return `${this.base}${path}`;
  }

  async #fetch(
    method: string,
    path: string,
    opts: { token?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal },
  ): Promise<Response> {
    const headers = { ...opts.headers };
    if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
    let res: Response;
    try {
      res = await fetch(this.#url(path), { method, headers, body: opts.body, signal: opts.signal });
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw new ServerError(
        `The server at ${this.base || location.origin} could not be reached`,
        0,
      );
    }
    if (!res.ok) throw errorFrom(res.status, parse(await res.text()));
    return res;
  }

  async #json<T>(
    method: string,
    path: string,
    opts: {
      token?: string;
      headers?: Record<string, string>;
      body?: string;
      signal?: AbortSignal;
    } = {},
  ): Promise<T> {
    const res = await this.#fetch(method, path, opts);
    return (await res.json()) as T;
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function errorFrom(status: number, body: unknown): ServerError {
  const b = (body ?? {}) as Partial<ErrorBody> & { messages?: string[] };
  const message = b.message ?? b.messages?.join('; ') ?? b.error ?? `The server answered ${status}`;
  return new ServerError(message, status, b.error);
}
