import type { Queryable } from '../../db/types.ts';
import { TIMEFRAMES, type Timeframe } from './timeframes.ts';

/** One OHLCV candle. Prices: quote per whole token (exact decimal strings); volumes: base units. */
export interface Candle {
  bucket: Date;
  open: string;
  high: string;
  low: string;
  close: string;
  volumeToken: bigint;
  volumeQuote: bigint;
  trades: bigint;
  buyers: bigint;
  sellers: bigint;
}

interface CandleRow {
  bucket: Date;
  open: string;
  high: string;
  low: string;
  close: string;
  volume_token: string;
  volume_quote: string;
  trade_count: bigint | string;
  buyer_count: bigint | string;
  seller_count: bigint | string;
}

/** The candle columns callers see (the wallet sets stay internal). */
export const CANDLE_COLUMNS = 'bucket, open, high, low, close, volume_token, volume_quote, trade_count, buyer_count, seller_count';

/**
 * Candles of `mint` at `tf` with `from <= bucket < to`, oldest first — the one query surface for every
 * timeframe and both flavours (on TimescaleDB it includes the real-time tail not yet materialized).
 */
export async function getCandles(db: Queryable, mint: string, tf: Timeframe, from: Date, to: Date): Promise<Candle[]> {
  const res = await db.query<CandleRow>(
    `SELECT ${CANDLE_COLUMNS} FROM ${TIMEFRAMES[tf].relation} WHERE mint = $1 AND bucket >= $2 AND bucket < $3 ORDER BY bucket`,
    [mint, from, to],
  );
  return res.rows.map((r) => ({
    bucket: new Date(r.bucket),
    open: r.open,
    high: r.high,
    low: r.low,
    close: r.close,
    volumeToken: BigInt(r.volume_token),
    volumeQuote: BigInt(r.volume_quote),
    trades: BigInt(r.trade_count),
    buyers: BigInt(r.buyer_count),
    sellers: BigInt(r.seller_count),
  }));
}
