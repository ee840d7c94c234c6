import type { Cache } from '../cache/store.ts';
import { cachePricesAfterCommit } from '../cache/sync.ts';
import type { Queryable } from '../db/types.ts';
import type { LiveFeed } from '../feed/live-feed.ts';
import type { CommittedBatch } from './commit.ts';

/**
 * Runs after a batch committed. Hooks see only committed data, run one batch at a time in commit order,
 * and may fail without stopping ingestion (the data is stored; the cache and feed catch up next time).
 */
export interface AfterCommitHook {
  name: string;
  run(batch: CommittedBatch): Promise<void>;
}

/** Prices of the tokens the batch traded, from the database into the cache. */
export function cachePricesHook(db: Queryable, cache: Cache): AfterCommitHook {
  return {
    name: 'cache_prices',
    run: async (batch) => {
      const mints = new Set<string>();
      for (const e of batch.events) if (e.type === 'trade') mints.add(e.mint);
      await cachePricesAfterCommit(db, cache, [...mints]);
    },
  };
}

/** The batch's launches, trades and graduations to the live feed (API `/stream`). */
export function liveFeedHook(feed: LiveFeed): AfterCommitHook {
  return { name: 'live_feed', run: (batch) => feed.publish(batch.events) };
}
