// HTTP to the benchmarked server, on loopback only: JSON calls, streamed uploads and downloads,
// and a server-sent-events reader that stamps each event with its arrival time.
import { createReadStream } from 'node:fs';
import http from 'node:http';
import { pipeline } from 'node:stream/promises';

/** Throws unless `base` is http://127.0.0.1:<port>: this benchmark talks to nothing else. */
function loopback(base) {
  const u = new URL(base);
  if (u.protocol !== 'http:' || u.hostname !== '127.0.0.1') {
    throw new Error(`refusing to talk to ${base}: the benchmark only uses http://127.0.0.1`);
  }
  return u;
}

/**
 * A client for one server and one batch token. `agents` keep separate socket pools, so a
 * status poll never queues behind an upload.
 */
export class Client {
  #base;
  #agents = {
    api: new http.Agent({ keepAlive: true, maxSockets: 2 }),
    upload: new http.Agent({ keepAlive: true, maxSockets: 4 }),
    poll: new http.Agent({ keepAlive: true, maxSockets: 1 }),
    // Unlimited: the health probe sends on a schedule and must not queue behind itself.
    health: new http.Agent({ keepAlive: true }),
    sse: new http.Agent({ keepAlive: false }),
  };
  token;

  constructor(base) {
    this.#base = loopback(base);
  }

  #options(method, path, headers = {}, agent = 'api') {
    const url = new URL(path, this.#base);
    return {
      method,
      host: '127.0.0.1',
      port: url.port,
      path: url.pathname + url.search,
      agent: this.#agents[agent],
      headers: { ...(this.token && { authorization: `Bearer ${this.token}` }), ...headers },
    };
  }

  /** Sends `body` (a Buffer, a string, a file to stream, or nothing); resolves with the response. */
  request(method, path, { body, file, size, headers, agent, timeoutMs = 120_000 } = {}) {
    return new Promise((resolve, reject) => {
      const h = { ...headers };
      if (file !== undefined) h['content-length'] = String(size);
      else if (body !== undefined) h['content-length'] = String(Buffer.byteLength(body));
      const req = http.request(this.#options(method, path, h, agent), resolve);
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on('error', reject);
      if (file !== undefined) pipeline(createReadStream(file), req).catch(reject);
      else req.end(body);
    });
  }

  /** A request whose answer is JSON; throws with the body unless the status is `expect`. */
  async json(method, path, { json, expect = [200], ...rest } = {}) {
    const body = json === undefined ? undefined : JSON.stringify(json);
    const headers = json === undefined ? {} : { 'content-type': 'application/json' };
    const res = await this.request(method, path, { body, headers, ...rest });
    const text = (await collect(res)).toString('utf8');
    if (!expect.includes(res.statusCode)) {
      throw new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 500)}`);
    }
    return { status: res.statusCode, body: text ? JSON.parse(text) : undefined };
  }

  /** The whole body of a GET, as a Buffer (small downloads: single outputs). */
  async bytes(path) {
    const res = await this.request('GET', path);
    const data = await collect(res);
    if (res.statusCode !== 200) throw new Error(`GET ${path}: ${res.statusCode} ${data}`);
    return data;
  }

  /** Streams a PUT of `file` (`size` bytes) as the body; resolves with the JSON answer. */
  async upload(path, file, size) {
    const res = await this.request('PUT', path, { file, size, agent: 'upload' });
    const text = (await collect(res)).toString('utf8');
    if (res.statusCode !== 200) throw new Error(`PUT ${path}: ${res.statusCode} ${text}`);
    return JSON.parse(text);
  }

  /** Opens an SSE stream; see EventReader. */
  events(path, onEvent, { timeoutMs }) {
    return new EventReader(this.request('GET', path, { agent: 'sse', timeoutMs }), onEvent);
  }

  /** Closes the pooled sockets. */
  close() {
    for (const a of Object.values(this.#agents)) a.destroy();
  }
}

/** Reads a response body into one Buffer. */
export async function collect(res) {
  const chunks = [];
  for await (const c of res) chunks.push(c);
  return Buffer.concat(chunks);
}

/**
 * Parses a text/event-stream (event, data, id; comments ignored) and calls
 * `onEvent({ event, data, id, at, epochMs })` for each, where `at` is performance.now() and
 * `epochMs` Date.now() when the chunk carrying it arrived.
 */
export class EventReader {
  #res;
  opened;

  constructor(responsePromise, onEvent) {
    this.opened = responsePromise.then((res) => {
      if (res.statusCode !== 200) throw new Error(`events: HTTP ${res.statusCode}`);
      this.#res = res;
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        const at = performance.now();
        const epochMs = Date.now();
        buffer += chunk;
        const blocks = buffer.split(/\r?\n\r?\n/);
        buffer = blocks.pop();
        for (const block of blocks) {
          const ev = { event: 'message', data: '', id: undefined, at, epochMs };
          for (const line of block.split(/\r?\n/)) {
            if (line.startsWith(':') || line === '') continue;
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'event') ev.event = value;
            else if (field === 'data') ev.data += (ev.data ? '\n' : '') + value;
            else if (field === 'id') ev.id = value;
          }
          if (ev.data) onEvent({ ...ev, data: JSON.parse(ev.data) });
        }
      });
      return res;
    });
  }

  close() {
    this.#res?.destroy();
  }
}
