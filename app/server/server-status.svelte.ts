import type { Capabilities } from '../../shared/api.js';
import { ServerClient } from './client.js';

export type ServerState = 'off' | 'checking' | 'online' | 'offline';

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
      this.state = 'offline';
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
