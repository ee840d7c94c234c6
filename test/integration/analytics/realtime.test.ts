import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { analyticsRecords, computeTokenAnalytics, type TokenAnalytics } from '../../../src/analytics/realtime/compute.ts';
import { LiveAnalytics } from '../../../src/analytics/realtime/worker.ts';
import { knownMetadataOf, METADATA_PENDING } from '../../../src/analytics/scores/metadata.ts';
import type { ScoreToken } from '../../../src/analytics/scores/inputs.ts';
import { HOT_SET_SIZE, cacheKeys } from '../../../src/cache/keys.ts';
import { MemoryCache } from '../../../src/cache/memory.ts';
import { openCache } from '../../../src/cache/open.ts';
import type { Cache } from '../../../src/cache/store.ts';
import type { ScoreSnapshot } from '../../../src/cache/tokens.ts';
import { liveAnalyticsHook } from '../../../src/pipeline/hooks.ts';
import { runPipeline } from '../../../src/pipeline/pipeline.ts';
import { SimulateSource } from '../../../src/sources/simulate/index.ts';
import { DB_TARGETS, forEachDbTarget, openTestDb, type DbTarget, type TestDb } from '../../helpers/db.ts';
import { redisTestPrefix, TEST_REDIS_URL } from '../../helpers/redis.ts';

const redisUrl = TEST_REDIS_URL;
const prefix = redisTestPrefix();


const COMPARED = `token_id, total_holders, held_supply, top_10_concentration, top_25_concentration, gini_coefficient,
  holders_1_100, holders_100_1k, holders_1k_10k, holders_10k_plus, dev_balance, sniper_wallets, sniper_balance,
  bundle_wallets, bundle_balance, technical_score, holder_score, social_score, liquidity_score, trading_score,
  distribution_score, score_details, trending_score, trending_details`;

type TokenRow = { id: string; mint_address: string; name: string | null; symbol: string | null; uri: string | null; creator_address: string | null; decimals: number | null; computed_at: Date | null };

/**
 * Every token's analytics recomputed from scratch (no incremental state) at the moment its stored row
 * was computed, into a scratch table shaped like token_analytics: what the real-time rows must equal.
 */
async function fullRecomputation(db: TestDb, cache: Cache, table: string): Promise<{ tokens: TokenRow[] }> {
  const tokens = (await db.query<TokenRow>(
    `SELECT t.id, t.mint_address, t.name, t.symbol, t.uri, t.creator_address, t.decimals, a.computed_at
     FROM tokens t LEFT JOIN token_analytics a ON a.token_id = t.id ORDER BY t.mint_address`,
  )).rows;
  const byTime = new Map<number, ScoreToken[]>();
  for (const r of tokens) {
    if (r.computed_at === null) continue;
    const t: ScoreToken = { tokenId: r.id, mint: r.mint_address, name: r.name ?? '', symbol: r.symbol ?? '', uri: r.uri ?? '', creator: r.creator_address, decimals: r.decimals };
    const at = r.computed_at.getTime();
    byTime.set(at, [...(byTime.get(at) ?? []), t]);
  }
  await db.query(`CREATE TABLE ${table} (LIKE token_analytics)`);
  for (const [at, group] of byTime) {
    const known = await knownMetadataOf(group, cache);
    const metadata = new Map(group.map((t) => [t.mint, known.get(t.mint) ?? METADATA_PENDING]));
    const rows: TokenAnalytics[] = await computeTokenAnalytics(db, group, new Date(at), metadata);
    await db.query(`INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1::json)`, [JSON.stringify(analyticsRecords(rows, new Date(at), 0))]);
  }
  return { tokens };
}

