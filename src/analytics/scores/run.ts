import type { Cache } from '../../cache/store.ts';
import { loadHotTokens, loadLatestScores } from '../../cache/sync.ts';
import { writeHotTokens, writeScores } from '../../cache/tokens.ts';
import type { Queryable } from '../../db/types.ts';
import { scoreToken, type TokenScore } from './formula.ts';
import { gatherScoreInputs, type ScoreToken } from './inputs.ts';
import { fetchMetadataFacts } from './metadata.ts';

export interface ScoreRunOptions {
  /** Score only this token (else every token traded in the last hour). */
  mint?: string | undefined;
  /** Time limit of each metadata fetch. */
  metadataTimeoutMs?: number;
}

/** Tokens to score: `mint`, or every token traded in the hour before `asOf`. */
async function scoreTargets(db: Queryable, asOf: Date, mint?: string): Promise<ScoreToken[]> {
  const res = await db.query<{ id: string; mint_address: string; name: string | null; symbol: string | null; uri: string | null; creator_address: string | null }>(
    `SELECT id, mint_address, name, symbol, uri, creator_address FROM tokens t
     WHERE ${mint ? 't.mint_address = $1' : `EXISTS (SELECT 1 FROM transactions x WHERE x.token_id = t.id
                                             AND x.block_time > $1::timestamptz - INTERVAL '1 hour' AND x.block_time <= $1)`}
     ORDER BY mint_address`,
    mint ? [mint] : [asOf],
  );
  return res.rows.map((r) => ({ tokenId: r.id, mint: r.mint_address, name: r.name ?? '', symbol: r.symbol ?? '', uri: r.uri ?? '', creator: r.creator_address }));
}

/** Stores one score row (history: every run adds a row). */
async function storeScore(db: Queryable, tokenId: string, asOf: Date, s: TokenScore): Promise<void> {
  await db.query(
    `INSERT INTO token_scores (token_id, calculated_at, technical_score, holder_score, social_score,
       liquidity_score, trading_score, distribution_score, score_details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)`,
    [tokenId, asOf, s.technical, s.holder, s.social, s.liquidity, s.trading, s.distribution, JSON.stringify(s.details)],
  );
}

/**
 * The scoring job: gathers each token's inputs at one `asOf`, scores them (docs/scoring.md), stores the
 * rows, then refreshes the scores and the hot set in the cache. Returns the scores by mint.
 */
export async function scoreTokens(db: Queryable, cache: Cache, opts: ScoreRunOptions = {}): Promise<Map<string, TokenScore>> {
  const asOf = (await db.query<{ now: Date }>('SELECT now() AS now')).rows[0]!.now;
  const out = new Map<string, TokenScore>();
  for (const token of await scoreTargets(db, asOf, opts.mint)) {
    const metadata = await fetchMetadataFacts(token.uri, { cache, timeoutMs: opts.metadataTimeoutMs });
    const score = scoreToken(await gatherScoreInputs(db, token, asOf, metadata));
    await storeScore(db, token.tokenId, asOf, score);
    out.set(token.mint, score);
  }
  if (out.size > 0) {
    await writeScores(cache, await loadLatestScores(db, [...out.keys()]));
    await writeHotTokens(cache, await loadHotTokens(db));
  }
  return out;
}
