import type { TokenSort } from '../schemas.ts';

/**
 * Token queries of the API. All parameterized; the few variants (sort key, whether the analytics tables
 * exist yet) are fixed strings chosen by name, never built from request input.
 */

/** Which optional analytics tables the database has (they arrive with their own migrations). */
export interface Schema {
  scores: boolean;
  /** token_analytics: the current score and trending rank (real-time analytics). */
  analytics: boolean;
  holderSnapshots: boolean;
  holderBalances: boolean;
}

const historyScore = `(SELECT total_score FROM token_scores ts WHERE ts.token_id = t.id ORDER BY calculated_at DESC LIMIT 1)`;

/** The current total score of token `t` (real-time row, else the newest history row), or NULL while none exists. */
const latestScore = (s: Schema) => {
  if (!s.scores) return `NULL::int`;
  return s.analytics ? `COALESCE((SELECT total_score FROM token_analytics ta WHERE ta.token_id = t.id), ${historyScore})` : historyScore;
};

/** The current trending rank of token `t` (docs/scoring.md), or NULL. */
const trendingRank = (s: Schema) =>
  s.analytics ? `(SELECT trending_score::float8 FROM token_analytics ta WHERE ta.token_id = t.id)` : `NULL::float8`;

/** The curve pool of token `t` (the one its price and progress come from until graduation). */
const CURVE_POOL = `LEFT JOIN LATERAL (
    SELECT latest_price, bonding_curve_progress FROM pools p
    WHERE p.token_id = t.id ORDER BY (p.pool_type IN ('bonding_curve', 'launchlab')) DESC, p.created_at LIMIT 1
  ) cp ON true`;

/**
 * The pool token `t` trades on now: of the pools not migrated away from, the one traded last (an AMM pool
 * just created by the migration, before its first trade, wins over the migrated curve).
 */
const CURRENT_POOL = `LEFT JOIN LATERAL (
    SELECT pool_address, megatron_venue(pool_type) AS venue, COALESCE(latest_price, initial_price) AS price FROM pools p
    WHERE p.token_id = t.id ORDER BY (p.status = 'migrated'), p.last_slot DESC NULLS LAST, p.created_at DESC LIMIT 1
  ) np ON true`;

/** Columns of a TokenSummary for rows `t` (tokens); 24 h figures come from the trades index by (token_id, block_time). */
const summaryColumns = (s: Schema) => `
  t.mint_address AS mint, t.name, t.symbol, t.platform, t.creator_address AS creator,
  COALESCE(t.creation_timestamp, t.created_at) AS created_at, t.is_graduated AS graduated, t.graduation_timestamp AS graduated_at,
  COALESCE(np.price, cp.latest_price)::text AS price_sol, cp.bonding_curve_progress::text AS progress_pct,
  np.venue, np.pool_address AS pool,
  v.volume::text AS volume_24h_sol, v.trades AS trades_24h, ${latestScore(s)} AS score, ${trendingRank(s)} AS trending`;

/** A token's trades of the last 24 hours (`x`), read through the (token_id, block_time) index. */
const TRADES_24H = `FROM transactions x WHERE x.token_id = t.id AND x.block_time > now() - interval '24 hours'`;
const SOL_VOLUME = `sum(megatron_ui_amount(x.sol_amount, x.quote_decimals))`;

const VOLUME_24H = `LEFT JOIN LATERAL (
    SELECT COALESCE(${SOL_VOLUME}, 0) AS volume, count(*)::int AS trades ${TRADES_24H}
  ) v ON true`;

export interface TokenSummaryRow {
  mint: string;
  name: string | null;
  symbol: string | null;
  platform: string;
  creator: string | null;
  created_at: Date;
  graduated: boolean;
  graduated_at: Date | null;
  price_sol: string | null;
  progress_pct: string | null;
  volume_24h_sol: string;
  trades_24h: number;
  score: number | null;
  trending: number | null;
  venue: string | null;
  pool: string | null;
  /** The sort key of the row, as text (for the next cursor). */
  sort_key?: string | null;
}

/**
 * Sort keys: a SQL expression over `t` and its type. NULL keys sort last as the type's lowest value, so
 * the keyset comparison needs no NULL special case.
 */
const SORT_KEYS: Record<TokenSort, (s: Schema) => { expr: string; type: string }> = {
  created: () => ({ expr: `COALESCE(t.creation_timestamp, t.created_at)`, type: 'timestamptz' }),
  volume: () => ({
    expr: `COALESCE((SELECT ${SOL_VOLUME} ${TRADES_24H}), 0)`,
    type: 'numeric',
  }),
  score: (s) => ({ expr: `COALESCE(${latestScore(s)}, -1)`, type: 'int' }),
  progress: () => ({
    expr: `COALESCE((SELECT max(p.bonding_curve_progress) FROM pools p WHERE p.token_id = t.id), -1)`,
    type: 'numeric',
  }),
};

