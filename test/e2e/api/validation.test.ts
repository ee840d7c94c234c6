import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { registeredRoutes } from '../../../src/api/server.ts';
import { isDashboardUrl } from '../../../src/api/static.ts';
import { DB_TARGETS, openTestDb, type TestDb } from '../../helpers/db.ts';
import { startApi, type ApiHarness } from './harness.ts';
import { syntheticMarket } from './market.ts';

/** Bad input never reaches SQL and never yields a 5xx: validation, OpenAPI coverage and the rate limit. */
let db: TestDb;
let api: ApiHarness;
let mint: string;

before(async () => {
  db = await openTestDb(DB_TARGETS.find((t) => t.name === 'pglite')!);
  api = await startApi(db, { market: syntheticMarket({ tokens: 2, tradesPerToken: 5 }) });
  mint = api.market.tokens[0]!.mint;
});
after(async () => {
  await api?.close();
  await db?.close();
});

const BAD_REQUESTS = () => [
  '/tokens?limit=0',
  '/tokens?limit=201',
  '/tokens?limit=abc',
  '/tokens?limit=1.5',
  '/tokens?limit=1&limit=2',
  '/tokens?sort=price',
  '/tokens?sort=created;DROP%20TABLE%20tokens',
  '/tokens?platform=raydium',
  '/tokens?graduated=yes',
  '/tokens?cursor=not%20a%20cursor',
  '/tokens?cursor=W10',
  `/tokens?cursor=${Buffer.from('["x","y","z"]').toString('base64url')}`,
  `/tokens?cursor=${Buffer.from('{"a":1}').toString('base64url')}`,
  `/tokens?sort=created&cursor=${Buffer.from('["not-a-date","abc"]').toString('base64url')}`,
  `/tokens?sort=volume&cursor=${Buffer.from('["1e999999","abc"]').toString('base64url')}`,
  '/tokens?unknown=1',
  '/tokens/hot?limit=1000',
  '/tokens/0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl',
  '/tokens/short',
  `/tokens/${'1'.repeat(45)}`,
  `/tokens/${'A'.repeat(300)}`,
  "/tokens/abc'%20OR%201=1--",
  '/tokens/%F0%9F%92%A9%F0%9F%92%A9%F0%9F%92%A9%F0%9F%92%A9%F0%9F%92%A9%F0%9F%92%A9%F0%9F%92%A9%F0%9F%92%A9',
  '/tokens/%E0%A4%A',
  `/tokens/${mint}?x=1`,
  `/tokens/${mint}/candles?tf=2m`,
  `/tokens/${mint}/candles?from=-1`,
  `/tokens/${mint}/candles?from=100&to=50`,
  `/tokens/${mint}/candles?tf=1m&from=0&to=4000000000`,
  `/tokens/${mint}/candles?to=99999999999999`,
  `/tokens/${mint}/candles?from=1e400`,
  `/tokens/${mint}/candles?from=NaN`,
  `/tokens/${mint}/trades?limit=501`,
  `/tokens/${mint}/trades?side=both`,
  `/tokens/${mint}/trades?cursor=${Buffer.from('["2026-01-01T00:00:00Z","sig",1]').toString('base64url')}`,
  `/tokens/${mint}/trades?cursor=${Buffer.from('["yesterday","sig",1,2]').toString('base64url')}`,
  `/tokens/${mint}/trades?cursor=${Buffer.from('["2026-01-01T00:00:00Z","sig","x",2]').toString('base64url')}`,
  `/tokens/${mint}/trades?cursor=${Buffer.from('["2026-01-01T00:00:00Z","sig",99999999999,2]').toString('base64url')}`,
  // base58 of the cursor's width, but not the 64 bytes a stored signature is
  `/tokens/${mint}/trades?cursor=${Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z', mint, 1, 2])).toString('base64url')}`,
  `/tokens/${mint}/holders?limit=-5`,
  `/tokens/${mint}/scores?limit=`,
  '/stats?verbose=1',
  '/stream?types=trades',
  '/stream?types=',
  '/stream?mint=bad',
  '/stream?from_seq=0',
  '/stream?from_seq=abc',
  '/stream?from_time=yesterday',
  '/stream?from_seq=1&from_time=1700000000000',
  '/stream?from_seq=5',
  '/nope',
  '/tokens/hot/extra/segments',
];

