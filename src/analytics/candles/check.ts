import type { Queryable } from '../../db/types.ts';
import { candlesFrom } from './query.ts';
import { BUCKET_ORIGIN, TIMEFRAME_NAMES, TIMEFRAMES, TRADE_ORDER, type Timeframe } from './timeframes.ts';

/** The compared fields: the seed's validation (counts, OHLC, volumes) plus the wallet counts. */
const FIELDS = ['open', 'high', 'low', 'close', 'volume_token', 'volume_quote', 'trade_count', 'buyer_count', 'seller_count'] as const;
type Field = (typeof FIELDS)[number];

export interface CandleMismatch {
  timeframe: Timeframe;
  mint: string;
  bucket: Date;
  /** missing: trades but no candle; extra: a candle without trades; different: some field differs. */
  problem: 'missing' | 'extra' | 'different';
  /** Differing fields as [from trades, from the candle] (text). */
  fields: Partial<Record<Field, [string | null, string | null]>>;
}

export interface CandleCheckReport {
  since: Date;
  mint: string | null;
  /** Buckets with trades, per timeframe. */
  buckets: Record<Timeframe, number>;
  /** Wrong, missing or extra candles as readers get them (getCandles): a real problem. */
  mismatches: CandleMismatch[];
  /**
   * Not yet due: buckets whose stored candle lags the trades only because their refresh has not run yet —
   * plain Postgres: marked in candle_dirty (readers get them computed from the trades meanwhile);
   * TimescaleDB: inside a range the aggregates have invalidated and not yet refreshed (late trades below
   * the watermark, visible to readers after the next refresh). Fields as [from trades, stored candle].
   */
  pending: CandleMismatch[];
  /** What told pending buckets apart: plain's candle_dirty marks, TimescaleDB's invalidation logs, or nothing. */
  pendingFrom: PendingSource;
}

/** How this database records what awaits a refresh. */
export type PendingSource = 'candle_dirty' | 'invalidations' | 'none';

export interface CandleCheckOptions {
  mint?: string | undefined;
  since: Date;
}

type Row = Record<string, string | null> & {
  mint: string;
  bucket: Date;
  raw_present: boolean;
  served_present: boolean;
  stored_present: boolean;
  pending: boolean;
};

/** TimescaleDB's invalidation ranges (unix microseconds, inclusive) that concern the aggregates `views`. */
function invalidations(views: readonly string[]): string {
  const names = views.map((v) => `'${v}'`).join(', ');
  return `SELECT l.lowest_modified_value AS lo, l.greatest_modified_value AS hi
          FROM _timescaledb_catalog.continuous_aggs_materialization_invalidation_log l
          JOIN _timescaledb_catalog.continuous_agg a ON a.mat_hypertable_id = l.materialization_id
          WHERE a.user_view_name IN (${names})
          UNION ALL
          SELECT l.lowest_modified_value, l.greatest_modified_value
          FROM _timescaledb_catalog.continuous_aggs_hypertable_invalidation_log l
          JOIN _timescaledb_catalog.continuous_agg a ON a.raw_hypertable_id = l.hypertable_id
          WHERE a.user_view_name IN (${names})`;
}

/**
 * Recomputes every candle from the raw trades (same definitions, chain order for open/close) and
 * compares them, for each timeframe from the bucket containing `since` onwards, with what readers get
 * (`megatron_candles`, the read getCandles uses) and with what is stored, one query per timeframe.
 *
 * A difference is *pending* (not yet due) when the bucket awaits a refresh: on plain Postgres the bucket is
 * marked in candle_dirty and the stored rollup lags while readers already get the right candle from the
 * tail (a wrong served candle is always a mismatch); on TimescaleDB readers see the aggregate itself, and a
 * bucket inside an invalidated, not yet refreshed range (any level it is built from) is pending. Everything
 * else is a mismatch.
 */
