import { createServer, type Server } from 'node:http';
import type { WorkerHealth } from '../../shared/worker-api.js';

/**
 * A worker's health and counters as JSON on `GET /health` (shared/worker-api.ts), for a
 * load balancer's check or a scrape; 503 while it stops, so nothing counts on it any more.
 */
export function serveHealth(port: number, host: string, health: () => WorkerHealth): Server {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/health') {
      res.writeHead(404).end();
      return;
    }
    const body = health();
    res
      .writeHead(body.status === 'ok' ? 200 : 503, { 'Content-Type': 'application/json' })
      .end(JSON.stringify(body));
  });
  server.listen(port, host);
  return server;
}
