import { base58Text } from '../db/bytea.ts';
import type { Queryable } from '../db/types.ts';
import { HOT_SET_SIZE, type TokenRank } from './keys.ts';
import type { Cache, ScoredMember } from './store.ts';
import { writeHotTokens, writePrices, writeScores, type PriceSnapshot, type ScoreSnapshot } from './tokens.ts';

const ORDER = 'megatron_trade_seq(block_time, slot, ix_index, inner_ix_index, signature)';

/**
 * Current price snapshots from the trades: of `mints`, or of every token traded in the last hour.
 * change_1h compares with the last price at or before one hour ago (else the hour's first trade).
 */
export async function loadPriceSnapshots(db: Queryable, mints?: readonly string[]): Promise<Map<string, PriceSnapshot>> {
  const res = await db.query<{
    mint: string; price: string; signature: Uint8Array; side: 'buy' | 'sell'; block_time: Date; sol_amount: string; token_amount: string;
    volume_1h: string; change_1h: string | null;
  }>(
    // Trades are looked up by token id (the indexed column), never by mint; a token without trades has no
    // latest trade, so the LATERAL join below leaves it out.
    `WITH active AS (${mints
      ? `SELECT id AS token_id, mint_address AS mint FROM tokens k
         WHERE mint_address = ANY($1::text[])`
      : `SELECT DISTINCT token_id, mint FROM transactions WHERE block_time > now() - INTERVAL '1 hour'`})
     SELECT a.mint, l.price_per_token::numeric::text AS price, l.signature, l.type AS side, l.block_time,
            l.sol_amount::text AS sol_amount, l.token_amount::text AS token_amount,
            (SELECT coalesce(sum(sol_amount), 0)::text FROM transactions v
              WHERE v.token_id = a.token_id AND v.block_time > now() - INTERVAL '1 hour') AS volume_1h,
            (SELECT round((l.price_per_token::numeric - p.price_per_token::numeric) * 100 / p.price_per_token::numeric, 4)::text
               FROM (SELECT price_per_token FROM (
                       (SELECT price_per_token, 0 AS pref FROM transactions o WHERE o.token_id = a.token_id AND o.block_time <= now() - INTERVAL '1 hour'
                        ORDER BY ${ORDER} DESC LIMIT 1)
                       UNION ALL
                       (SELECT price_per_token, 1 FROM transactions o WHERE o.token_id = a.token_id AND o.block_time > now() - INTERVAL '1 hour'
                        ORDER BY ${ORDER} LIMIT 1)) x ORDER BY pref LIMIT 1) p
              WHERE p.price_per_token <> 0) AS change_1h
     FROM active a
     CROSS JOIN LATERAL (SELECT * FROM transactions t WHERE t.token_id = a.token_id ORDER BY ${ORDER} DESC LIMIT 1) l`,
    mints ? [mints] : [],
  );
  return new Map(res.rows.map((r) => [r.mint, {
    price: r.price,
    volume_1h: r.volume_1h,
    change_1h: r.change_1h,
    last_trade: { signature: base58Text(r.signature), side: r.side, block_time: new Date(r.block_time).toISOString(), sol_amount: r.sol_amount, token_amount: r.token_amount },
  }]));
}

type LatestScoreRow = {
  mint: string; technical_score: number; holder_score: number; social_score: number; total_score: number;
  calculated_at: Date; as_of_slot: string | null; trending_score: string | null;
};

/**
 * The latest score of each token scored in the last hour (or of `mints`): the current row of
 * token_analytics (real-time, docs/realtime.md), else the newest token_scores history row.
 */
export async function loadLatestScores(db: Queryable, mints?: readonly string[]): Promise<Map<string, ScoreSnapshot>> {
  const res = await db.query<LatestScoreRow>(
    `SELECT t.mint_address AS mint, a.technical_score, a.holder_score, a.social_score, a.total_score, a.computed_at AS calculated_at,
            a.as_of_slot::text AS as_of_slot, a.trending_score::text AS trending_score
     FROM token_analytics a JOIN tokens t ON t.id = a.token_id
     WHERE ${mints ? 't.mint_address = ANY($1::text[])' : `a.computed_at > now() - INTERVAL '1 hour'`}
     UNION ALL
     SELECT * FROM (
       SELECT DISTINCT ON (s.token_id) t.mint_address, s.technical_score, s.holder_score, s.social_score, s.total_score, s.calculated_at,
              NULL::text, NULL::text
       FROM token_scores s JOIN tokens t ON t.id = s.token_id
       WHERE ${mints ? 't.mint_address = ANY($1::text[])' : `s.calculated_at > now() - INTERVAL '1 hour'`}
         AND NOT EXISTS (SELECT 1 FROM token_analytics a WHERE a.token_id = s.token_id)
       ORDER BY s.token_id, s.calculated_at DESC, s.created_at DESC) history`,
    mints ? [mints] : [],
  );
  return new Map(res.rows.map((r) => [r.mint, {
    technical_score: Number(r.technical_score),
    holder_score: Number(r.holder_score),
    social_score: Number(r.social_score),
    total_score: Number(r.total_score),
    last_updated: new Date(r.calculated_at).toISOString(),
    as_of_slot: r.as_of_slot === null ? null : Number(r.as_of_slot),
    trending_score: r.trending_score === null ? null : Number(r.trending_score),
  }]));
}

/** A ranking from latest scores: by total score (the seed's hot set) or by trending rank, highest first. */
function ranked(latest: ReadonlyMap<string, ScoreSnapshot>, rank: TokenRank): ScoredMember[] {
  return [...latest]
    .flatMap(([member, s]) => {
      const score = rank === 'score' ? s.total_score : s.trending_score;
      return score === null ? [] : [{ member, score }];
    })
    .sort((a, b) => b.score - a.score || (a.member < b.member ? 1 : -1))
    .slice(0, HOT_SET_SIZE);
}

/** A ranking's set from the database: tokens scored in the last hour, highest first. */
export async function loadHotTokens(db: Queryable, rank: TokenRank = 'score'): Promise<ScoredMember[]> {
  return ranked(await loadLatestScores(db), rank);
}

/** Prices of the tokens a committed batch touched — the pipeline calls this after each commit. */
export async function cachePricesAfterCommit(db: Queryable, cache: Cache, mints: readonly string[]): Promise<void> {
  if (mints.length > 0) await writePrices(cache, await loadPriceSnapshots(db, mints));
}

export interface CacheSyncResult {
  prices: number;
  scores: number;
  hot: number;
  trending: number;
}

/** Latest scores of the last hour and both rankings, from the database into the cache (sets replaced whole). */
export async function syncScores(db: Queryable, cache: Cache): Promise<Omit<CacheSyncResult, 'prices'>> {
  const scores = await loadLatestScores(db);
  const hot = ranked(scores, 'score');
  const trending = ranked(scores, 'trending');
  await writeScores(cache, scores);
  await writeHotTokens(cache, hot, 'score');
  await writeHotTokens(cache, trending, 'trending');
  return { scores: scores.size, hot: hot.length, trending: trending.length };
}

/** The DB → cache sync job: prices of active tokens, latest scores, the hot set and the trending set. */
export async function syncCache(db: Queryable, cache: Cache): Promise<CacheSyncResult> {
  const prices = await loadPriceSnapshots(db);
  await writePrices(cache, prices);
  return { prices: prices.size, ...(await syncScores(db, cache)) };
}
