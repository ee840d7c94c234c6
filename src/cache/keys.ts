/**
 * Every cache key and TTL, in one place (the seed's session 6). Readers, writers and the sync job build
 * keys only through these helpers, so a key's shape and lifetime cannot drift between them.
 */

/** Key families, also the `family` label of `megatron_cache_requests_total`. */
export type CacheFamily = 'price' | 'score' | 'hot' | 'trending' | 'metadata';

/** TTLs in seconds. */
export const TTL = {
  /** `price:current:{token}`: price, 1 h volume, 1 h change, last trade. */
  price: 30,
  /** `token:score:{token}`: the latest score. */
  score: 300,
  /** `tokens:hot` / `tokens:trending`: the sorted sets of top tokens by total score and by trending rank. */
  hot: 60,
  /** `meta:uri:{uri}`: a token's metadata JSON facts after a successful fetch… */
  metadata: 3600,
  /** …and after a failed one, so an unreachable host is not asked on every scoring run. */
  metadataFailure: 300,
} as const;

export const cacheKeys = {
  price: (mint: string) => `price:current:${mint}`,
  score: (mint: string) => `token:score:${mint}`,
  hot: 'tokens:hot',
  trending: 'tokens:trending',
  /** The sorted set of a rank. */
  ranked: (rank: TokenRank) => (rank === 'score' ? 'tokens:hot' : 'tokens:trending'),
  metadata: (uri: string) => `meta:uri:${uri}`,
} as const;

/** The two token rankings (docs/scoring.md): total score (the seed's hot set) and trending. */
export type TokenRank = 'score' | 'trending';

/** How many tokens the hot set (and the trending set) holds. */
export const HOT_SET_SIZE = 100;
