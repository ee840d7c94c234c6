import type { Cache } from '../cache/store.ts';
import { syncCache } from '../cache/sync.ts';
import type { Db } from '../db/types.ts';
import type { Job } from '../jobs/scheduler.ts';
import { refreshCandles } from './candles/refresh.ts';
import { takeHolderSnapshots } from './holders/snapshot.ts';
import { repairStaleAnalytics } from './realtime/repair.ts';
import { scoreTokens } from './scores/run.ts';

type Summary = Record<string, number | string>;

interface AnalyticsJobDefinition {
  name: string;
  intervalMs: number;
  work(db: Db, cache: Cache): Promise<Summary>;
}

/**
 * The analytics jobs, in data order: candles (the refresh policies on the embedded database, rollups on
 * plain Postgres — every minute like the seed's policy), the safety net of real-time analytics (stale
 * current rows recomputed), holder snapshots and score history, and the DB → cache
 * sync, which runs more often than the 30 s price TTL so active tokens never fall out of the cache.
 */
const DEFINITIONS: readonly AnalyticsJobDefinition[] = [
  { name: 'candles:refresh', intervalMs: 60_000, work: async (db) => ({ ...(await refreshCandles(db)) }) },
  { name: 'analytics:realtime', intervalMs: 30_000, work: async (db, cache) => ({ tokens: await repairStaleAnalytics(db, cache) }) },
  { name: 'holders:snapshots', intervalMs: 300_000, work: async (db) => ({ tokens: await takeHolderSnapshots(db) }) },
  { name: 'scores:tokens', intervalMs: 300_000, work: async (db, cache) => ({ tokens: (await scoreTokens(db, cache)).size }) },
  { name: 'cache:sync', intervalMs: 15_000, work: async (db, cache) => ({ ...(await syncCache(db, cache)) }) },
];

/** The analytics jobs as scheduler jobs (`startScheduler(db, { extraJobs })`); runs are recorded in `job_runs`. */
export function analyticsSchedulerJobs(cache: Cache): Job[] {
  return DEFINITIONS.map((d) => ({ name: d.name, intervalMs: d.intervalMs, run: async (db) => void (await d.work(db, cache)) }));
}
