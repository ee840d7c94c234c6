import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cacheKeys } from '../../../src/cache/keys.ts';
import { MemoryCache } from '../../../src/cache/memory.ts';
import { openCache } from '../../../src/cache/open.ts';
import { fillSimulatedHistory } from '../../../src/ops/history.ts';
import { systemStatus, type SystemStatus } from '../../../src/ops/status.ts';
import { DB_TARGETS, forEachDbTarget, openTestDb, uniqueSuffix } from '../../helpers/db.ts';
import { megatron } from './helpers.ts';

forEachDbTarget((target) => {
  test('status: health of the last hour, pipeline by platform with high scores, source lag, jobs, cache', async () => {
    const db = await openTestDb(target);
    const cache = new MemoryCache();
    try {
      await fillSimulatedHistory(db, { trades: 400, days: 0.5, batchTrades: 200 });
      const token = (await db.query<{ id: string; platform: string }>(`SELECT id, platform FROM tokens ORDER BY mint_address LIMIT 1`)).rows[0]!;
      await db.query(
        `INSERT INTO token_scores (token_id, calculated_at, technical_score, holder_score, social_score)
         VALUES ($1, now() - interval '2 hours', 300, 300, 300), ($1, now(), 250, 250, 250)`, [token.id]);
      await db.query(`INSERT INTO checkpoints (source, slot, updated_at) VALUES ('rpc:pumpfun', 123, now() - interval '90 seconds')`);
      await cache.zadd(cacheKeys.hot, [{ member: 'mint', score: 1 }], 60);

      const s = await systemStatus(db, cache);
      assert.ok(s.health.trades1h > 0 && s.health.newTokens1h > 0, JSON.stringify(s.health));
      assert.equal(s.health.scores1h, 1, 'only the score of the last hour counts');
      assert.ok(s.health.databaseBytes > 0);
      const tokens = Number((await db.query<{ n: bigint }>('SELECT count(*) AS n FROM tokens')).rows[0]!.n);
      assert.equal(s.platforms.reduce((a, p) => a + p.tokens, 0), tokens);
      assert.equal(s.platforms.find((p) => p.platform === token.platform)!.highScoreTokens, 1, 'the latest score (750 > 700) counts, once');
      assert.ok(s.platforms.every((p) => p.pools > 0 && p.lastTradeAt));
      const src = s.sources.find((x) => x.source === 'rpc:pumpfun')!;
      assert.ok(src.lagSeconds >= 89 && src.lagSeconds < 600, String(src.lagSeconds));
      assert.deepEqual({ kind: s.cache.kind, ok: s.cache.ok, hot: s.cache.hotTokens }, { kind: 'memory', ok: true, hot: 1 });
      assert.equal(s.storage.compression, db.flavour === 'timescale' ? 'timescaledb' : 'none');
      if (db.flavour === 'timescale') assert.ok(s.jobs.timescale.some((j) => j.proc === 'policy_compression'));
    } finally {
      await cache.close();
      await db.close();
    }
  });
});

const server = DB_TARGETS.find((t) => t.name === 'postgres')!;

test('megatron status --json with Redis: the cache round trip and the pipeline table', { skip: server.skip }, async () => {
  const redis = await openCache({ redisUrl: 'redis://127.0.0.1:6379' });
  const redisUp = redis.kind === 'redis';
  await redis.close();
  const db = await openTestDb(server);
  try {
    await fillSimulatedHistory(db, { trades: 200, days: 0.2, batchTrades: 200 });
    const env = { DATABASE_URL: db.url!, ...(redisUp ? { REDIS_URL: `redis://127.0.0.1:6379/0?x=${uniqueSuffix()}` } : {}) };
    const json = await megatron(['status', '--json'], env);
    assert.equal(json.code, 0, json.stderr);
    const s = JSON.parse(json.stdout) as SystemStatus;
    assert.equal(s.cache.kind, redisUp ? 'redis' : 'memory');
    assert.equal(s.cache.ok, true);
    assert.ok(s.platforms.length > 0);
    const text = await megatron(['status'], env);
    assert.match(text.stdout, /health \(last hour\)\s+new tokens \d+ · trades \d+/);
    assert.match(text.stdout, /pipeline by platform\nplatform\s+tokens/);
    assert.match(text.stdout, /no compression/);
  } finally {
    await db.close();
  }
});
