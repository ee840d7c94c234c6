import type { Queryable } from '../../db/types.ts';
import { TIMEFRAMES, type Timeframe } from './timeframes.ts';

/** One OHLCV candle. Prices: quote per whole token (decimal strings, 15 significant digits); volumes: base units. */
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
 * The candle read every caller shares (getCandles, `check candles`): `megatron_candles` (migration 0066, one
 * signature on both flavours) — on TimescaleDB the real-time continuous aggregate, on plain Postgres the
 * rollups plus the buckets still marked for refresh computed from the trades. Arguments are SQL
 * expressions (placeholders): mint NULL = every token, from/to NULL = open-ended; rows are ordered by mint
 * and bucket and carry token_id and mint besides CANDLE_COLUMNS.
 */
export function candlesFrom(args: { relation: string; width: string; mint: string; from: string; to: string }): string {
  return `megatron_candles(${args.relation}::text, ${args.width}::interval, ${args.mint}::text, ${args.from}::timestamptz, ${args.to}::timestamptz)`;
}

/**
 * Candles of `mint` at `tf` with `from <= bucket < to`, oldest first — the one query surface for every
 * timeframe and both flavours, to the last commit (see candlesFrom).
 */
export async function getCandles(db: Queryable, mint: string, tf: Timeframe, from: Date, to: Date): Promise<Candle[]> {
  const { relation, width } = TIMEFRAMES[tf];
  const res = await db.query<CandleRow>(`SELECT ${CANDLE_COLUMNS} FROM ${candlesFrom({ relation: '$1', width: '$2', mint: '$3', from: '$4', to: '$5' })} ORDER BY bucket`, [relation, width, mint, from, to]);
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
