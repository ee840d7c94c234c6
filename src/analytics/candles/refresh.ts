import type { Db } from '../../db/types.ts';
import { TIMEFRAME_NAMES, TIMEFRAMES } from './timeframes.ts';

/** End offsets of the timescale refresh policies (migration timescale/0021), per timeframe. */
const POLICY_END = { '1m': '1 minute', '5m': '5 minutes', '1h': '1 hour', '1d': '1 day' } as const;

export interface CandleRefreshResult {
  flavour: Db['flavour'];
  /** Plain: 1m buckets recomputed. Timescale: policies run by us (0 where background workers run them). */
  work: number;
}

/**
 * Brings every candle level up to date with the trades, lowest level first.
 *
 * Timescale: runs each level's refresh policy with `CALL run_job` where TimescaleDB has no background
 * workers (the embedded database), then refreshes everything still invalidated up to the policy's end:
 * trades backfilled hours or days late, which the seed's 2-hour policy never revisits, and ranges the
 * policy left (measured: a policy run can leave an invalidated bucket inside its own window, and a
 * refresh window covers whole buckets only, so policy start and a catch-up end never meet exactly).
 * TimescaleDB recomputes only invalidated ranges, so the catch-up is cheap when nothing is late; the
 * real-time tail serves the rest.
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
    await db.query(`CALL refresh_continuous_aggregate('${view}', NULL, now() - INTERVAL '${POLICY_END[tf]}')`);
  }
  return { flavour: 'timescale', work: jobsRun };
}
