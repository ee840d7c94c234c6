import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refreshCandles } from '../../../src/analytics/candles/refresh.ts';
import { storageStatus } from '../../../src/db/queries/status.ts';
import { applyLifecycle, DEFAULT_LIFECYCLE, lifecyclePolicies } from '../../../src/jobs/lifecycle.ts';
import { runDueJobs, storageJobs } from '../../../src/jobs/scheduler.ts';
import { compressedColumnCosts, compressionReport, formatCompression } from '../../../src/ops/compression.ts';
import { fillSimulatedHistory } from '../../../src/ops/history.ts';
import { forEachDbTarget, openTestDb } from '../../helpers/db.ts';

const count = async (db: { query: (sql: string) => Promise<{ rows: Array<Record<string, unknown>> }> }, sql: string) =>
  Number((await db.query(sql)).rows[0]!.n);

forEachDbTarget((target) => {
  test('lifecycle: 1m candles dropped after 7 days (5m kept), old scores and snapshots pruned, trades compressed (timescale)', async () => {
    const db = await openTestDb(target);
    try {
      await fillSimulatedHistory(db, { trades: 600, days: 10, batchTrades: 300 });
      await refreshCandles(db);
      const tokens = (await db.query<{ id: string }>(`SELECT id FROM tokens ORDER BY mint_address LIMIT 2`)).rows.map((r) => r.id);
      await db.query(`UPDATE tokens SET is_graduated = true, graduation_signature = 'sig' WHERE id = $1`, [tokens[1]!]);
      for (const id of tokens) {
        await db.query(
          `INSERT INTO token_scores (token_id, calculated_at, technical_score, holder_score, social_score)
           VALUES ($1, now() - interval '40 days', 1, 1, 1), ($1, now() - interval '1 day', 2, 2, 2)`, [id]);
        await db.query(
          `INSERT INTO holder_snapshots (token_id, snapshot_time, total_holders, held_supply)
           VALUES ($1, now() - interval '45 days', 1, 1), ($1, now() - interval '40 days', 2, 2)`, [id]);
      }
      const old1m = `SELECT count(*) AS n FROM price_candles_1m WHERE bucket < now() - interval '8 days'`;
      const old5m = `SELECT count(*) AS n FROM price_candles_5m WHERE bucket < now() - interval '8 days'`;
      assert.ok((await count(db, old1m)) > 0, 'the history has 1m candles older than a week');
      const old5mBefore = await count(db, old5m);
      assert.ok(old5mBefore > 0, 'the history has 5m candles older than 8 days');

      const outcomes = await runDueJobs(db, await storageJobs(db), new Date(), true);
      assert.deepEqual(outcomes.filter((o) => o.status !== 'success'), []);

      assert.equal(await count(db, old1m), 0, '1m candles past 7 days are gone');
      assert.equal(await count(db, old5m), old5mBefore, '5m candles are kept longer');
      const scores = await db.query<{ token_id: string; n: bigint }>(`SELECT token_id, count(*) AS n FROM token_scores GROUP BY 1`);
      const scoresOf = (id: string) => Number(scores.rows.find((r) => r.token_id === id)?.n ?? 0);
      assert.equal(scoresOf(tokens[0]!), 1, 'the old score of a token that never graduated is cleaned up');
      assert.equal(scoresOf(tokens[1]!), 2, 'a graduated token keeps its score history');
      assert.equal(await count(db, `SELECT count(*) AS n FROM holder_snapshots`), 2, 'old snapshots pruned, each token keeps its latest');

      const status = await storageStatus(db);
      const report = await compressionReport(db);
      if (db.flavour === 'timescale') {
        assert.equal(status.compression, 'timescaledb');
        const trades = report.hypertables.find((h) => h.relation === 'transactions')!;
        assert.ok(trades.compressedChunks >= 2 && trades.ratio! > 1, JSON.stringify(trades));
        assert.equal(trades.orderBy, 'token_id,block_time,slot,ix_index,inner_ix_index');
        // every trades column once, the 64-byte signature the costliest, all within the compressed total
        const costs = await compressedColumnCosts(db, 'transactions');
        assert.equal(costs[0]!.column, 'signature', JSON.stringify(costs.slice(0, 3)));
        assert.ok(['user_address', 'price_per_token', 'sol_amount', '(metadata)'].every((c) => costs.some((x) => x.column === c)));
        assert.equal(new Set(costs.map((c) => c.column)).size, costs.length);
        const columnBytes = costs.reduce((a, c) => a + c.bytes, 0);
        assert.ok(columnBytes > 0 && columnBytes <= trades.afterBytes!, `${columnBytes} of ${trades.afterBytes}`);
        const cleanup = status.timescaleJobs.find((j) => j.proc === 'megatron_cleanup_old_scores_job')!;
        assert.equal(cleanup.lastStatus, 'success', 'the maintenance job shows its last run');
        assert.ok(cleanup.lastRunAt);
      } else {
        assert.equal(status.compression, 'none');
        assert.deepEqual(report.hypertables, []);
        assert.deepEqual(await compressedColumnCosts(db, 'transactions'), []);
        assert.match(formatCompression(report), /no compression/);
        assert.ok(status.jobs.some((j) => j.job === 'maintenance:cleanup_old_scores' && j.lastStatus === 'success'));
      }
    } finally {
      await db.close();
    }
  });

  test('lifecycle: configured ages replace the defaults (timescale policies; plain scheduler jobs)', async () => {
    const db = await openTestDb(target);
    try {
      assert.deepEqual(await applyLifecycle(db, DEFAULT_LIFECYCLE), [], 'the migrations create the defaults');
      const custom = { ...DEFAULT_LIFECYCLE, tradesRetentionDays: 60, candles1dRetentionDays: 3650, candles1hRetentionDays: 0, scoresRetentionDays: 10 };
      const changes = await applyLifecycle(db, custom);
      const policies = await lifecyclePolicies(db, custom);
      const after = (relation: string, policy: RegExp) => policies.find((p) => p.relation === relation && policy.test(p.policy))?.after;
      if (db.flavour === 'timescale') {
        assert.equal(changes.length, 4, changes.join('\n'));
        assert.equal(after('transactions', /retention/), '60 days');
        assert.equal(after('price_candles_1d', /retention/), '3650 days');
        assert.equal(after('price_candles_1h', /retention/), undefined);
        assert.equal(after('token_scores', /cleanup/), '10 days');
        assert.deepEqual(await applyLifecycle(db, custom), [], 'idempotent');
      } else {
        assert.deepEqual(changes, []);
        assert.equal(after('transactions', /retention/), '60 days');
        assert.equal(after('price_candles_1h', /retention/), 'keep');
        const names = (await storageJobs(db, custom)).map((j) => j.name);
        assert.deepEqual(names, ['transactions:partitions', 'candles:retention', 'maintenance:cleanup_old_scores', 'maintenance:prune_holder_snapshots']);
      }
    } finally {
      await db.close();
    }
  });
});
