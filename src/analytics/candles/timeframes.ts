/**
 * The candle timeframes and the relation each lives in. Both flavours use the same relation names
 * (continuous aggregates on TimescaleDB, rollup tables on plain Postgres), so readers never branch.
 */
export const TIMEFRAMES = {
  '1m': { relation: 'price_candles_1m', width: '1 minute' },
  '5m': { relation: 'price_candles_5m', width: '5 minutes' },
  '1h': { relation: 'price_candles_1h', width: '1 hour' },
  '1d': { relation: 'price_candles_1d', width: '1 day' },
} as const;

export type Timeframe = keyof typeof TIMEFRAMES;

export const TIMEFRAME_NAMES = Object.keys(TIMEFRAMES) as Timeframe[];

/** Buckets align like TimescaleDB's time_bucket (origin Monday 2000-01-03 UTC; every width divides a week). */
export const BUCKET_ORIGIN = `TIMESTAMPTZ '2000-01-03 00:00:00+00'`;

/** SQL for the trades' chain order (see migration 0020): open is the first, close the last. */
export const TRADE_ORDER = 'megatron_trade_seq(block_time, slot, ix_index, inner_ix_index, signature)';

export function isTimeframe(value: string): value is Timeframe {
  return Object.hasOwn(TIMEFRAMES, value);
}
