import type { Queryable } from '../../db/types.ts';
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
  mismatches: CandleMismatch[];
}

export interface CandleCheckOptions {
  mint?: string | undefined;
  since: Date;
}

type Row = Record<string, string | null> & { mint: string; bucket: Date; raw_present: boolean; candle_present: boolean };

/**
 * Recomputes every candle from the raw trades (same definitions, chain order for open/close) and
 * compares them with what the candle relations serve, for each timeframe, from the bucket containing
 * `since` onwards: the seed's validation as one query per timeframe.
 */
export async function checkCandles(db: Queryable, opts: CandleCheckOptions): Promise<CandleCheckReport> {
  const mint = opts.mint ?? null;
  const buckets = {} as Record<Timeframe, number>;
  const mismatches: CandleMismatch[] = [];
  for (const tf of TIMEFRAME_NAMES) {
    const { relation, width } = TIMEFRAMES[tf];
    const res = await db.query<Row>(
      `WITH lo AS (SELECT date_bin(INTERVAL '${width}', $1::timestamptz, ${BUCKET_ORIGIN}) AS t),
       raw AS (
         SELECT token_id, min(mint) AS mint, date_bin(INTERVAL '${width}', block_time, ${BUCKET_ORIGIN}) AS bucket,
                (array_agg(price_per_token ORDER BY ${TRADE_ORDER}))[1] AS open,
                max(price_per_token) AS high, min(price_per_token) AS low,
                (array_agg(price_per_token ORDER BY ${TRADE_ORDER} DESC))[1] AS close,
                sum(token_amount) AS volume_token, sum(sol_amount) AS volume_quote, count(*) AS trade_count,
                count(DISTINCT user_address) FILTER (WHERE type = 'buy') AS buyer_count,
                count(DISTINCT user_address) FILTER (WHERE type = 'sell') AS seller_count
         FROM transactions, lo
         WHERE block_time >= lo.t AND ($2::text IS NULL OR mint = $2)
         GROUP BY token_id, 3),
       candle AS (
         SELECT c.* FROM ${relation} c, lo WHERE c.bucket >= lo.t AND ($2::text IS NULL OR c.mint = $2))
       SELECT coalesce(r.mint, c.mint) AS mint, coalesce(r.bucket, c.bucket) AS bucket,
              r.token_id IS NOT NULL AS raw_present, c.token_id IS NOT NULL AS candle_present,
              ${FIELDS.map((f) => `r.${f}::text AS raw_${f}, c.${f}::text AS candle_${f}`).join(', ')}
       FROM raw r FULL JOIN candle c ON c.token_id = r.token_id AND c.bucket = r.bucket
       ORDER BY 2, 1`,
      [opts.since, mint],
    );
    buckets[tf] = 0;
    for (const row of res.rows) {
      if (row.raw_present) buckets[tf] += 1;
      const fields: CandleMismatch['fields'] = {};
      for (const f of FIELDS) if (row[`raw_${f}`] !== row[`candle_${f}`]) fields[f] = [row[`raw_${f}`] ?? null, row[`candle_${f}`] ?? null];
      const problem = !row.candle_present ? 'missing' : !row.raw_present ? 'extra' : Object.keys(fields).length > 0 ? 'different' : null;
      if (problem) mismatches.push({ timeframe: tf, mint: row.mint, bucket: new Date(row.bucket), problem, fields });
    }
  }
  return { since: opts.since, mint, buckets, mismatches };
}
