import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startApiServer } from '../../../src/api/start.ts';
import { MemoryCache } from '../../../src/cache/memory.ts';
import { readDbOptions } from '../../../src/cli/serve.ts';
import { loadConfig } from '../../../src/config.ts';
import { openDb } from '../../../src/db/index.ts';
import { MemoryLiveFeed } from '../../../src/feed/live-feed.ts';
import { DB_TARGETS, openTestDb } from '../../helpers/db.ts';
import { seedMarket } from './harness.ts';
import { syntheticMarket } from './market.ts';

/** `megatron serve` reads from DATABASE_READ_URL (a replica) when set, and the API never writes there. */

test('serve reads from DATABASE_READ_URL when set, else from DATABASE_URL, else the embedded database', () => {
  const primary = 'postgres://writer@db-primary:5432/megatron';
  const replica = 'postgres://reader@db-replica:5432/megatron';
  assert.deepEqual(readDbOptions(loadConfig({ DATABASE_URL: primary, DATABASE_READ_URL: replica })), { databaseUrl: replica, migrate: false });
  assert.deepEqual(readDbOptions(loadConfig({ DATABASE_READ_URL: replica })), { databaseUrl: replica, migrate: false });
  assert.deepEqual(readDbOptions(loadConfig({ DATABASE_URL: primary, MEGATRON_DATA_DIR: '/data' })), { databaseUrl: primary, dataDir: '/data' });
  assert.deepEqual(readDbOptions(loadConfig({ MEGATRON_DATA_DIR: '/data' })), { databaseUrl: undefined, dataDir: '/data' });
  assert.throws(() => loadConfig({ DATABASE_READ_URL: 'mysql://x' }), /DATABASE_READ_URL.*postgres/);
});

const postgres = DB_TARGETS.find((t) => t.name === 'postgres')!;

test('every API route answers over a read-only session (a hot standby stand-in), which migrations would fail on', { skip: postgres.skip }, async () => {
  const primary = await openTestDb(postgres);
  try {
    const market = syntheticMarket({ tokens: 2, tradesPerToken: 10 });
    await seedMarket(primary, market, new MemoryCache());
    // What a streaming replica refuses, PostgreSQL refuses in a read-only session too.
    const readUrl = `${primary.url!}${primary.url!.includes('?') ? '&' : '?'}options=${encodeURIComponent('-c default_transaction_read_only=on')}`;
    const config = loadConfig({ DATABASE_URL: primary.url!, DATABASE_READ_URL: readUrl });
    await assert.rejects(openDb({ databaseUrl: readUrl }), /read-only transaction/, 'migrating needs the primary');

    const db = await openDb(readDbOptions(config));
    const feed = new MemoryLiveFeed();
    const api = await startApiServer({ db, cache: new MemoryCache(), feed, host: '127.0.0.1', port: 0, rateLimitPerMinute: 0, maxLagSeconds: 86_400 });
    try {
      const mint = market.tokens[0]!.mint;
      const urls = ['/tokens', '/tokens?sort=score', '/tokens/hot', '/tokens/hot?rank=trending', `/tokens/${mint}`, `/tokens/${mint}/candles`, `/tokens/${mint}/trades`,
        `/tokens/${mint}/holders`, `/tokens/${mint}/scores`, '/stats', '/ready', '/metrics'];
      for (const url of urls) {
        const res = await api.app.inject({ method: 'GET', url });
        assert.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 300)}`);
      }
      assert.ok((await api.app.inject({ method: 'GET', url: '/tokens' })).json<{ data: unknown[] }>().data.length === 2);
    } finally {
      await api.close();
      await feed.close();
      await db.close();
    }
  } finally {
    await primary.close();
  }
});