/**
 * One page of tokens: $1 platform|null, $2 graduated|null, $3 cursor key|null, $4 cursor mint|null, $5 limit.
 * The page is chosen first (keys only), then the summaries are computed for those rows alone.
 */
export function tokenPageSql(sort: TokenSort, s: Schema): string {
  const key = SORT_KEYS[sort](s);
  return `
    WITH page AS (
      SELECT t.id, t.mint_address, ${key.expr} AS sort_key
      FROM tokens t
      WHERE ($1::text IS NULL OR t.platform = $1) AND ($2::boolean IS NULL OR t.is_graduated = $2)
    ), after AS (
      SELECT * FROM page
      WHERE $3::text IS NULL OR (sort_key, mint_address) < ($3::${key.type}, $4::text)
      ORDER BY sort_key DESC, mint_address DESC
      LIMIT $5
    )
    SELECT ${summaryColumns(s)}, a.sort_key::text AS sort_key
    FROM after a JOIN tokens t ON t.id = a.id ${CURVE_POOL} ${CURRENT_POOL} ${VOLUME_24H}
    ORDER BY a.sort_key DESC, a.mint_address DESC`;
}

/** Summaries of the given mints ($1 text[]), any order. */
export const tokensByMintSql = (s: Schema) => `
  SELECT ${summaryColumns(s)} FROM tokens t ${CURVE_POOL} ${CURRENT_POOL} ${VOLUME_24H} WHERE t.mint_address = ANY($1::text[])`;

export interface TokenDetailRow extends TokenSummaryRow {
  id: string;
  uri: string | null;
  decimals: number | null;
  supply: string | null;
  creation_signature: string | null;
  graduation_signature: string | null;
}

/** One token by mint ($1). */
export const tokenDetailSql = (s: Schema) => `
  SELECT t.id, t.uri, t.decimals, t.initial_supply::text AS supply, t.creation_signature, t.graduation_signature, ${summaryColumns(s)}
  FROM tokens t ${CURVE_POOL} ${CURRENT_POOL} ${VOLUME_24H} WHERE t.mint_address = $1`;

export interface PoolRow {
  address: string;
  venue: 'curve' | 'pumpswap' | 'raydium_cpmm' | 'raydium_amm_v4';
  quote_mint: string;
  status: string | null;
  lp_mint: string | null;
  migrated_to_pool: string | null;
  price_sol: string | null;
  last_slot: string | null;
  virtual_sol_reserves: string | null;
  virtual_token_reserves: string | null;
  real_sol_reserves: string | null;
  real_token_reserves: string | null;
  progress_pct: string | null;
}

/** Pools of a token id ($1), oldest first. */
export const POOLS_OF_TOKEN = `
  SELECT pool_address AS address, megatron_venue(pool_type) AS venue, quote_mint, status, lp_mint, migrated_to_pool,
         COALESCE(latest_price, initial_price)::text AS price_sol, last_slot::text AS last_slot,
         virtual_sol_reserves::text, virtual_token_reserves::text,
         real_sol_reserves::text, real_token_reserves::text, bonding_curve_progress::text AS progress_pct
  FROM pools WHERE token_id = $1 ORDER BY created_at`;

/** mint ($1) → token id. */
export const TOKEN_ID_BY_MINT = `SELECT id FROM tokens WHERE mint_address = $1`;

/** Fallback hot set before any scoring ran: most trades in the last hour ($1 limit). */
export const HOT_BY_ACTIVITY = `
  SELECT t.mint_address AS mint, x.trades AS score
  FROM (SELECT token_id, count(*)::int AS trades FROM transactions WHERE block_time > now() - interval '1 hour'
        GROUP BY token_id ORDER BY 2 DESC LIMIT $1) x
  JOIN tokens t ON t.id = x.token_id
  ORDER BY x.trades DESC, t.mint_address DESC`;

/** Which analytics tables exist. */
export const SCHEMA_PROBE = `
  SELECT to_regclass('token_scores') IS NOT NULL AS scores,
         to_regclass('token_analytics') IS NOT NULL AS analytics,
         to_regclass('holder_snapshots') IS NOT NULL AS holder_snapshots,
         to_regclass('holder_balances') IS NOT NULL AS holder_balances`;
