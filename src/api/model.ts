import { z } from 'zod';

/**
 * What the API returns, as zod schemas (they document the responses in /openapi.json) and the TS types
 * the data layer produces. Chain amounts and prices are decimal strings, never through a JS number:
 * amounts exact, trade and candle prices with the 15 significant digits trades store (a double, 0069).
 */
const dec = (what: string) => z.string().describe(`${what} (decimal string, exact)`);
const iso = z.string().describe('ISO 8601 timestamp');
const VENUE = z.enum(['curve', 'pumpswap', 'raydium_cpmm', 'raydium_amm_v4']);

export const TokenSummary = z.object({
  mint: z.string(),
  name: z.string().nullable(),
  symbol: z.string().nullable(),
  platform: z.string(),
  creator: z.string().nullable(),
  created_at: iso,
  graduated: z.boolean(),
  graduated_at: iso.nullable(),
  price_sol: dec('Last trade price, quote per whole token').nullable(),
  volume_24h_sol: dec('Quote volume over 24 h, whole quote units'),
  trades_24h: z.number().int(),
  progress_pct: dec('Bonding-curve progress 0–100').nullable(),
  score: z.number().int().nullable().describe('Latest total score (0–999)'),
  trending: z.number().nullable().describe('Current trending rank (0–1000, docs/scoring.md); null before the first real-time computation'),
  venue: VENUE.describe('Where the token trades now: its bonding curve, or the AMM it graduated to'),
  pool: z.string().nullable().describe('The pool it trades on now (curve account, or AMM pool)'),
});
export type TokenSummary = z.infer<typeof TokenSummary>;

export const HotToken = TokenSummary.extend({
  rank_score: z.number().describe('What the list is ranked by, as the ranking holds it now: total score (rank=score) or trending rank (rank=trending)'),
});
export type HotToken = z.infer<typeof HotToken>;

export const Page = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page') });
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export const Pool = z.object({
  address: z.string(),
  venue: VENUE,
  quote_mint: z.string(),
  status: z.string().nullable(),
  lp_mint: z.string().nullable(),
  migrated_to_pool: z.string().nullable().describe('The AMM pool a migrated curve moved to'),
  price_sol: dec('Price after the last trade (initial price of an AMM pool before its first trade)').nullable(),
  last_slot: z.number().int().nullable(),
  virtual_sol_reserves: dec('Virtual quote reserves, base units').nullable(),
  virtual_token_reserves: dec('Virtual token reserves, base units').nullable(),
  real_sol_reserves: dec('Real quote reserves, base units').nullable(),
  real_token_reserves: dec('Real token reserves, base units').nullable(),
  progress_pct: dec('Curve progress').nullable(),
});

export const PriceNow = z.object({
  price: dec('Last price').nullable(),
  volume_1h: dec('Quote volume over 1 h').nullable(),
  change_1h: z.number().nullable().describe('Price change over 1 h, percent'),
  last_trade: iso.nullable(),
  last_signature: z.string().nullable().describe('Signature of the trade the price is from'),
  source: z.enum(['cache', 'database']),
});

export const TokenDetail = TokenSummary.extend({
  uri: z.string().nullable(),
  decimals: z.number().int(),
  supply: dec('Total supply, base units').nullable(),
  creation_signature: z.string().nullable(),
  graduation_signature: z.string().nullable(),
  pools: z.array(Pool),
  price: PriceNow,
  score_as_of_slot: z.number().int().nullable().describe('Newest committed slot the current score saw (real-time analytics)'),
});
export type TokenDetail = z.infer<typeof TokenDetail>;

export const Candle = z.object({
  time: z.number().int().describe('Bucket start, unix seconds'),
  open: dec('Open'),
  high: dec('High'),
  low: dec('Low'),
  close: dec('Close'),
  volume_token: dec('Token volume, base units'),
  volume_quote: dec('Quote volume, base units (lamports for SOL)'),
  trades: z.number().int(),
  buyers: z.number().int().describe('Distinct buying wallets'),
  sellers: z.number().int().describe('Distinct selling wallets'),
});
export type Candle = z.infer<typeof Candle>;

