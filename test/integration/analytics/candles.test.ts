import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkCandles } from '../../../src/analytics/candles/check.ts';
import { getCandles } from '../../../src/analytics/candles/query.ts';
import { refreshCandles } from '../../../src/analytics/candles/refresh.ts';
import { TIMEFRAME_NAMES } from '../../../src/analytics/candles/timeframes.ts';
import type { TradeEvent } from '../../../src/core/events.ts';
import type { Db } from '../../../src/db/types.ts';
import { EventWriter } from '../../../src/db/writer.ts';
import { DB_TARGETS, forEachDbTarget, openTestDb } from '../../helpers/db.ts';
import { market, traffic } from './traffic.ts';

const now = () => Math.floor(Date.now() / 1000);
const DAY_AGO = () => new Date(Date.now() - 3 * 86_400_000);

async function write(db: Db, trades: TradeEvent[]) {
  for (let i = 0; i < trades.length; i += 500) {
    const res = await new EventWriter(db).transaction((tx) => tx.insertTrades(trades.slice(i, i + 500)));
    assert.equal(res.quarantined, 0);
  }
}

/** The materialized 1m relation a corruption test can write to on either flavour. */
async function materialized1m(db: Db): Promise<string> {
  if (db.flavour === 'plain') return 'price_candles_1m';
  const r = await db.query<{ s: string; n: string }>(
    `SELECT materialization_hypertable_schema AS s, materialization_hypertable_name AS n
     FROM timescaledb_information.continuous_aggregates WHERE view_name = 'price_candles_1m'`,
  );
  return `${r.rows[0]!.s}.${r.rows[0]!.n}`;
}

forEachDbTarget((target) => {
  test('a simulated hour: candles match the trades at every timeframe, late trades included, corruption caught', async () => {
    const db = await openTestDb(target);
    try {
      const markets = [market(), market(), market()];
      const t0 = now();
      await write(db, traffic(markets, t0 - 3660, t0 - 60, 400, 1));
      await refreshCandles(db);
      const clean = await checkCandles(db, { since: DAY_AGO() });
      assert.deepEqual(clean.mismatches, []);
      assert.ok(clean.buckets['1m'] >= 3 * 55, `1m buckets ${clean.buckets['1m']}`);
      assert.ok(clean.buckets['1h'] >= 3);

      // one query surface: every timeframe adds up to the same trades and volume
      const m = markets[0]!.mint;
      const totals = await Promise.all((['1m', '5m', '1h', '1d'] as const).map(async (tf) => {
        const cs = await getCandles(db, m, tf, DAY_AGO(), new Date(Date.now() + 86_400_000));
        return [cs.reduce((s, c) => s + c.trades, 0n), cs.reduce((s, c) => s + c.volumeQuote, 0n)];
      }));
      assert.equal(totals[0]![0], 400n);
      for (const t of totals) assert.deepEqual(t, totals[0]);

      // late trades into already-refreshed buckets: 30 min, 5 h and 26 h ago; the first ones inside one
      // minute, in two batches, so that bucket is marked twice before the refresh (and counted once)
      const minute = Math.floor((t0 - 1800) / 60) * 60;
      const lateInOneMinute = traffic([markets[0]!], minute + 5, minute + 15, 5, 2);
      await write(db, lateInOneMinute.slice(0, 2));
      await write(db, lateInOneMinute.slice(2));
      const late = [
        ...traffic([markets[1]!], t0 - 5 * 3600, t0 - 5 * 3600 + 30, 5, 3),
        ...traffic([markets[2]!], t0 - 26 * 3600, t0 - 26 * 3600 + 30, 5, 4),
      ];
      await write(db, late);
      const stale = await checkCandles(db, { since: DAY_AGO() });
      // not yet due, not wrong: plain has them marked for the next rollup (readers compute them meanwhile);
      // TimescaleDB has them below the watermark in an invalidated range, until the refresh
      assert.deepEqual(stale.mismatches, [], 'late trades are pending, not wrong');
      for (const mk of markets) assert.ok(stale.pending.some((x) => x.timeframe === '1m' && x.mint === mk.mint), 'late trades show until refreshed');
      if (db.flavour === 'plain') {
        // readers already get them
        const lateMinute = new Date(minute * 1000);
        const served = await getCandles(db, markets[0]!.mint, '1m', lateMinute, new Date(lateMinute.getTime() + 60_000));
        const n = await db.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM transactions WHERE mint = $1 AND block_time >= $2 AND block_time < $3`,
          [markets[0]!.mint, lateMinute, new Date(lateMinute.getTime() + 60_000)],
        );
        assert.deepEqual(served.map((c) => c.trades), [BigInt(n.rows[0]!.n)], 'plain serves the late trades before the refresh');
      }
      await refreshCandles(db);
      const refreshed = await checkCandles(db, { since: DAY_AGO() });
      assert.deepEqual([refreshed.mismatches, refreshed.pending], [[], []]);

      // a corrupted candle is caught, with the field that differs
      const rel = await materialized1m(db);
      const hit = await db.query(`UPDATE ${rel} SET high = high + 1 WHERE bucket = (SELECT max(bucket) FROM ${rel} WHERE mint = $1 AND bucket < now() - INTERVAL '10 minutes') AND mint = $1`, [m]);
      assert.equal(hit.rowCount, 1);
      const bad = await checkCandles(db, { since: DAY_AGO(), mint: m });
      assert.equal(bad.mismatches.length, 1);
      assert.equal(bad.mismatches[0]!.problem, 'different');
      assert.deepEqual(Object.keys(bad.mismatches[0]!.fields), ['high']);
    } finally {
      await db.close();
    }
  });
});

test('both flavours serve identical candles for the same trades', { skip: DB_TARGETS.find((t) => t.name === 'postgres')!.skip }, async () => {
  const markets = [market(), market()];
  const t0 = now();
  const trades = traffic(markets, t0 - 3 * 3600, t0 - 30, 500, 9);
  const dbs = await Promise.all((['pglite', 'postgres'] as const).map((name) => openTestDb(DB_TARGETS.find((t) => t.name === name)!)));
  try {
    const served = [];
    for (const db of dbs) {
      // late trades out of order: the last 50 go in first
      await write(db, trades.slice(-50));
      await refreshCandles(db);
      await write(db, trades.slice(0, -50));
      await refreshCandles(db);
      const all = [];
      for (const m of markets) for (const tf of TIMEFRAME_NAMES) all.push(await getCandles(db, m.mint, tf, DAY_AGO(), new Date(Date.now() + 86_400_000)));
      served.push(all);
    }
    assert.deepEqual(dbs.map((d) => d.flavour), ['timescale', 'plain']);
    assert.ok(served[0]!.flat().length > 2 * 180);
    assert.deepEqual(served[0], served[1]);
  } finally {
    await Promise.all(dbs.map((d) => d.close()));
  }
});
