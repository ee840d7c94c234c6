import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkCandles } from '../../../src/analytics/candles/check.ts';
import { analyticsSchedulerJobs } from '../../../src/analytics/jobs.ts';
import { MemoryCache } from '../../../src/cache/memory.ts';
import { EventWriter } from '../../../src/db/writer.ts';
import { runDueJobs } from '../../../src/jobs/scheduler.ts';
import { forEachDbTarget, openTestDb } from '../../helpers/db.ts';
import { market, traffic } from './traffic.ts';

/** A cache whose writes fail, like a Redis that went away mid-run. */
class BrokenCache extends MemoryCache {
  override async setMany(): Promise<void> {
    throw new Error('cache down');
  }
}

forEachDbTarget((target) => {
  test('analytics jobs run through the scheduler and leave their last run, status and error in job_runs', async () => {
    const db = await openTestDb(target);
    try {
      const m = market();
      const t0 = Math.floor(Date.now() / 1000);
      await new EventWriter(db).transaction((w) => w.insertTrades(traffic([m], t0 - 1200, t0 - 10, 100, 21)));
      const cache = new MemoryCache();
      const first = await runDueJobs(db, analyticsSchedulerJobs(cache), new Date(), true);
      assert.deepEqual(first.map((o) => o.status), ['success', 'success', 'success', 'success', 'success']);
      assert.deepEqual((await checkCandles(db, { since: new Date(Date.now() - 3_600_000) })).mismatches, []);
      assert.ok(await cache.get(`price:current:${m.mint}`), 'cache:sync wrote the price');
      const runs = await db.query<{ job: string; last_status: string; runs: bigint; last_finished_at: Date | null }>(
        `SELECT job, last_status, runs, last_finished_at FROM job_runs WHERE job NOT LIKE 'timescaledb:%' AND job NOT LIKE 'transactions:%' ORDER BY job`,
      );
      assert.deepEqual(runs.rows.map((r) => [r.job, r.last_status, Number(r.runs), r.last_finished_at !== null]), [
        ['analytics:realtime', 'success', 1, true], ['cache:sync', 'success', 1, true], ['candles:refresh', 'success', 1, true],
        ['holders:snapshots', 'success', 1, true], ['scores:tokens', 'success', 1, true],
      ]);

      const broken = analyticsSchedulerJobs(new BrokenCache()).filter((j) => j.name === 'cache:sync');
      assert.deepEqual(await runDueJobs(db, broken, new Date(), true), [{ job: 'cache:sync', status: 'failure', error: 'cache down' }]);
      const failed = await db.query<{ last_status: string; last_error: string; failures: bigint }>(`SELECT last_status, last_error, failures FROM job_runs WHERE job = 'cache:sync'`);
      assert.deepEqual(failed.rows.map((r) => [r.last_status, r.last_error, Number(r.failures)]), [['failure', 'cache down', 1]]);

      // the same jobs as the scheduler's extra jobs: not due again within their interval
      const outcomes = await runDueJobs(db, analyticsSchedulerJobs(cache));
      assert.deepEqual(outcomes, []);
    } finally {
      await db.close();
    }
  });
});
