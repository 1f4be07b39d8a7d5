import { createHmac } from 'node:crypto';
import { webhookDeliveryHeader, webhookSignatureHeader } from '../../shared/api.js';
import type { Log } from '../log.js';
import type { Delivery } from '../store/deliveries.js';
import type { Store } from '../store/index.js';

/** Tries per delivery before it is given up (about 4 minutes at the default first delay). */
export const webhookAttempts = 8;
const timeoutMs = 10_000;

/** `t=…,v1=…`: HMAC-SHA256 of "<t>.<body>" under `secret` (shared/api.ts). */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

export interface SenderOptions {
  store: Store;
  log: Log;
  now: () => number;
  /** The first retry's delay; each next one doubles, ±50 % jitter. */
  retryMs: number;
  /** How often due deliveries are looked for. */
  pollMs?: number;
}

/**
 * Sends the webhook deliveries the store holds (scheduled by lifecycle, in the transaction
 * that finished the batch), so a restart resumes them: each is POSTed, signed, until it is
 * answered 2xx; a failure is retried with exponential backoff and jitter, and given up after
 * `webhookAttempts` tries.
 */
export class WebhookSender {
  #timer: ReturnType<typeof setInterval> | undefined;
  #sending = new Set<string>();
  #inFlight = new Set<Promise<void>>();

  constructor(private readonly opts: SenderOptions) {}

  start(): void {
    this.#timer ??= setInterval(() => this.#poll(), this.opts.pollMs ?? 250);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await Promise.all(this.#inFlight);
  }

  #poll(): void {
    for (const d of this.opts.store.deliveries.due(this.opts.now())) {
      if (this.#sending.has(d.id)) continue;
      this.#sending.add(d.id);
      const sent: Promise<void> = this.#send(d).finally(() => {
        this.#sending.delete(d.id);
        this.#inFlight.delete(sent);
      });
      this.#inFlight.add(sent);
    }
  }

  async #send(d: Delivery): Promise<void> {
    const { store, log, now } = this.opts;
    let error: string | undefined;
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          [webhookSignatureHeader]: signWebhook(d.secret, d.body, Math.floor(now() / 1000)),
          [webhookDeliveryHeader]: d.id,
        },
        body: d.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.body?.cancel();
      if (res.ok) {
        store.deliveries.tried(d.id, { status: 'delivered', nextAt: now() });
        log.info('webhook delivered', { delivery: d.id, tries: d.attempts + 1 });
        return;
      }
      error = `answered ${res.status}`;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const tries = d.attempts + 1;
    if (tries >= webhookAttempts) {
      store.deliveries.tried(d.id, { status: 'gave_up', nextAt: now(), lastError: error });
      log.warn('webhook given up', { delivery: d.id, tries, error });
      return;
    }
    const delay = this.opts.retryMs * 2 ** (tries - 1) * (0.5 + Math.random());
    store.deliveries.tried(d.id, {
      status: 'pending',
      nextAt: now() + Math.round(delay),
      lastError: error,
    });
    log.warn('webhook failed, retried later', { delivery: d.id, tries, error });
  }
}