test('every malformed request is a 4xx with a JSON error body, never a 5xx', async () => {
  const failures: string[] = [];
  for (const url of BAD_REQUESTS()) {
    const res = await api.app.inject({ method: 'GET', url });
    const body = res.json() as { error?: string; message?: string };
    if (res.statusCode < 400 || res.statusCode >= 500) failures.push(`${url} → ${res.statusCode} ${res.body.slice(0, 200)}`);
    else if (typeof body.error !== 'string' || typeof body.message !== 'string') failures.push(`${url} → body ${res.body.slice(0, 200)}`);
  }
  assert.deepEqual(failures, []);
});

test('a 400 names the offending parameter', async () => {
  const res = await api.app.inject({ method: 'GET', url: '/tokens?limit=500&sort=price' });
  assert.equal(res.statusCode, 400);
  const body = res.json() as { error: string; issues: Array<{ path: string }> };
  assert.equal(body.error, 'bad_request');
  assert.deepEqual(body.issues.map((i) => i.path).sort(), ['limit', 'sort']);
});

test('other methods on API routes are refused with a 4xx', async () => {
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH'] as const) {
    const res = await api.app.inject({ method, url: '/tokens', payload: '{"x":' });
    assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${method} → ${res.statusCode}`);
  }
});

test('/openapi.json documents every API route the server registered, with its parameters', async () => {
  const doc = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    openapi: string;
    paths: Record<string, { get: { parameters: Array<{ name: string; in: string }> } }>;
  };
  assert.equal(doc.openapi, '3.1.0');
  const documented = new Set(Object.keys(doc.paths).map((p) => `GET ${p.replace(/\{(\w+)\}/g, ':$1')}`));
  const apiRoutes = [...registeredRoutes(api.app)].filter((r) => r.startsWith('GET ') && !isDashboardUrl(r.slice(4)));
  assert.ok(apiRoutes.length >= 13, `found ${apiRoutes.length} API routes`);
  for (const r of apiRoutes) assert.ok(documented.has(r), `${r} is in /openapi.json`);
  for (const d of documented) assert.ok(apiRoutes.includes(d), `${d} is served`);
  assert.deepEqual(
    doc.paths['/tokens']!.get.parameters.map((p) => p.name).sort(),
    ['cursor', 'graduated', 'limit', 'platform', 'sort'],
  );
  assert.equal(doc.paths['/tokens/{mint}/candles']!.get.parameters.find((p) => p.name === 'mint')!.in, 'path');
  assert.ok(isDashboardUrl('/') && !isDashboardUrl('/tokens'));
});

test('per-client rate limit answers 429 JSON once the window is used up; probes stay exempt', async () => {
  const limited = await startApi(db, { market: syntheticMarket({ tokens: 1, tradesPerToken: 1 }), rateLimit: { max: 3, windowMs: 60_000 } });
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await limited.app.inject({ method: 'GET', url: '/tokens?limit=1' })).statusCode);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    const res = await limited.app.inject({ method: 'GET', url: '/stats' });
    assert.equal(res.statusCode, 429);
    assert.equal(res.json().error, 'rate_limited');
    const other = await limited.app.inject({ method: 'GET', url: '/tokens?limit=1', remoteAddress: '10.1.2.3' });
    assert.equal(other.statusCode, 200, 'another client has its own budget');
    for (const url of ['/health', '/ready', '/metrics']) assert.equal((await limited.app.inject({ method: 'GET', url })).statusCode < 400, true, url);
  } finally {
    await limited.close();
  }
});

test('/ready is 503 while the newest committed trade lags more than the limit (catching up)', async () => {
  // Its own database: the shared one holds this file's fresh market.
  const fresh = await openTestDb(DB_TARGETS.find((t) => t.name === 'pglite')!);
  const old = Math.floor(Date.now() / 1000) - 7200;
  const lagging = await startApi(fresh, { market: syntheticMarket({ tokens: 1, tradesPerToken: 2, now: old }), maxLagSeconds: 60 });
  try {
    const res = await lagging.app.inject({ method: 'GET', url: '/ready' });
    assert.equal(res.statusCode, 503);
    const body = res.json() as { ready: boolean; lag_seconds: number; reason: string };
    assert.equal(body.ready, false);
    assert.ok(body.lag_seconds > 7000, String(body.lag_seconds));
    assert.match(body.reason, /catching up/);
    assert.equal((await lagging.app.inject({ method: 'GET', url: '/health' })).statusCode, 200, 'alive while not ready');
  } finally {
    await lagging.close();
    await fresh.close();
  }
});
