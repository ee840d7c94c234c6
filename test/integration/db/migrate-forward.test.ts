import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import bs58 from 'bs58';
import { checkCandles } from '../../../src/analytics/candles/check.ts';
import { getCandles } from '../../../src/analytics/candles/query.ts';
import { refreshCandles } from '../../../src/analytics/candles/refresh.ts';
import { TIMEFRAME_NAMES } from '../../../src/analytics/candles/timeframes.ts';
import type { TradeEvent } from '../../../src/core/events.ts';
import { jsonArrayChunks } from '../../../src/db/encode.ts';
import { migrate } from '../../../src/db/migrate.ts';
import { signatureBytea } from '../../../src/db/bytea.ts';
import type { Db } from '../../../src/db/types.ts';
import { EventWriter } from '../../../src/db/writer.ts';
import { forEachDbTarget, openTestDb } from '../../helpers/db.ts';
import { market, traffic } from '../analytics/traffic.ts';
import { I64_MAX } from './fixtures.ts';

/**
 * The lean trade row's migrations (issue #14) on a database filled by the schema before them: every
 * stored trade keeps its exact values, compressed history is compressed again under the same policy,
 * the candles read the same, and the writer goes on — rejecting what the new columns cannot hold.
 */

const BEFORE_LEAN_ROW = '0066';
const BIGINT_COLUMNS = ['sol_amount', 'token_amount', 'fee', 'protocol_fee', 'creator_fee', 'platform_fee', 'virtual_sol_reserves', 'virtual_token_reserves', 'real_sol_reserves', 'real_token_reserves'];

async function write(db: Db, trades: TradeEvent[]) {
  return new EventWriter(db).transaction((w) => w.insertTrades(trades));
}

/**
 * Every stored trade, in key order: what no migration may change — the amounts exactly, the price and
 * progress as the double nearest to the exact NUMERIC (0069 stores doubles; the cast is a no-op after it).
 */
async function storedTrades(db: Db): Promise<string[]> {
  const types = await columnTypes(db);
  const text = (c: 'signature' | 'user_address') => (types[c] === 'bytea' ? `megatron_base58(t.${c})` : `t.${c}`);
  const r = await db.query<{ row: string; key: string }>(
    `SELECT (to_jsonb(t) - 'price_per_token' - 'progress_pct' - 'signature' - 'user_address'
             || jsonb_build_object('price', t.price_per_token::float8::text, 'progress', t.progress_pct::float8::text,
                                   'signature', ${text('signature')}, 'user', ${text('user_address')}))::text AS row,
            ${text('signature')} || ':' || ix_index || ':' || inner_ix_index AS key
     FROM transactions t`,
  );
  return r.rows.sort((a, b) => (a.key < b.key ? -1 : 1)).map((x) => x.row);
}

/**
 * The writer stores a signature's and a trader's bytes as bytea text (`\x…`); before 0071 and 0073 these
 * columns are text, so the history written here holds that text until it is put back into base58, as the
 * writer of then stored it.
 */
async function keysAsBefore(db: Db): Promise<void> {
  for (const column of ['signature', 'user_address']) {
    const stored = await db.query<{ s: string }>(`SELECT DISTINCT ${column} AS s FROM transactions`);
    const map = stored.rows.map((r) => ({ hex: r.s, b58: bs58.encode(Buffer.from(r.s.slice(2), 'hex')) }));
    for (const chunk of jsonArrayChunks(map, 40_000)) {
      await db.query(`UPDATE transactions t SET ${column} = m.b58 FROM json_to_recordset($1::json) AS m(hex text, b58 text) WHERE t.${column} = m.hex`, [chunk]);
    }
  }
}

/** Each 1m candle's wallet sets as sorted base58 lists (the candles keep bytes after 0073). */
async function walletSets(db: Db): Promise<string[]> {
  const bytes = (await columnTypes(db)).user_address === 'bytea';
  const list = (c: string) => (bytes ? `ARRAY(SELECT megatron_base58(w) FROM unnest(${c}) w)` : c);
  const r = await db.query<{ k: string; buyers: string[]; sellers: string[] }>(
    `SELECT token_id || ' ' || bucket::text AS k, ${list('buyers')} AS buyers, ${list('sellers')} AS sellers FROM price_candles_1m`,
  );
  return r.rows.map((x) => `${x.k} ${[...x.buyers].sort().join(',')} / ${[...x.sellers].sort().join(',')}`).sort();
}

