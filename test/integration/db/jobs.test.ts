import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storageStatus } from '../../../src/db/queries/status.ts';
import { EventWriter } from '../../../src/db/writer.ts';
import { PARTITIONS_AHEAD_DAYS, runDueJobs, storageJobs } from '../../../src/jobs/scheduler.ts';
import { forEachDbTarget, openTestDb } from '../../helpers/db.ts';
import { trade } from './fixtures.ts';

const DAY = 86_400;

forEachDbTarget((target) => {
  test('the scheduler applies compression and retention (timescale) or partition upkeep (plain)', async () => {
    const db = await openTestDb(target);
    try {
      const now = new Date();
      const nowS = Math.floor(now.getTime() / 1000);
      const mint = trade().mint;
      const at = (daysAgo: number) => trade({ mint, blockTime: nowS - daysAgo * DAY });
      await new EventWriter(db).transaction((w) => w.insertTrades([at(0), at(10), at(100)]));
      const jobs = await storageJobs(db);
      assert.ok(jobs.length > 0, 'neither PGlite nor plain Postgres runs these jobs by itself');

      const outcomes = await runDueJobs(db, jobs, now);
      assert.deepEqual(outcomes.filter((o) => o.status !== 'success'), []);
      assert.equal(outcomes.length, jobs.length);
      // Past retention: the 100-day-old trade is gone with its chunk/partition; the others stay.
      const left = await db.query<{ days: number }>(`SELECT round(extract(epoch FROM now() - block_time) / 86400)::int AS days FROM transactions ORDER BY 1`);
      assert.deepEqual(left.rows.map((r) => r.days), [0, 10]);

      const status = await storageStatus(db);
      if (db.flavour === 'timescale') {
        assert.equal(status.partitions.count, 2);
        assert.equal(status.partitions.compressed, 1, 'the 10-day-old chunk is compressed (policy: after 7 days)');
      } else {
        // Yesterday … today + ahead, plus the 10-day-old day the writer created on demand.
        assert.equal(status.partitions.count, PARTITIONS_AHEAD_DAYS + 2 + 1);
      }
      assert.ok(status.jobs.every((j) => j.lastStatus === 'success' && j.runs === 1));

      // Nothing is due again right away; the recorded start is what makes a job due.
      assert.deepEqual(await runDueJobs(db, jobs, new Date(now.getTime() + 1000)), []);
    } finally {
      await db.close();
    }
  });
});
