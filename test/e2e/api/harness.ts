import type { FastifyInstance } from 'fastify';
import { refreshCandles } from '../../../src/analytics/candles/refresh.ts';
import { applyTokenBalances } from '../../../src/analytics/holders/balances.ts';
import { takeHolderSnapshots } from '../../../src/analytics/holders/snapshot.ts';
import { scoreTokens } from '../../../src/analytics/scores/run.ts';
import { openCache } from '../../../src/cache/open.ts';
import type { Cache } from '../../../src/cache/store.ts';
import { SqlApiData } from '../../../src/api/data.ts';
import { buildServer, type RateLimitOptions } from '../../../src/api/server.ts';
import { setCheckpoint } from '../../../src/db/checkpoints.ts';
import { EventWriter } from '../../../src/db/writer.ts';
import type { Db } from '../../../src/db/types.ts';
import { MemoryLiveFeed, type LiveFeed } from '../../../src/feed/live-feed.ts';
import { uniqueSuffix } from '../../helpers/db.ts';
import { holderBalances, syntheticMarket, type SyntheticMarket } from './market.ts';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface ApiHarness {
  app: FastifyInstance;
  market: SyntheticMarket;
  cache: Cache;
  feed: LiveFeed;
  close(): Promise<void>;
}

/**
 * Stores a synthetic market through the storage writers, then runs the analytics the scheduler would
 * run: holder balances (each buyer holds what it bought), candle refresh, holder snapshots, scores.
 */
export async function seedMarket(db: Db, market: SyntheticMarket, cache: Cache): Promise<void> {
  const writer = new EventWriter(db);
  await writer.transaction(async (w) => {
    await w.writeEvents(market.events, 'test');
    await applyTokenBalances(w.tx, holderBalances(market));
    const last = market.events[market.events.length - 1]!;
    await setCheckpoint(w.tx, 'test', { slot: last.slot, signature: last.signature });
  });
  await refreshCandles(db);
  await takeHolderSnapshots(db);
  await scoreTokens(db, cache, { metadataTimeoutMs: 200 });
}

/**
 * An API over a real database and a real Redis (own key prefix), seeded with a synthetic market.
 * `rateLimit: null` unless a test is about the limiter.
 */
export async function startApi(db: Db, opts: { market?: SyntheticMarket; rateLimit?: RateLimitOptions | null; maxLagSeconds?: number } = {}): Promise<ApiHarness> {
  const market = opts.market ?? syntheticMarket({ tokens: 6, tradesPerToken: 40 });
  const cache = await openCache({ redisUrl: REDIS_URL, keyPrefix: `megatron:test:${uniqueSuffix()}:` });
  await seedMarket(db, market, cache);
  const feed = new MemoryLiveFeed();
  const data = new SqlApiData({ db, cache, feed, maxLagSeconds: opts.maxLagSeconds ?? 600 });
  const app = await buildServer({ data, feed, rateLimit: opts.rateLimit ?? null });
  await app.ready();
  return {
    app,
    market,
    cache,
    feed,
    close: async () => {
      await app.close();
      await cache.close();
    },
  };
}