/** Candles without their prices: what 0071's recomputation from the trades cannot change. */
const withoutPrices = (candles: Awaited<ReturnType<typeof getCandles>>[]) =>
  candles.map((series) => series.map(({ open: _open, high: _high, low: _low, close: _close, ...rest }) => rest));

const columnTypes = async (db: Db) =>
  Object.fromEntries((await db.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'transactions' AND table_schema = 'public'`,
  )).rows.map((r) => [r.column_name, r.data_type]));

const compressedChunks = async (db: Db) => (await db.query<{ c: string }>(
  `SELECT chunk_name AS c FROM timescaledb_information.chunks WHERE hypertable_name = 'transactions' AND is_compressed ORDER BY 1`,
)).rows.map((r) => r.c);

const compressionPolicy = async (db: Db) => (await db.query<{ after: string }>(
  `SELECT config->>'compress_after' AS after FROM timescaledb_information.jobs
   WHERE proc_name = 'policy_compression' AND hypertable_name = 'transactions'`,
)).rows.map((r) => r.after);

/**
 * What the candle aggregates hold besides their candles (timescale): per view, its watermark, chunk size,
 * compression and policies. 0068 and 0069 drop and recreate the aggregates: all of it must come back.
 */
const aggregateState = async (db: Db) => (await db.query<Record<string, unknown>>(
  `SELECT ca.view_name, _timescaledb_functions.cagg_watermark(c.mat_hypertable_id)::text AS watermark, ca.compression_enabled,
          (SELECT d.time_interval::text FROM timescaledb_information.dimensions d WHERE d.hypertable_name = ca.materialization_hypertable_name) AS chunk,
          (SELECT string_agg(j.proc_name || ' every ' || j.schedule_interval || ' ' || (j.config - 'mat_hypertable_id' - 'hypertable_id')::text, '; ' ORDER BY j.proc_name)
           FROM timescaledb_information.jobs j WHERE j.hypertable_name IN (ca.view_name, ca.materialization_hypertable_name)) AS jobs
   FROM timescaledb_information.continuous_aggregates ca
   JOIN _timescaledb_catalog.continuous_agg c ON c.user_view_name = ca.view_name
   ORDER BY 1`,
)).rows;

forEachDbTarget((target) => {
  test('trade amounts as bigint, prices as double, signatures and traders as bytes: a database of the previous schema migrates forward with every amount exact, every price its nearest double, every signature and trader its bytes', async () => {
    const db = await openTestDb(target, { migrate: false });
    try {
      await migrate(db, { through: BEFORE_LEAN_ROW });
      assert.equal((await columnTypes(db)).fee, 'numeric', 'the previous schema');

      const markets = [market(), market()];
      const t0 = Math.floor(Date.now() / 1000);
      const history = traffic(markets, t0 - 5 * 86_400, t0 - 3600, 150, 5);
      // the widest values the new columns hold, and nulls, survive the migration exactly
      // (the newest trade: the oldest are dropped below, as retention would)
      const widest = history.length - 1;
      history[widest] = { ...history[widest]!, solAmount: I64_MAX, fee: I64_MAX, virtualTokenReserves: I64_MAX, realSolReserves: null, realTokenReserves: null };
      assert.deepEqual(await write(db, history), { inserted: history.length, quarantined: 0 });
      await keysAsBefore(db);
      await refreshCandles(db);
      if (db.flavour === 'timescale') {
        await db.exec(`SELECT compress_chunk(c) FROM show_chunks('transactions', older_than => now() - INTERVAL '1 day') c`);
        await db.query(`SELECT alter_job(job_id, config => jsonb_set(config, '{compress_after}', '"5 days"'))
                        FROM timescaledb_information.jobs WHERE proc_name = 'policy_compression' AND hypertable_name = 'transactions'`);
        // candles that outlive their trades (retention), compressed candles and a configured candle policy:
        // what the recreated aggregates must carry over rather than recompute
        await db.exec(`SELECT drop_chunks('transactions', older_than => now() - INTERVAL '4 days')`);
        await db.exec(`SELECT compress_chunk(c) FROM show_chunks('price_candles_1m', older_than => now() - INTERVAL '1 day') c`);
        await db.query(`SELECT alter_job(j.job_id, config => jsonb_set(j.config, '{drop_after}', '"9 days"'))
                        FROM timescaledb_information.jobs j JOIN timescaledb_information.continuous_aggregates ca
                          ON j.hypertable_name IN (ca.view_name, ca.materialization_hypertable_name)
                        WHERE j.proc_name = 'policy_retention' AND ca.view_name = 'price_candles_1m'`);
      }
      const rows = await storedTrades(db);
      const from = new Date((t0 - 6 * 86_400) * 1000);
      const to = new Date((t0 + 60) * 1000);
      const candles = async () => Promise.all(markets.flatMap((m) => TIMEFRAME_NAMES.map((tf) => getCandles(db, m.mint, tf, from, to))));
      const candlesBefore = await candles();
      const walletsBefore = await walletSets(db);
      assert.ok(walletsBefore.some((w) => /\w{32,44}/.test(w)), 'candles hold wallet sets');
      const compressed = db.flavour === 'timescale' ? await compressedChunks(db) : [];
      if (db.flavour === 'timescale') assert.ok(compressed.length >= 2, 'history spans compressed chunks');
      const aggregates = db.flavour === 'timescale' ? await aggregateState(db) : [];
      if (db.flavour === 'timescale') {
        assert.ok(candlesBefore.flat().some((c) => c.bucket.getTime() < Date.now() - 4.1 * 86_400_000), 'candles of dropped trades');
        assert.match(JSON.stringify(aggregates), /9 days/);
      }

      const { applied } = await migrate(db);
      for (const m of ['0067_trade_amounts_bigint', '0068_trade_volumes_bigint', '0069_trade_price_float8', '0071_trade_signature_bytes', '0073_trade_trader_bytes']) {
        assert.ok(applied.includes(m), `${m} in ${applied.join(', ')}`);
      }

      const types = await columnTypes(db);
      for (const c of BIGINT_COLUMNS) assert.equal(types[c], 'bigint', c);
      for (const c of ['price_per_token', 'progress_pct']) assert.equal(types[c], 'double precision', c);
      assert.equal(types.signature, 'bytea');
      assert.equal(types.user_address, 'bytea');
      assert.deepEqual(await storedTrades(db), rows, 'every trade exactly as before');
      // 0071 breaks ties between transactions of a slot by the signature's bytes: where a tie opens or
      // closes a candle, open and close follow the new order, and the prices of candles with stored trades
      // are the trades' again (the candle check compares them); everything else, and every candle whose
      // trades are gone, reads the same
      const candlesAfter = await candles();
      assert.deepEqual(withoutPrices(candlesAfter), withoutPrices(candlesBefore), 'the candles read the same but for their prices');
      assert.deepEqual(await walletSets(db), walletsBefore, 'every candle keeps its wallets, as bytes');
      const oldest = (await db.query<{ t: Date }>('SELECT min(block_time) AS t FROM transactions')).rows[0]!.t;
      const reordered = candlesAfter.flat().filter((c, i) => !isDeepStrictEqual(c, candlesBefore.flat()[i]));
      assert.ok(reordered.length > 0, 'ties at the open or close of some candles, resolved in the new order');
      assert.ok(reordered.every((c) => c.bucket.getTime() >= oldest.getTime() - 86_400_000), 'only candles of stored trades are reordered');
      assert.deepEqual((await checkCandles(db, { since: oldest })).mismatches, [], 'the candles match the trades in the new order');
      if (db.flavour === 'timescale') {
        assert.deepEqual(await compressedChunks(db), compressed, 'the same chunks compressed again');
        assert.deepEqual(await compressionPolicy(db), ['5 days'], 'the policy kept its interval');
        assert.deepEqual(await aggregateState(db), aggregates, 'the aggregates kept watermark, chunks, compression and policies');
      }

      // the writer goes on, exactly, and turns away a value the column cannot hold, with the reason
      const fresh = traffic(markets, t0 - 600, t0, 20, 6);
      fresh[0] = { ...fresh[0]!, creatorFee: I64_MAX + 1n };
      assert.deepEqual(await write(db, fresh), { inserted: fresh.length - 1, quarantined: 1 });
      await refreshCandles(db);
      assert.deepEqual((await checkCandles(db, { since: oldest })).mismatches, [], 'new candles over the carried ones match the trades');
      const q = await db.query<{ reason: string; signature: string }>('SELECT reason, signature FROM quarantine');
      assert.deepEqual(q.rows, [{ reason: 'creator_fee 9223372036854775808 does not fit the column (BIGINT, at most 2^63 - 1)', signature: fresh[0]!.signature }]);
      const stored = await db.query<{ fee: bigint; sol_amount: bigint }>('SELECT fee, sol_amount FROM transactions WHERE signature = $1::text::bytea', [signatureBytea(history[widest]!.signature)]);
      assert.deepEqual(stored.rows, [{ fee: I64_MAX, sol_amount: I64_MAX }], 'bigint comes back as bigint');
    } finally {
      await db.close();
    }
  });
});
