import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { fetchMetadataFacts } from '../../../src/analytics/scores/metadata.ts';
import { cacheKeys } from '../../../src/cache/keys.ts';
import { MemoryCache } from '../../../src/cache/memory.ts';

/** A local metadata host: the tests never need the internet. */
let server: Server;
let base: string;
const hits = new Map<string, number>();

before(async () => {
  server = createServer((req, res) => {
    hits.set(req.url!, (hits.get(req.url!) ?? 0) + 1);
    if (req.url === '/good.json') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({
        name: 'Doge', symbol: 'DOGE', description: '  The best dog  ', image: 'https://ipfs.io/ipfs/QmImg',
        twitter: 'https://x.com/doge', extensions: { website: 'https://doge.example', telegram: 'https://t.me/doge' },
      }));
    } else if (req.url === '/slow.json') {
      setTimeout(() => res.end('{}'), 2000);
    } else if (req.url === '/garbage') {
      res.end('<html>not json</html>');
    } else if (req.url === '/huge.json') {
      res.end(JSON.stringify({ description: 'x'.repeat(200_000) }));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('reads the metadata fields (top level and extensions) and caches them', async () => {
  const cache = new MemoryCache();
  const facts = await fetchMetadataFacts(`${base}/good.json`, { cache });
  assert.deepEqual(facts, {
    status: 'ok', description: 'The best dog', image: 'https://ipfs.io/ipfs/QmImg',
    website: 'https://doge.example', twitter: 'https://x.com/doge', telegram: 'https://t.me/doge',
  });
  assert.deepEqual(await fetchMetadataFacts(`${base}/good.json`, { cache }), facts);
  assert.equal(hits.get('/good.json'), 1, 'the second read is served by the cache');
  assert.ok((await cache.ttl(cacheKeys.metadata(`${base}/good.json`))) > 3000);
});

test('timeouts, errors, non-JSON and oversized bodies are statuses, cached briefly', async () => {
  const cache = new MemoryCache();
  const t0 = Date.now();
  assert.equal((await fetchMetadataFacts(`${base}/slow.json`, { cache, timeoutMs: 200 })).status, 'unavailable');
  assert.ok(Date.now() - t0 < 1500, 'the time limit holds');
  assert.equal((await fetchMetadataFacts(`${base}/missing.json`, { cache })).status, 'unavailable');
  assert.equal((await fetchMetadataFacts(`${base}/garbage`, { cache })).status, 'invalid');
  assert.equal((await fetchMetadataFacts(`${base}/huge.json`, { cache, maxBytes: 64 * 1024 })).status, 'unavailable');
  const failureTtl = await cache.ttl(cacheKeys.metadata(`${base}/missing.json`));
  assert.ok(failureTtl > 0 && failureTtl <= 300, `failure ttl ${failureTtl}`);
  await fetchMetadataFacts(`${base}/missing.json`, { cache });
  assert.equal(hits.get('/missing.json'), 1);
});

test('no network and non-http uris are not errors', async () => {
  const cache = new MemoryCache();
  // a closed local port stands in for an absent network
  assert.equal((await fetchMetadataFacts('http://127.0.0.1:1/x.json', { cache, timeoutMs: 500 })).status, 'unavailable');
  assert.equal((await fetchMetadataFacts('ipfs://QmSomething', { cache })).status, 'not_fetchable');
  assert.equal((await fetchMetadataFacts('  ', { cache })).status, 'no_uri');
});