export const Trade = z.object({
  signature: z.string(),
  ix_index: z.number().int(),
  inner_ix_index: z.number().int(),
  slot: z.number().int(),
  time: iso,
  side: z.enum(['buy', 'sell']),
  user: z.string(),
  sol_amount: dec('Quote amount, base units'),
  token_amount: dec('Token amount, base units'),
  price_sol: dec('Price after the trade'),
  venue: VENUE.describe('curve, or the AMM after graduation'),
  pool: z.string(),
});
export type Trade = z.infer<typeof Trade>;

const bucket = z.number().int().nullable();
const holding = z.object({ wallets: z.number().int(), balance: dec('Balance held now, base units') });

export const Holders = z.object({
  snapshot: z
    .object({
      time: iso,
      total_holders: z.number().int(),
      top_10_pct: dec('Top-10 share, percent').nullable(),
      top_25_pct: dec('Top-25 share, percent').nullable(),
      gini: dec('Gini coefficient 0–1').nullable(),
      buckets: z
        .object({ '1_100': bucket, '100_1k': bucket, '1k_10k': bucket, '10k_plus': bucket })
        .describe('Holders by balance in whole tokens; null counts while the decimals are unknown'),
      source: z.enum(['live', 'snapshot']).describe('live: recomputed after the last committed trade; snapshot: the latest periodic snapshot'),
      as_of_slot: z.number().int().nullable().describe('Newest committed slot the live metrics saw'),
      dev_balance: dec("Creator's balance, base units").nullable(),
      snipers: holding.nullable().describe('Wallets that bought within 2 slots of the first trade, and what they hold'),
      bundles: holding.nullable().describe('Wallets that bought in a slot with 3+ distinct buyers, and what they hold'),
    })
    .nullable(),
  top: z.array(z.object({ owner: z.string(), amount: dec('Balance, base units'), share_pct: dec('Share of supply held by holders, percent') })),
});
export type Holders = z.infer<typeof Holders>;

export const Score = z.object({
  time: iso,
  total: z.number().int(),
  technical: z.number().int(),
  holder: z.number().int(),
  social: z.number().int(),
  liquidity: z.number().int().nullable(),
  trading: z.number().int().nullable(),
  distribution: z.number().int().nullable(),
  details: z.unknown().describe('Every input the score used'),
});
export type Score = z.infer<typeof Score>;

export const Stats = z.object({
  tokens: z.object({ total: z.number().int(), last_1h: z.number().int(), graduated: z.number().int() }),
  trades: z.object({ last_1m: z.number().int(), last_1h: z.number().int(), last_24h: z.number().int() }),
  volume_24h_sol: dec('Quote volume over 24 h'),
  by_platform: z.array(z.object({ platform: z.string(), tokens: z.number().int(), trades_24h: z.number().int() })),
  ingest: z.object({
    trades_per_s: z.number().describe('Trades stored per second over the last minute (by block time)'),
    lag_seconds: z.number().nullable().describe('Now minus the newest committed block time'),
    checkpoints: z.array(z.object({ source: z.string(), slot: z.number().nullable(), updated_at: iso.nullable() })),
  }),
  quarantine_rows: z.number().int(),
  jobs: z.array(z.object({ name: z.string(), last_run: iso.nullable(), duration_ms: z.number().nullable(), error: z.string().nullable() })),
  cache: z.object({ mode: z.string(), hits: z.number(), misses: z.number() }),
  feed: z.object({ mode: z.string(), subscribers: z.number().int() }),
});
export type Stats = z.infer<typeof Stats>;

export const Health = z.object({ status: z.literal('ok'), uptime_s: z.number() });
export const Ready = z.object({
  ready: z.boolean(),
  database: z.boolean(),
  lag_seconds: z.number().nullable(),
  max_lag_seconds: z.number(),
  reason: z.string().nullable(),
});
export type Ready = z.infer<typeof Ready>;
