import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { registry } from '../core/metrics.ts';

/**
 * `/metrics` (Prometheus) and `/health` for a process that serves no API — the lean monitor of the event
 * stream — so its publish rates, failures and decoder counts are scraped like any other part.
 */
export async function startMetricsEndpoint(host: string, port: number): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
    } else if (req.url === '/health') res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  return { url: `http://${host}:${bound}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
