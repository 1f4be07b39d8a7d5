// How soon an item's `done` reaches an SSE client. The server stamps no time on an item's
// completion (events and status carry durationMs only), so the moment it finished is
// bracketed from outside: a poller asks GET /api/batches/:id every `everyMs`, and the item was
// committed after the last poll that still showed it unfinished was sent and before the first
// poll that showed it done came back. The server's event loop runs the done transaction in one
// go, so no poll can see half of it.
import { quantile, median } from '../stats.mjs';

/**
 * Polls the batch status every `everyMs` (one request at a time) until every item is done,
 * `stop()` is called, or `maxPolls` / `maxMs` is reached. Resolves (from stop or on its own)
 * with, per item id, the bracket { notDoneSentAt, doneSeenAt } in performance.now() ms.
 */
export function startPoller(
  client,
  batchId,
  { everyMs = 20, maxPolls = 60_000, maxMs = 3_600_000 } = {},
) {
  const notDoneSentAt = new Map();
  const bracket = new Map();
  const roundTrips = [];
  let stopped = false;
  let polls = 0;
  const started = performance.now();
  const done = (async () => {
    while (!stopped && polls < maxPolls && performance.now() - started < maxMs) {
      const sent = performance.now();
      polls++;
      const { body } = await client.json('GET', `/api/batches/${batchId}`, { agent: 'poll' });
      const seen = performance.now();
      roundTrips.push(seen - sent);
      let open = 0;
      for (const img of body.images) {
        if (img.status === 'done' || img.status === 'failed' || img.status === 'skipped') {
          if (!bracket.has(img.id)) {
            bracket.set(img.id, { notDoneSentAt: notDoneSentAt.get(img.id), doneSeenAt: seen });
          }
        } else {
          notDoneSentAt.set(img.id, sent);
          open++;
        }
      }
      if (open === 0) break;
      const wait = sent + everyMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    return { bracket, polls, roundTrips, everyMs };
  })();
  return {
    done,
    stop() {
      stopped = true;
      return done;
    },
  };
}

const r1 = (x) => Math.round(x * 10) / 10;
const dist = (xs) => ({
  n: xs.length,
  p50: r1(median(xs)),
  p95: r1(quantile(xs, 0.95)),
  max: r1(Math.max(...xs)),
  min: r1(Math.min(...xs)),
});

/**
 * Per item, with `sseAt` its done event's arrival: `sseMinusPoll` = arrival − first poll that
 * showed it done (a lower bound on the SSE latency: the commit came before that poll's
 * answer), and `upperBound` = arrival − sending of the last poll that showed it unfinished (the
 * commit came after it). The true latency of every item lies between the two.
 */
export function analyse(polled, sseAtById) {
  const lower = [];
  const upper = [];
  const width = [];
  for (const [id, b] of polled.bracket) {
    const at = sseAtById.get(id);
    if (at === undefined || b.notDoneSentAt === undefined) continue;
    lower.push(at - b.doneSeenAt);
    upper.push(at - b.notDoneSentAt);
    width.push(b.doneSeenAt - b.notDoneSentAt);
  }
  return {
    pollEveryMs: polled.everyMs,
    polls: polled.polls,
    pollRoundTripMs: dist(polled.roundTrips),
    sseMinusPollMs: dist(lower),
    upperBoundMs: dist(upper),
    bracketWidthMs: dist(width),
    /** Items whose SSE event arrived before any poll saw them done. */
    sseFirstShare: lower.filter((x) => x < 0).length / Math.max(1, lower.length),
  };
}

/**
 * Sends GET /api/health every `everyMs` on a fixed schedule, whether or not earlier requests
 * have come back (each on a socket of its own), until `stop()`; resolves with each request's
 * scheduled send time and its latency from that time (performance.now() ms). The handler does
 * nothing but answer, so the latency is how long a request waits for the server's event loop.
 * A fixed schedule counts every request that arrives during a stall, not just the one that
 * was waiting when it began.
 */
export function startHealthPoller(client, { everyMs = 20 } = {}) {
  const samples = [];
  const inFlight = new Set();
  let failure;
  const started = performance.now();
  let k = 0;
  let timer;
  const tick = () => {
    const due = started + k * everyMs;
    const request = client
      .json('GET', '/api/health', { agent: 'health' })
      .then(() => samples.push({ sent: due, ms: performance.now() - due }))
      .catch((e) => (failure ??= e))
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
    k++;
    timer = setTimeout(tick, Math.max(0, started + k * everyMs - performance.now()));
  };
  tick();
  return {
    async stop() {
      clearTimeout(timer);
      await Promise.all(inFlight);
      if (failure) throw failure;
      return samples.sort((a, b) => a.sent - b.sent);
    },
  };
}

/** p50, p99 and max of the latencies of requests due in [from, to). */
export function healthLatency(samples, from = -Infinity, to = Infinity) {
  const xs = samples.filter((s) => s.sent >= from && s.sent < to).map((s) => s.ms);
  return {
    n: xs.length,
    p50: r1(median(xs)),
    p99: r1(quantile(xs, 0.99)),
    max: r1(Math.max(...xs)),
  };
}
