import { Redis } from 'ioredis';
import { errorMessage } from '../core/errors.ts';
import { log } from '../core/logger.ts';
import { MemoryCache } from './memory.ts';
import { RedisCache } from './redis.ts';
import type { Cache } from './store.ts';

export interface OpenCacheOptions {
  redisUrl: string | undefined;
  /** Prefix for every key (tests use a unique one per run). */
  keyPrefix?: string;
  /** How long to wait for Redis before falling back to the in-process store. */
  connectTimeoutMs?: number;
}

let warnedFallback = false;

/**
 * Redis when `redisUrl` is set and answers, else the in-process store — said once per process, loudly,
 * because an in-process cache is not shared between the indexer and the API.
 */
export async function openCache(opts: OpenCacheOptions): Promise<Cache> {
  if (!opts.redisUrl) return fallback('REDIS_URL is not set');
  const redis = new Redis(opts.redisUrl, {
    lazyConnect: true,
    keyPrefix: opts.keyPrefix,
    connectTimeout: opts.connectTimeoutMs ?? 2000,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  redis.on('error', () => {}); // reconnects are ioredis' job; command failures reach the caller
  try {
    await redis.connect();
    await redis.ping();
    return new RedisCache(redis);
  } catch (err) {
    redis.disconnect();
    return fallback(`Redis unreachable: ${errorMessage(err)}`);
  }
}

function fallback(reason: string): Cache {
  if (!warnedFallback) {
    warnedFallback = true;
    log().warn({ reason }, 'CACHE FALLBACK: using the in-process cache store — it is NOT shared between processes');
  }
  return new MemoryCache();
}
