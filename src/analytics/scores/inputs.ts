import type { Queryable } from '../../db/types.ts';
import { holderMetrics } from '../holders/metrics.ts';
import { loadBalances } from '../holders/snapshot.ts';
import { SCORE_FORMULA_VERSION, type HolderInputs, type MetadataFacts, type ScoreInputs, type TechnicalInputs } from './formula.ts';

/** Snipers: first buy within this many slots of the token's first trade (docs/scoring.md). */
export const SNIPER_SLOTS = 2;
/** Bundles: a slot with at least this many distinct buyers. */
export const BUNDLE_MIN_BUYERS = 3;

export interface ScoreToken {
  tokenId: string;
  mint: string;
  name: string;
  symbol: string;
  uri: string;
  creator: string | null;
}

/** Trading facts at `asOf` from the trades alone (windows end at asOf, inclusive); by token id, which trades are indexed by. */
async function technicalInputs(db: Queryable, tokenId: string, asOf: Date): Promise<TechnicalInputs> {
  const res = await db.query<Record<string, string | null>>(
    `WITH w AS (SELECT * FROM transactions WHERE token_id = $1 AND block_time <= $2 AND block_time > $2::timestamptz - INTERVAL '1 hour'),
     last_trade AS (
       SELECT real_sol_reserves, progress_pct, price_per_token, quote_decimals FROM transactions
       WHERE token_id = $1 AND block_time <= $2
       ORDER BY megatron_trade_seq(block_time, slot, ix_index, inner_ix_index, signature) DESC LIMIT 1),
     before_window AS (
       SELECT price_per_token FROM transactions WHERE token_id = $1 AND block_time <= $2::timestamptz - INTERVAL '1 hour'
       ORDER BY megatron_trade_seq(block_time, slot, ix_index, inner_ix_index, signature) DESC LIMIT 1),
     first_in_window AS (
       SELECT price_per_token FROM w ORDER BY megatron_trade_seq(block_time, slot, ix_index, inner_ix_index, signature) LIMIT 1)
     SELECT
       (SELECT quote_decimals::text FROM last_trade) AS quote_decimals,
       (SELECT real_sol_reserves::text FROM last_trade) AS real_quote,
       (SELECT progress_pct::text FROM last_trade) AS progress,
       (SELECT price_per_token::text FROM last_trade) AS price_now,
       coalesce((SELECT price_per_token::text FROM before_window), (SELECT price_per_token::text FROM first_in_window)) AS price_ago,
       (SELECT coalesce(sum(sol_amount), 0)::text FROM w WHERE block_time > $2::timestamptz - INTERVAL '5 minutes') AS vol5m,
       (SELECT coalesce(sum(sol_amount), 0)::text FROM w) AS vol1h,
       (SELECT count(*)::text FROM w WHERE block_time > $2::timestamptz - INTERVAL '5 minutes') AS trades5m,
       (SELECT count(*)::text FROM w) AS trades1h,
       (SELECT count(DISTINCT user_address)::text FROM w) AS traders,
       (SELECT count(*)::text FROM w WHERE type = 'buy') AS buys,
       (SELECT count(*)::text FROM w WHERE type = 'sell') AS sells`,
    [tokenId, asOf],
  );
  const r = res.rows[0]!;
  return {
    quoteDecimals: Number(r.quote_decimals ?? 9),
    realQuoteReserves: r.real_quote ?? null,
    volumeQuote5m: r.vol5m!,
    volumeQuote1h: r.vol1h!,
    trades5m: Number(r.trades5m),
    trades1h: Number(r.trades1h),
    uniqueTraders1h: Number(r.traders),
    buys1h: Number(r.buys),
    sells1h: Number(r.sells),
    progressPct: r.progress ?? null,
    priceNow: r.price_now ?? null,
    price1hAgo: r.price_ago ?? null,
  };
}

/** Distribution facts from the current exact balances, snipers and same-slot buyer clusters. */
async function holderInputs(db: Queryable, token: ScoreToken, asOf: Date): Promise<HolderInputs> {
  const balances = await loadBalances(db, token.mint);
  const m = holderMetrics(balances, 0);
  const balanceOf = new Map(balances.map((b) => [b.owner, b.amount]));
  const sum = (owners: string[]) => owners.reduce((s, o) => s + (balanceOf.get(o) ?? 0n), 0n);
  const wallets = await db.query<{ kind: string; wallet: string }>(
    `WITH buys AS (SELECT user_address, slot FROM transactions WHERE token_id = $1 AND type = 'buy' AND block_time <= $2
                   AND user_address IS DISTINCT FROM $3),
          first_slot AS (SELECT min(slot) AS s FROM transactions WHERE token_id = $1 AND block_time <= $2)
     SELECT DISTINCT 'sniper' AS kind, user_address AS wallet FROM buys, first_slot WHERE buys.slot <= first_slot.s + ${SNIPER_SLOTS}
     UNION
     SELECT DISTINCT 'bundle', b.user_address FROM buys b
       JOIN (SELECT slot FROM buys GROUP BY slot HAVING count(DISTINCT user_address) >= ${BUNDLE_MIN_BUYERS}) c ON c.slot = b.slot
     ORDER BY 1, 2`,
    [token.tokenId, asOf, token.creator],
  );
  const snipers = wallets.rows.filter((w) => w.kind === 'sniper').map((w) => w.wallet);
  const bundlers = wallets.rows.filter((w) => w.kind === 'bundle').map((w) => w.wallet);
  return {
    holders: m.totalHolders,
    heldSupply: m.heldSupply.toString(),
    top10Pct: m.top10Pct,
    gini: m.gini,
    creatorBalance: (token.creator ? (balanceOf.get(token.creator) ?? 0n) : 0n).toString(),
    sniperWallets: snipers.length,
    sniperBalance: sum(snipers).toString(),
    bundleWallets: bundlers.length,
    bundleBalance: sum(bundlers).toString(),
  };
}

/** Everything the formula reads, gathered at `asOf`; `metadata` comes from fetchMetadataFacts. */
export async function gatherScoreInputs(db: Queryable, token: ScoreToken, asOf: Date, metadata: MetadataFacts): Promise<ScoreInputs> {
  return {
    version: SCORE_FORMULA_VERSION,
    technical: await technicalInputs(db, token.tokenId, asOf),
    holder: await holderInputs(db, token, asOf),
    social: { name: token.name, symbol: token.symbol, uri: token.uri, metadata },
  };
}
