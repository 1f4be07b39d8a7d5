import { ApiClient, errorFrom, parseJson, ServerError } from '../../shared/api-client.js';
import type { UploadResult } from '../../shared/api.js';

export { ServerError };

/** The host a server URL names, as a person reads it ('' is the page's own server). */
export function serverHost(url: string): string {
  try {
    return new URL(url || location.origin).host;
  } catch {
    return url;
  }
}

/**
 * The sync server's API from the page: `url` '' means the origin the app was loaded from (the
 * server serves the app too), and uploads report their progress.
 */
export class ServerClient extends ApiClient<Response> {
  constructor(url: string, apiKey = '') {
    super(url, apiKey, (u, init) => fetch(u, init as RequestInit));
  }

  protected override get where(): string {
    return this.base || location.origin;
  }

  /** Sends one input; XMLHttpRequest because fetch reports no upload progress. */
  uploadBlob(
    batchId: string,
    token: string,
    itemId: string,
    blob: Blob,
    onProgress?: (fraction: number) => void,
    signal?: AbortSignal,
  ): Promise<UploadResult> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('PUT', this.url(`/api/batches/${batchId}/files/${itemId}`));
      xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress?.(e.loaded / e.total);
      xhr.onload = () => {
        const body = parseJson(xhr.responseText);
        if (xhr.status >= 200 && xhr.status < 300) resolve(body as UploadResult);
        else reject(errorFrom(xhr.status, body));
      };
      xhr.onerror = () => reject(new ServerError('The server could not be reached', 0));
      xhr.onabort = () => reject(new DOMException('Upload aborted', 'AbortError'));
      signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(blob);
    });
  }
}
