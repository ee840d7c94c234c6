/** A member of a sorted set with its score. */
export interface ScoredMember {
  member: string;
  score: number;
}

/** One `set` of a batch write. */
export interface CacheEntry {
  key: string;
  value: string;
  ttlSeconds: number;
}

/**
 * The small slice of Redis the cache needs. Two stores implement it with the same semantics (TTL
 * expiry, Redis ordering of sorted sets): {@link RedisCache} and {@link MemoryCache}. Keys passed in
 * are logical keys (see keys.ts); a store may prefix them.
 */
export interface Cache {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  /** Sets a string value that expires after `ttlSeconds`. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Sets many values in one round trip. */
  setMany(entries: CacheEntry[]): Promise<void>;
  del(keys: string[]): Promise<number>;
  /** Seconds to live as Redis TTL reports them: -2 missing, -1 no expiry. */
  ttl(key: string): Promise<number>;
  /** Adds or updates members and (re)sets the whole set's expiry (the seed's `updateHotTokens`). */
  zadd(key: string, members: ScoredMember[], ttlSeconds: number): Promise<void>;
  /** Atomically replaces the whole set and sets its expiry; an empty list deletes it. */
  zreplace(key: string, members: ScoredMember[], ttlSeconds: number): Promise<void>;
  /** Keeps only the `keep` highest members (Redis ZREMRANGEBYRANK key 0 -(keep+1)). */
  ztrim(key: string, keep: number): Promise<void>;
  /** Members by score descending (equal scores: member descending), inclusive range, negatives from the end. */
  zrevrange(key: string, start: number, stop: number): Promise<ScoredMember[]>;
  zscore(key: string, member: string): Promise<number | null>;
  close(): Promise<void>;
}
