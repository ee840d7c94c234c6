import { errorMessage } from '../core/errors.ts';
import { log } from '../core/logger.ts';
import { cacheRequests } from '../core/metrics.ts';
import { cacheKeys, HOT_SET_SIZE, TTL, type CacheFamily, type TokenRank } from './keys.ts';
import type { Cache, ScoredMember } from './store.ts';

/** `price:current:{token}` — the seed's field names. Amounts are decimal strings (exact). */
export interface PriceSnapshot {
  /** Quote per whole token after the last trade. */
  price: string;
  /** Quote volume of the last hour, base units. */
  volume_1h: string;
  /** Price change over the last hour in percent (decimal string); null without an hour-old price. */
  change_1h: string | null;
  last_trade: { signature: string; side: 'buy' | 'sell'; block_time: string; sol_amount: string; token_amount: string };
}

/** `token:score:{token}`. */
export interface ScoreSnapshot {
  technical_score: number;
  holder_score: number;
  social_score: number;
  total_score: number;
  last_updated: string;
  /** Newest slot of the committed data the score saw (null for scores stored before real-time analytics). */
  as_of_slot: number | null;
  /** The trending rank (0–1000, docs/scoring.md) computed with the score; null when unknown. */
  trending_score: number | null;
}

let warnedReadFailure = false;

/**
 * Read-through: a hit is returned from the cache; a miss (or an unreadable cache) calls `load` and
 * stores its non-null result for `ttlSeconds` (or the TTL it picks for that value). Every read counts
 * as hit or miss.
 */
export async function readThrough<T>(
  cache: Cache,
  family: CacheFamily,
  key: string,
  ttlSeconds: number | ((value: T) => number),
  load: () => Promise<T | null>,
): Promise<T | null> {
  let cached: string | null = null;
  try {
    cached = await cache.get(key);
  } catch (err) {
    if (!warnedReadFailure) log().warn({ err: errorMessage(err), family }, 'cache read failed; reading from the database');
    warnedReadFailure = true;
  }
  if (cached !== null) {
    cacheRequests.inc({ family, result: 'hit' });
    return JSON.parse(cached) as T;
  }
  cacheRequests.inc({ family, result: 'miss' });
  const value = await load();
  const ttl = (v: T) => (typeof ttlSeconds === 'number' ? ttlSeconds : ttlSeconds(v));
  if (value !== null) await cache.set(key, JSON.stringify(value), ttl(value)).catch(() => undefined);
  return value;
}

/** Writes the current prices of many tokens at once (after each committed batch). */
export async function writePrices(cache: Cache, prices: ReadonlyMap<string, PriceSnapshot>): Promise<void> {
  await cache.setMany([...prices].map(([mint, p]) => ({ key: cacheKeys.price(mint), value: JSON.stringify(p), ttlSeconds: TTL.price })));
}

/** A token's current price, from the cache or else `load` (typically the database). */
export function readPrice(cache: Cache, mint: string, load: () => Promise<PriceSnapshot | null>): Promise<PriceSnapshot | null> {
  return readThrough(cache, 'price', cacheKeys.price(mint), TTL.price, load);
}

/** Writes the latest scores (after each scoring run). */
export async function writeScores(cache: Cache, scores: ReadonlyMap<string, ScoreSnapshot>): Promise<void> {
  await cache.setMany([...scores].map(([mint, s]) => ({ key: cacheKeys.score(mint), value: JSON.stringify(s), ttlSeconds: TTL.score })));
}

export function readScore(cache: Cache, mint: string, load: () => Promise<ScoreSnapshot | null>): Promise<ScoreSnapshot | null> {
  return readThrough(cache, 'score', cacheKeys.score(mint), TTL.score, load);
}

/** Replaces the hot set (mint → total score) or the trending set and restarts its 60 s life. */
export async function writeHotTokens(cache: Cache, members: ScoredMember[], rank: TokenRank = 'score'): Promise<void> {
  await cache.zreplace(cacheKeys.ranked(rank), members.slice(0, HOT_SET_SIZE), TTL.hot);
}

/**
 * Real-time path: updates the members that changed in both rankings (ZADD), keeps each set to its
 * HOT_SET_SIZE best and restarts their life; the periodic sync replaces the sets whole (repairs drift).
 */
export async function updateRankedTokens(cache: Cache, byScore: ScoredMember[], byTrending: ScoredMember[]): Promise<void> {
  for (const [rank, members] of [['score', byScore], ['trending', byTrending]] as const) {
    if (members.length === 0) continue;
    await cache.zadd(cacheKeys.ranked(rank), members, TTL.hot);
    await cache.ztrim(cacheKeys.ranked(rank), HOT_SET_SIZE);
  }
}

/** The `limit` best tokens of a ranking, highest first; on a miss `load` (highest first) refills the set. */
export async function readHotTokens(cache: Cache, limit: number, load: () => Promise<ScoredMember[]>, rank: TokenRank = 'score'): Promise<ScoredMember[]> {
  const key = cacheKeys.ranked(rank);
  const family = rank === 'score' ? 'hot' : 'trending';
  const cached = await cache.zrevrange(key, 0, limit - 1);
  if (cached.length > 0) {
    cacheRequests.inc({ family, result: 'hit' });
    return cached;
  }
  cacheRequests.inc({ family, result: 'miss' });
  await writeHotTokens(cache, await load(), rank);
  return cache.zrevrange(key, 0, limit - 1);
}
