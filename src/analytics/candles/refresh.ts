import type { Db } from '../../db/types.ts';
import { TIMEFRAME_NAMES, TIMEFRAMES } from './timeframes.ts';

/** Start offsets of the timescale refresh policies (migration timescale/0021), per timeframe. */
const POLICY_START = { '1m': '2 hours', '5m': '2 hours', '1h': '1 day', '1d': '3 days' } as const;

export interface CandleRefreshResult {
  flavour: Db['flavour'];
  /** Plain: 1m buckets recomputed. Timescale: policies run by us (0 where background workers run them). */
  work: number;
}

/**
 * Brings every candle level up to date with the trades, lowest level first.
 *
 * Timescale: runs each level's refresh policy with `CALL run_job` where TimescaleDB has no background
 * workers (the embedded database), then refreshes whatever is still invalidated before the policy's
 * window — trades backfilled hours or days late, which the seed's 2-hour policy would never revisit.
 * TimescaleDB only recomputes invalidated ranges, so that second call is cheap when nothing is late.
 *
 * Plain: recomputes exactly the buckets touched since the last refresh (megatron_refresh_candles).
 */
export async function refreshCandles(db: Db): Promise<CandleRefreshResult> {
  if (db.flavour === 'plain') {
    const res = await db.query<{ n: number }>('SELECT megatron_refresh_candles() AS n');
    return { flavour: 'plain', work: Number(res.rows[0]?.n ?? 0) };
  }
  let jobsRun = 0;
  for (const tf of TIMEFRAME_NAMES) {
    const view = TIMEFRAMES[tf].relation;
    if (!db.capabilities.backgroundWorkers) {
      const jobs = await db.query<{ job_id: number }>(
        `SELECT job_id FROM timescaledb_information.jobs
         WHERE proc_name = 'policy_refresh_continuous_aggregate' AND hypertable_name = $1`,
        [view],
      );
      for (const { job_id } of jobs.rows) {
        await db.query(`CALL run_job(${Number(job_id)})`);
        jobsRun += 1;
      }
    }
    await db.query(`CALL refresh_continuous_aggregate('${view}', NULL, now() - INTERVAL '${POLICY_START[tf]}')`);
  }
  return { flavour: 'timescale', work: jobsRun };
}
