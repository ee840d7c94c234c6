import type { Cache } from '../cache/store.ts';
import { syncCache } from '../cache/sync.ts';
import type { Db } from '../db/types.ts';
import { refreshCandles } from './candles/refresh.ts';
import { takeHolderSnapshots } from './holders/snapshot.ts';
import { scoreTokens } from './scores/run.ts';

/** A periodic analytics job; the scheduler records each run (start, duration, error) under `name`. */
export interface AnalyticsJob {
  name: string;
  everyMs: number;
  /** Returns a short summary of the work done, for the job's log line. */
  run(): Promise<Record<string, number | string>>;
}

/**
 * The analytics jobs, in data order: candles (the refresh policies on the embedded database, rollups on
 * plain Postgres — every minute like the seed's policy), holder snapshots, scores, and the DB → cache
 * sync, which runs more often than the 30 s price TTL so active tokens never fall out of the cache.
 */
export function analyticsJobs(db: Db, cache: Cache): AnalyticsJob[] {
  return [
    { name: 'candles_refresh', everyMs: 60_000, run: async () => ({ ...(await refreshCandles(db)) }) },
    { name: 'holder_snapshots', everyMs: 300_000, run: async () => ({ tokens: await takeHolderSnapshots(db) }) },
    { name: 'token_scores', everyMs: 300_000, run: async () => ({ tokens: (await scoreTokens(db, cache)).size }) },
    { name: 'cache_sync', everyMs: 15_000, run: async () => ({ ...(await syncCache(db, cache)) }) },
  ];
}
