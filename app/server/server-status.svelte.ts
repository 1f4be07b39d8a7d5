import type { Capabilities } from '../../shared/api.js';
import { ServerClient, ServerError } from './client.js';

/**
 * off: not looked for; absent: the page's own origin is a static host with no server (no
 * server UI at all, no more polling); offline: a server that was named does not answer.
 */
export type ServerState = 'off' | 'checking' | 'online' | 'offline' | 'absent';

/** Watches the configured sync server: a live indicator and the client to use. */
export class ServerStatus {
  state = $state<ServerState>('off');
  version = $state('');
  capabilities = $state.raw<Capabilities | null>(null);
  error = $state('');

  #timer: ReturnType<typeof setInterval> | undefined;
  #client: ServerClient | null = null;

  get client(): ServerClient | null {
    return this.state === 'online' ? this.#client : null;
  }

  /** Starts (or restarts) watching `url` ('' = the server this page came from). */
  watch(url: string, apiKey: string, enabled: boolean, everyMs = 10_000): void {
    clearInterval(this.#timer);
    if (!enabled) {
      this.state = 'off';
      this.#client = null;
      return;
    }
    this.#client = new ServerClient(url, apiKey);
    this.state = 'checking';
    void this.check();
    this.#timer = setInterval(() => void this.check(), everyMs);
  }

  async check(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    try {
      const health = await client.health(AbortSignal.timeout(5000));
      if (health?.status !== 'ok') throw new Error('unexpected answer');
      if (this.state !== 'online') this.capabilities = await client.capabilities();
      this.version = health.version;
      this.state = 'online';
      this.error = '';
    } catch (e) {
      // A static host answers its own /api with 404 or the app's HTML: there is no server.
      const noApi = (e instanceof ServerError && e.status === 404) || e instanceof SyntaxError;
      if (client.base === '' && noApi && this.state !== 'online') {
        this.state = 'absent';
        clearInterval(this.#timer);
        return;
      }
      this.state = 'offline';
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