async function checkLiveAnalytics(target: DbTarget, cache: Cache): Promise<void> {
  const db = await openTestDb(target);
  const live = new LiveAnalytics(db, cache, { roundGapMs: 150, maxTokensPerRound: 50, metadataTimeoutMs: 200 });
  const rounds: number[] = [];
  live.onRound((r) => rounds.push(r.tokens));
  try {
    // Recent simulated traffic (block times in the last minutes, so the 5-minute and 1-hour windows hold trades).
    const source = new SimulateSource({ seed: `realtime-${target.name}`, count: 1200, startTime: Math.floor(Date.now() / 1000) - 600 });
    const stats = await runPipeline({ source, db, maxBatchRows: 20, maxBatchWaitMs: 10, hooks: [liveAnalyticsHook(live)], signal: new AbortController().signal });
    assert.ok(stats.tradesStored > 0);
    await live.close();
    assert.ok(rounds.length > 1, 'the work was spread over several rounds');
    assert.ok(Math.max(...rounds) <= 50, 'a round takes at most maxTokensPerRound tokens');

    const table = `full_recompute_${randomBytes(4).toString('hex')}`;
    try {
      const { tokens } = await fullRecomputation(db, cache, table);
      assert.ok(tokens.length > 5);
      assert.deepEqual(tokens.filter((t) => t.computed_at === null).map((t) => t.mint_address), [], 'every token has its real-time row (launches included)');
      const diff = async (a: string, b: string) => (await db.query(`SELECT ${COMPARED} FROM ${a} EXCEPT SELECT ${COMPARED} FROM ${b}`)).rows;
      assert.deepEqual(await diff('token_analytics', table), [], 'real-time rows equal a full recomputation');
      assert.deepEqual(await diff(table, 'token_analytics'), []);
      const maxSlot = Number((await db.query<{ s: string }>('SELECT max(slot)::text AS s FROM transactions')).rows[0]!.s);
      const stale = (await db.query('SELECT token_id FROM token_analytics WHERE as_of_slot < $1', [maxSlot])).rows;
      assert.ok(stale.length < tokens.length, 'as_of_slot tells which commits a row saw');

      // The cache holds the same scores, and both rankings rank them as the database does.
      const rows = (await db.query<{ mint: string; total_score: number; trending: number; as_of_slot: string }>(
        `SELECT t.mint_address AS mint, a.total_score, a.trending_score::float8 AS trending, a.as_of_slot::text
         FROM token_analytics a JOIN tokens t ON t.id = a.token_id`,
      )).rows;
      for (const r of rows) {
        const snap = JSON.parse((await cache.get(cacheKeys.score(r.mint)))!) as ScoreSnapshot;
        assert.equal(snap.total_score, r.total_score, r.mint);
        assert.equal(snap.trending_score, r.trending, r.mint);
        assert.equal(snap.as_of_slot, Number(r.as_of_slot));
      }
      assert.ok(rows.length <= HOT_SET_SIZE, 'the test runs below the set size (beyond it the periodic sync repairs what trimming dropped)');
      const expect = (score: (r: (typeof rows)[number]) => number) =>
        rows.map((r) => ({ member: r.mint, score: score(r) })).sort((a, b) => b.score - a.score || (a.member < b.member ? 1 : -1));
      assert.deepEqual(await cache.zrevrange(cacheKeys.ranked('score'), 0, -1), expect((r) => r.total_score));
      assert.deepEqual(await cache.zrevrange(cacheKeys.ranked('trending'), 0, -1), expect((r) => r.trending));
    } finally {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  } finally {
    await live.close();
    await db.close();
  }
}

forEachDbTarget((target) => {
  test('real-time analytics after each commit equal a full recomputation (Redis)', async () => {
    const cache = await openCache({ redisUrl, keyPrefix: `${prefix}${target.name}:` });
    assert.equal(cache.kind, 'redis');
    try {
      await checkLiveAnalytics(target, cache);
    } finally {
      await cache.close();
    }
  });
});

test('real-time analytics on the in-process cache (no Redis)', async () => {
  await checkLiveAnalytics(DB_TARGETS[0]!, new MemoryCache());
});
