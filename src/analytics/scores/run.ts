import type { Cache } from '../../cache/store.ts';
import { syncScores } from '../../cache/sync.ts';
import type { Queryable } from '../../db/types.ts';
import { committedAsOf, computeTokenAnalytics, scoreTokensByMint, storeTokenAnalytics, tokensTradedWithinHour } from '../realtime/compute.ts';
import type { MetadataFacts, TokenScore } from './formula.ts';
import type { ScoreToken } from './inputs.ts';
import { fetchMetadataFacts } from './metadata.ts';

export interface ScoreRunOptions {
  /** Score only this token (else every token traded in the last hour). */
  mint?: string | undefined;
  /** Time limit of each metadata fetch. */
  metadataTimeoutMs?: number;
}

/** Metadata of every token, fetched (or read from the cache) a few at a time. */
async function metadataOf(tokens: readonly ScoreToken[], cache: Cache, timeoutMs?: number): Promise<Map<string, MetadataFacts>> {
  const out = new Map<string, MetadataFacts>();
  const queue = [...tokens];
  const worker = async (): Promise<void> => {
    for (let t = queue.shift(); t; t = queue.shift()) out.set(t.mint, await fetchMetadataFacts(t.uri, { cache, timeoutMs }));
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return out;
}

/** Adds one history row per token (every run adds rows; token_analytics keeps only the current one). */
async function storeScoreHistory(db: Queryable, scores: readonly { tokenId: string; score: TokenScore }[], asOf: Date): Promise<void> {
  await db.query(
    `INSERT INTO token_scores (token_id, calculated_at, technical_score, holder_score, social_score,
       liquidity_score, trading_score, distribution_score, score_details)
     SELECT s.token_id, $2, s.technical_score, s.holder_score, s.social_score, s.liquidity_score, s.trading_score,
            s.distribution_score, s.score_details
     FROM json_populate_recordset(NULL::token_scores, $1::json) s`,
    [JSON.stringify(scores.map(({ tokenId, score: s }) => ({
      token_id: tokenId, technical_score: s.technical, holder_score: s.holder, social_score: s.social,
      liquidity_score: s.liquidity, trading_score: s.trading, distribution_score: s.distribution, score_details: s.details,
    }))), asOf],
  );
}

/**
 * The scoring job: computes each token's analytics at one `asOf` (docs/scoring.md), with metadata
 * fetched where the cache does not know it, stores the score history rows and the current
 * token_analytics rows, then refreshes the scores and both rankings in the cache. Returns the scores by mint.
 */
export async function scoreTokens(db: Queryable, cache: Cache, opts: ScoreRunOptions = {}): Promise<Map<string, TokenScore>> {
  const { asOf, slot } = await committedAsOf(db);
  const tokens = opts.mint ? await scoreTokensByMint(db, [opts.mint]) : await tokensTradedWithinHour(db, asOf);
  const rows = await computeTokenAnalytics(db, tokens, asOf, await metadataOf(tokens, cache, opts.metadataTimeoutMs));
  if (rows.length === 0) return new Map();
  await storeScoreHistory(db, rows.map((a) => ({ tokenId: a.token.tokenId, score: a.score })), asOf);
  await storeTokenAnalytics(db, rows, asOf, slot);
  await syncScores(db, cache);
  return new Map(rows.map((a) => [a.token.mint, a.score]));
}