export async function checkCandles(db: Queryable, opts: CandleCheckOptions): Promise<CandleCheckReport> {
  const mint = opts.mint ?? null;
  const buckets = {} as Record<Timeframe, number>;
  const mismatches: CandleMismatch[] = [];
  const pending: CandleMismatch[] = [];
  const found = (
    await db.query<{ dirty: boolean; inval: boolean }>(
      `SELECT to_regclass('candle_dirty') IS NOT NULL AS dirty,
              to_regclass('_timescaledb_catalog.continuous_aggs_hypertable_invalidation_log') IS NOT NULL
          AND to_regclass('_timescaledb_catalog.continuous_aggs_materialization_invalidation_log') IS NOT NULL AS inval`,
    )
  ).rows[0]!;
  const marks: PendingSource = found.dirty ? 'candle_dirty' : found.inval ? 'invalidations' : 'none';
  for (const [level, tf] of TIMEFRAME_NAMES.entries()) {
    const { relation, width } = TIMEFRAMES[tf];
    const stored = marks === 'candle_dirty'
      ? `SELECT c.* FROM ${relation} c, lo WHERE c.bucket >= lo.t AND ($2::text IS NULL OR c.mint = $2)`
      : 'SELECT * FROM served'; // TimescaleDB: readers get the aggregate itself
    // Per (token, bucket) on plain (candle_dirty holds 1m buckets; a marked minute makes its 5m/1h/1d pending),
    // per time range on TimescaleDB (its invalidation log does not know tokens), at this level or below.
    const extra = {
      candle_dirty: `, marked AS (SELECT DISTINCT token_id, date_bin(INTERVAL '${width}', bucket, ${BUCKET_ORIGIN}) AS bucket FROM candle_dirty)`,
      invalidations: `, inval AS (${invalidations(TIMEFRAME_NAMES.slice(0, level + 1).map((t) => TIMEFRAMES[t].relation))})`,
      none: '',
    }[marks];
    const isPending = {
      candle_dirty: 'm.token_id IS NOT NULL',
      invalidations: `EXISTS (SELECT 1 FROM inval v WHERE v.lo < (extract(epoch FROM k.bucket + INTERVAL '${width}') * 1000000)::bigint
                        AND v.hi >= (extract(epoch FROM k.bucket) * 1000000)::bigint)`,
      none: 'false',
    }[marks];
    const res = await db.query<Row>(
      `WITH lo AS (SELECT date_bin(INTERVAL '${width}', $1::timestamptz, ${BUCKET_ORIGIN}) AS t),
       raw AS (
         SELECT token_id, min(mint) AS mint, date_bin(INTERVAL '${width}', block_time, ${BUCKET_ORIGIN}) AS bucket,
                (array_agg(price_per_token ORDER BY ${TRADE_ORDER}))[1]::numeric AS open,
                max(price_per_token)::numeric AS high, min(price_per_token)::numeric AS low,
                (array_agg(price_per_token ORDER BY ${TRADE_ORDER} DESC))[1]::numeric AS close,
                sum(token_amount) AS volume_token, sum(sol_amount) AS volume_quote, count(*) AS trade_count,
                count(DISTINCT user_address) FILTER (WHERE type = 'buy') AS buyer_count,
                count(DISTINCT user_address) FILTER (WHERE type = 'sell') AS seller_count
         FROM transactions, lo
         WHERE block_time >= lo.t AND ($2::text IS NULL OR mint = $2)
         GROUP BY token_id, 3),
       served AS MATERIALIZED (
         SELECT s.* FROM ${candlesFrom({ relation: '$3', width: '$4', mint: '$2', from: '(SELECT t FROM lo)', to: 'NULL' })} s),
       stored AS (${stored})${extra},
       keys AS (SELECT token_id, bucket FROM raw UNION SELECT token_id, bucket FROM served UNION SELECT token_id, bucket FROM stored)
       SELECT coalesce(r.mint, s.mint, c.mint) AS mint, k.bucket,
              r.token_id IS NOT NULL AS raw_present, s.token_id IS NOT NULL AS served_present, c.token_id IS NOT NULL AS stored_present,
              ${isPending} AS pending,
              ${FIELDS.map((f) => `r.${f}::text AS raw_${f}, s.${f}::text AS served_${f}, c.${f}::text AS stored_${f}`).join(', ')}
       FROM keys k
       LEFT JOIN raw r ON r.token_id = k.token_id AND r.bucket = k.bucket
       LEFT JOIN served s ON s.token_id = k.token_id AND s.bucket = k.bucket
       LEFT JOIN stored c ON c.token_id = k.token_id AND c.bucket = k.bucket
       ${marks === 'candle_dirty' ? 'LEFT JOIN marked m ON m.token_id = k.token_id AND m.bucket = k.bucket' : ''}
       ORDER BY 2, 1`,
      [opts.since, mint, relation, width],
    );
    buckets[tf] = 0;
    for (const row of res.rows) {
      if (row.raw_present) buckets[tf] += 1;
      const served = compare(row, 'served');
      const storedDiff = compare(row, 'stored');
      const at = { timeframe: tf, mint: row.mint, bucket: new Date(row.bucket) };
      if (served) (row.pending && marks === 'invalidations' ? pending : mismatches).push({ ...at, ...served });
      else if (storedDiff) (row.pending ? pending : mismatches).push({ ...at, ...storedDiff });
    }
  }
  return { since: opts.since, mint, buckets, mismatches, pending, pendingFrom: marks };
}

/** The difference between the trades and one side (served or stored) of a row, or null. */
function compare(row: Row, side: 'served' | 'stored'): Pick<CandleMismatch, 'problem' | 'fields'> | null {
  const present = row[`${side}_present`];
  const fields: CandleMismatch['fields'] = {};
  for (const f of FIELDS) if (row[`raw_${f}`] !== row[`${side}_${f}`]) fields[f] = [row[`raw_${f}`] ?? null, row[`${side}_${f}`] ?? null];
  const problem = !present ? (row.raw_present ? 'missing' : null) : !row.raw_present ? 'extra' : Object.keys(fields).length > 0 ? 'different' : null;
  return problem ? { problem, fields } : null;
}
