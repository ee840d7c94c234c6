import type { Queryable } from '../../db/types.ts';
import type { HolderMetrics } from '../holders/metrics.ts';
import { scoreToken, type MetadataFacts, type TokenScore } from '../scores/formula.ts';
import { gatherTokenFacts, type ScoreToken } from '../scores/inputs.ts';
import { trendingRank, type TrendingDetails } from '../scores/trending.ts';

/** One token's current analytics: holder metrics, score and trending rank at one `asOf`. */
export interface TokenAnalytics {
  token: ScoreToken;
  holders: HolderMetrics;
  score: TokenScore;
  trending: { score: number; details: TrendingDetails };
}

type TokenRow = { id: string; mint_address: string; name: string | null; symbol: string | null; uri: string | null; creator_address: string | null; decimals: number | null };

const toScoreToken = (r: TokenRow): ScoreToken => ({
  tokenId: r.id, mint: r.mint_address, name: r.name ?? '', symbol: r.symbol ?? '', uri: r.uri ?? '', creator: r.creator_address,
  decimals: r.decimals === null ? null : Number(r.decimals),
});

const TOKEN_COLUMNS = 'id, mint_address, name, symbol, uri, creator_address, decimals';

/**
 * The database's clock and the newest checkpointed slot (checkpoints commit with their batch, so every
 * trade up to that slot is visible to what reads after this).
 */
export async function committedAsOf(db: Queryable): Promise<{ asOf: Date; slot: number }> {
  const res = await db.query<{ now: Date; slot: string | null }>('SELECT now() AS now, (SELECT max(slot) FROM checkpoints)::text AS slot');
  return { asOf: res.rows[0]!.now, slot: Number(res.rows[0]!.slot ?? 0) };
}

/** The tokens of `mints` Megatron tracks (unknown mints are left out), by mint. */
export async function scoreTokensByMint(db: Queryable, mints: readonly string[]): Promise<ScoreToken[]> {
  const res = await db.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM tokens WHERE mint_address = ANY($1::text[]) ORDER BY mint_address`, [mints]);
  return res.rows.map(toScoreToken);
}

/** Tokens traded in the hour before `asOf`. */
export async function tokensTradedWithinHour(db: Queryable, asOf: Date): Promise<ScoreToken[]> {
  const res = await db.query<TokenRow>(
    `SELECT ${TOKEN_COLUMNS} FROM tokens t
     WHERE EXISTS (SELECT 1 FROM transactions x WHERE x.token_id = t.id
                   AND x.block_time > $1::timestamptz - INTERVAL '1 hour' AND x.block_time <= $1)
     ORDER BY mint_address`,
    [asOf],
  );
  return res.rows.map(toScoreToken);
}

/**
 * Tokens whose current analytics are older than `staleMs` while they still matter (computed within the
 * last hour and a bit, or traded in the last hour without a row): the safety net's repair set, which
 * also lets the time windows of tokens that stopped trading decay.
 */
export async function staleAnalyticsTokens(db: Queryable, staleMs: number, limit: number): Promise<ScoreToken[]> {
  const res = await db.query<TokenRow>(
    `SELECT ${TOKEN_COLUMNS} FROM tokens t WHERE t.id IN (
       SELECT token_id FROM token_analytics
       WHERE computed_at < now() - $1 * INTERVAL '1 millisecond' AND computed_at > now() - INTERVAL '65 minutes'
       UNION
       SELECT DISTINCT x.token_id FROM transactions x
       WHERE x.block_time > now() - INTERVAL '1 hour'
         AND NOT EXISTS (SELECT 1 FROM token_analytics a WHERE a.token_id = x.token_id))
     ORDER BY mint_address LIMIT $2`,
    [staleMs, limit],
  );
  return res.rows.map(toScoreToken);
}

/** Holder metrics, score and trending of `tokens` at `asOf`, from the committed data (a few queries for all of them). */
export async function computeTokenAnalytics(db: Queryable, tokens: readonly ScoreToken[], asOf: Date, metadata: ReadonlyMap<string, MetadataFacts>): Promise<TokenAnalytics[]> {
  const facts = await gatherTokenFacts(db, tokens, asOf, metadata);
  return facts.map((f) => {
    const score = scoreToken(f.score);
    return { token: f.token, holders: f.holders, score, trending: trendingRank(f.score.technical, f.activity, score.total) };
  });
}

const COLUMNS = [
  'token_id', 'computed_at', 'as_of_slot', 'total_holders', 'held_supply', 'top_10_concentration', 'top_25_concentration', 'gini_coefficient',
  'holders_1_100', 'holders_100_1k', 'holders_1k_10k', 'holders_10k_plus', 'dev_balance', 'sniper_wallets', 'sniper_balance',
  'bundle_wallets', 'bundle_balance', 'technical_score', 'holder_score', 'social_score', 'liquidity_score', 'trading_score',
  'distribution_score', 'score_details', 'trending_score', 'trending_details',
] as const;

/**
 * Upserts the current analytics rows (one statement). A row computed earlier never overwrites a later
 * one, and `as_of_slot` never moves back: a later computation saw at least what an earlier one saw.
 */
export async function storeTokenAnalytics(db: Queryable, rows: readonly TokenAnalytics[], asOf: Date, asOfSlot: number): Promise<void> {
  if (rows.length === 0) return;
  const list = COLUMNS.join(', ');
  const updates = COLUMNS.filter((c) => c !== 'token_id' && c !== 'as_of_slot').map((c) => `${c} = EXCLUDED.${c}`).join(', ');
  await db.query(
    `INSERT INTO token_analytics (${list})
     SELECT ${list} FROM json_populate_recordset(NULL::token_analytics, $1::json)
     ON CONFLICT (token_id) DO UPDATE SET ${updates}, as_of_slot = greatest(token_analytics.as_of_slot, EXCLUDED.as_of_slot)
     WHERE token_analytics.computed_at <= EXCLUDED.computed_at`,
    [JSON.stringify(analyticsRecords(rows, asOf, asOfSlot))],
  );
}

/** The rows as token_analytics records (JSON for json_populate_recordset; amounts as exact decimal strings). */
export function analyticsRecords(rows: readonly TokenAnalytics[], asOf: Date, asOfSlot: number): Record<(typeof COLUMNS)[number], unknown>[] {
  return rows.map((a) => {
    const h = a.score.details.inputs.holder;
    const known = a.token.decimals !== null;
    return {
      token_id: a.token.tokenId, computed_at: asOf.toISOString(), as_of_slot: asOfSlot,
      total_holders: a.holders.totalHolders, held_supply: a.holders.heldSupply.toString(),
      top_10_concentration: a.holders.top10Pct, top_25_concentration: a.holders.top25Pct, gini_coefficient: a.holders.gini,
      holders_1_100: known ? a.holders.buckets.upTo100 : null, holders_100_1k: known ? a.holders.buckets.upTo1k : null,
      holders_1k_10k: known ? a.holders.buckets.upTo10k : null, holders_10k_plus: known ? a.holders.buckets.tenKPlus : null,
      dev_balance: h.creatorBalance, sniper_wallets: h.sniperWallets, sniper_balance: h.sniperBalance,
      bundle_wallets: h.bundleWallets, bundle_balance: h.bundleBalance,
      technical_score: a.score.technical, holder_score: a.score.holder, social_score: a.score.social,
      liquidity_score: a.score.liquidity, trading_score: a.score.trading, distribution_score: a.score.distribution,
      score_details: a.score.details, trending_score: a.trending.score, trending_details: a.trending.details,
    };
  });
}
