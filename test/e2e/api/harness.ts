import type { FastifyInstance } from 'fastify';
import { openCache } from '../../../src/cache/open.ts';
import type { Cache } from '../../../src/cache/store.ts';
import { SqlApiData } from '../../../src/api/data.ts';
import { buildServer, type RateLimitOptions } from '../../../src/api/server.ts';
import { EventWriter } from '../../../src/db/writer.ts';
import type { Db } from '../../../src/db/types.ts';
import { MemoryLiveFeed, type LiveFeed } from '../../../src/feed/live-feed.ts';
import { uniqueSuffix } from '../../helpers/db.ts';
import { syntheticMarket, type SyntheticMarket } from './market.ts';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface ApiHarness {
  app: FastifyInstance;
  market: SyntheticMarket;
  cache: Cache;
  feed: LiveFeed;
  close(): Promise<void>;
}

/** Stores a synthetic market through the storage writers, in one transaction. */
export async function seedMarket(db: Db, market: SyntheticMarket): Promise<void> {
  const writer = new EventWriter(db);
  await writer.transaction((w) => w.writeEvents(market.events, 'test'));
}

/**
 * An API over a real database and a real Redis (own key prefix), seeded with a synthetic market.
 * `rateLimit: null` unless a test is about the limiter.
 */
export async function startApi(db: Db, opts: { market?: SyntheticMarket; rateLimit?: RateLimitOptions | null; maxLagSeconds?: number } = {}): Promise<ApiHarness> {
  const market = opts.market ?? syntheticMarket({ tokens: 6, tradesPerToken: 40 });
  await seedMarket(db, market);
  const cache = await openCache({ redisUrl: REDIS_URL, keyPrefix: `megatron:test:${uniqueSuffix()}:` });
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
