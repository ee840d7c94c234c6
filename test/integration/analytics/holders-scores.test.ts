import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { applyTokenBalances } from '../../../src/analytics/holders/balances.ts';
import { holderMetrics } from '../../../src/analytics/holders/metrics.ts';
import { takeHolderSnapshots } from '../../../src/analytics/holders/snapshot.ts';
import { scoreToken, type TokenScore } from '../../../src/analytics/scores/formula.ts';
import { scoreTokens } from '../../../src/analytics/scores/run.ts';
import { cacheKeys } from '../../../src/cache/keys.ts';
import { openCache } from '../../../src/cache/open.ts';
import { syncCache } from '../../../src/cache/sync.ts';
import { readHotTokens, readPrice } from '../../../src/cache/tokens.ts';
import { EventWriter } from '../../../src/db/writer.ts';
import { forEachDbTarget, openTestDb } from '../../helpers/db.ts';
import { key, market, rng, tokenCreated, tradeAt } from './traffic.ts';
import { redisTestPrefix, TEST_REDIS_URL } from '../../helpers/redis.ts';

const redisUrl = TEST_REDIS_URL;
const prefix = redisTestPrefix();
let server: Server;
let metadataUri: string;

before(async () => {
  server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ description: 'A token for the analytics tests', image: 'https://example.org/i.png', twitter: 'https://x.com/megatron' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  metadataUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/meta.json`;
});
after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

forEachDbTarget((target) => {
  test('holder snapshots and scores come from exact balances and are reproducible from their stored inputs', async () => {
    const db = await openTestDb(target);
    const cache = await openCache({ redisUrl, keyPrefix: `${prefix}${target.name}:` });
    assert.equal(cache.kind, 'redis');
    try {
      const m = market();
      const [creator, a, b, d, e, f, g] = Array.from({ length: 7 }, key) as [string, string, string, string, string, string, string];
      const t0 = Math.floor(Date.now() / 1000) - 1800;
      const S = 400_000_000;
      const rand = rng(7);
      const at = (slot: number, user: string, side: 'buy' | 'sell') => tradeAt(m, t0 + (slot - S), rand, [user], { slot, side, ixName: side });
      await new EventWriter(db).transaction((w) => w.writeEvents([
        tokenCreated(m, creator, metadataUri, t0, S),
        at(S, creator, 'buy'), // the dev buy: not a sniper
        at(S, a, 'buy'),
        at(S + 2, b, 'buy'), // still a sniper (≤ first slot + 2)
        at(S + 10, d, 'buy'), at(S + 10, e, 'buy'), at(S + 10, f, 'buy'), // a same-slot cluster
        at(S + 20, g, 'buy'), at(S + 25, g, 'sell'),
      ]));
      const M = 1_000_000n;
      await db.transaction((tx) => applyTokenBalances(tx, [
        { mint: m.mint, owner: creator, amount: 50_000n * M, slot: S },
        { mint: m.mint, owner: a, amount: 100n * M, slot: S },
        { mint: m.mint, owner: b, amount: 200n * M, slot: S + 2 },
        { mint: m.mint, owner: d, amount: 10n * M, slot: S + 10 },
        { mint: m.mint, owner: e, amount: 20n * M, slot: S + 10 },
        { mint: m.mint, owner: f, amount: 30n * M, slot: S + 10 },
        { mint: m.mint, owner: g, amount: 5n * M, slot: S + 20 },
        { mint: m.mint, owner: g, amount: 0n, slot: S + 25 }, // sold out later in the same batch
      ]));
      // a late, older transaction never moves a balance backwards
      assert.equal(await db.transaction((tx) => applyTokenBalances(tx, [{ mint: m.mint, owner: a, amount: 1n, slot: S - 1 }])), 0);

      assert.equal(await takeHolderSnapshots(db), 1);
      assert.equal(await takeHolderSnapshots(db), 0, 'no balance changed since');
      assert.equal(await takeHolderSnapshots(db, m.mint), 1, 'on demand');
      const snap = (await db.query<Record<string, unknown>>(
        `SELECT total_holders, held_supply::text, top_10_concentration::text AS top10, gini_coefficient::text AS gini,
                holders_1_100, holders_100_1k, holders_1k_10k, holders_10k_plus, raw_distribution
         FROM holder_snapshots ORDER BY snapshot_time DESC LIMIT 1`)).rows[0]!;
      assert.deepEqual(
        [snap.total_holders, snap.held_supply, snap.top10, snap.holders_1_100, snap.holders_100_1k, snap.holders_1k_10k, snap.holders_10k_plus],
        [6, (50_360n * M).toString(), '100.00', 3, 2, 0, 1],
      );
      const again = holderMetrics((snap.raw_distribution as [string, string][]).map(([owner, amount]) => ({ owner, amount: BigInt(amount) })), 6);
      assert.equal(again.gini, snap.gini, 'the snapshot recomputes from its own raw distribution');

      const scores = await scoreTokens(db, cache, { metadataTimeoutMs: 2000 });
      const score = scores.get(m.mint)!;
      assert.deepEqual(
        [score.details.inputs.holder.creatorBalance, score.details.inputs.holder.sniperWallets, score.details.inputs.holder.sniperBalance,
          score.details.inputs.holder.bundleWallets, score.details.inputs.holder.bundleBalance, score.details.inputs.holder.holders],
        [(50_000n * M).toString(), 2, (300n * M).toString(), 3, (60n * M).toString(), 6],
      );
      assert.equal(score.details.inputs.technical.trades1h, 8);
      assert.equal(score.details.inputs.social.metadata.status, 'ok');
      assert.equal(score.details.components.social.twitter, 30);

      const row = (await db.query<{ technical_score: number; holder_score: number; social_score: number; total_score: number; score_details: TokenScore['details'] }>(
        'SELECT technical_score, holder_score, social_score, total_score, score_details FROM token_scores')).rows[0]!;
      const recomputed = scoreToken(row.score_details.inputs);
      assert.deepEqual([row.technical_score, row.holder_score, row.social_score, row.total_score], [recomputed.technical, recomputed.holder, recomputed.social, recomputed.total]);
      assert.deepEqual(recomputed.details, row.score_details);

      // the cache: scores and the hot set written by the run, prices by the sync job
      assert.equal(JSON.parse((await cache.get(cacheKeys.score(m.mint)))!).total_score, row.total_score);
      assert.deepEqual(await readHotTokens(cache, 10, async () => assert.fail('hot set must be cached')), [{ member: m.mint, score: row.total_score }]);
      const synced = await syncCache(db, cache);
      assert.deepEqual(synced, { prices: 1, scores: 1, hot: 1, trending: 1 });
      const price = await readPrice(cache, m.mint, async () => assert.fail('price must be cached'));
      // on demand for one token: a second history row with the same inputs but the new time
      assert.deepEqual([...(await scoreTokens(db, cache, { mint: m.mint })).keys()], [m.mint]);
      assert.equal((await db.query('SELECT 1 FROM token_scores')).rows.length, 2);
      assert.equal(price!.last_trade.side, 'sell');
      assert.equal(price!.change_1h !== null, true);
    } finally {
      await cache.close();
      await db.close();
    }
  });
});
