/**
 * Per-token market queries of the API (trades, candles, current price, holders, scores). All take the
 * token id first ($1), resolved once from the mint and cached, so every query runs on the
 * (token_id, block_time) index of the trades table.
 */

export interface TradeRow {
  /** The stored 64 bytes (Buffer or Uint8Array by driver). */
  signature: Uint8Array;
  ix_index: number;
  inner_ix_index: number;
  slot: bigint;
  block_time: Date;
  side: 'buy' | 'sell';
  user_address: Uint8Array;
  sol_amount: string;
  token_amount: string;
  price: string;
  pool: string;
  venue: string;
}

/**
 * Newest trades first: $1 token id, $2 side|null, $3 cursor block_time|null, $4 signature as bytea text, $5 ix, $6 inner, $7 limit.
 * The `block_time <= $3` bound lets the index range-scan; the row comparison breaks ties exactly.
 */
export const TRADES_PAGE = `
  SELECT x.signature, x.ix_index, x.inner_ix_index, x.slot, x.block_time, x.type AS side, x.user_address,
         x.sol_amount::text, x.token_amount::text, x.price_per_token::numeric::text AS price, x.pool,
         COALESCE((SELECT megatron_venue(p.pool_type) FROM pools p WHERE p.pool_address = x.pool), 'curve') AS venue
  FROM transactions x
  WHERE token_id = $1
    AND ($2::text IS NULL OR type = $2)
    AND ($3::timestamptz IS NULL OR (block_time <= $3
         AND (block_time, signature, ix_index, inner_ix_index) < ($3::timestamptz, $4::text::bytea, $5::int, $6::int)))
  ORDER BY block_time DESC, signature DESC, ix_index DESC, inner_ix_index DESC
  LIMIT $7`;

export interface ScoreRow {
  calculated_at: Date;
  total_score: number;
  technical_score: number;
  holder_score: number;
  social_score: number;
  liquidity_score: number | null;
  trading_score: number | null;
  distribution_score: number | null;
  score_details: unknown;
}

/**
 * Scores of token id $1, newest first, $2 rows: the current real-time score (token_analytics) when it is
 * newer than the last stored run, then the history of runs (token_scores).
 */
export const SCORES = `
  SELECT * FROM (
    SELECT computed_at AS calculated_at, total_score, technical_score, holder_score, social_score,
           liquidity_score, trading_score, distribution_score, score_details
    FROM token_analytics a WHERE a.token_id = $1
      AND NOT EXISTS (SELECT 1 FROM token_scores s WHERE s.token_id = $1 AND s.calculated_at >= a.computed_at)
    UNION ALL
    (SELECT calculated_at, total_score, technical_score, holder_score, social_score,
            liquidity_score, trading_score, distribution_score, score_details
     FROM token_scores WHERE token_id = $1 ORDER BY calculated_at DESC LIMIT $2)
  ) s ORDER BY calculated_at DESC LIMIT $2`;

export interface SnapshotRow {
  snapshot_time: Date;
  total_holders: number;
  top_10_concentration: string | null;
  top_25_concentration: string | null;
  gini_coefficient: string | null;
  holders_1_100: number | null;
  holders_100_1k: number | null;
  holders_1k_10k: number | null;
  holders_10k_plus: number | null;
}

export interface LiveHoldersRow extends SnapshotRow {
  computed_at: Date;
  as_of_slot: string;
  dev_balance: string;
  sniper_wallets: number;
  sniper_balance: string;
  bundle_wallets: number;
  bundle_balance: string;
}

/** The real-time holder metrics of token id $1 (token_analytics), if computed. */
export const LIVE_HOLDERS = `
  SELECT computed_at, computed_at AS snapshot_time, as_of_slot::text, total_holders, top_10_concentration::text,
         top_25_concentration::text, gini_coefficient::text, holders_1_100, holders_100_1k, holders_1k_10k, holders_10k_plus,
         dev_balance::text, sniper_wallets, sniper_balance::text, bundle_wallets, bundle_balance::text
  FROM token_analytics WHERE token_id = $1`;

/** Latest holder snapshot of token id $1. */
export const LATEST_SNAPSHOT = `
  SELECT snapshot_time, total_holders, top_10_concentration::text, top_25_concentration::text, gini_coefficient::text,
         holders_1_100, holders_100_1k, holders_1k_10k, holders_10k_plus
  FROM holder_snapshots WHERE token_id = $1 ORDER BY snapshot_time DESC LIMIT 1`;

export interface TopHolderRow {
  owner: string;
  amount: string;
  share_pct: string;
}

/**
 * Largest holders of mint $1 ($2 rows) with their share of all held tokens, from the exact balances
 * (index on (mint, amount DESC) WHERE amount > 0).
 */
export const TOP_HOLDERS = `
  WITH held AS (SELECT sum(amount) AS total FROM holder_balances WHERE mint = $1 AND amount > 0)
  SELECT b.owner, b.amount::text, round(b.amount * 100 / NULLIF(held.total, 0), 4)::text AS share_pct
  FROM holder_balances b, held
  WHERE b.mint = $1 AND b.amount > 0
  ORDER BY b.amount DESC, b.owner LIMIT $2`;
