import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Cache } from '../cache/store.ts';
import { log } from '../core/logger.ts';
import type { Db } from '../db/types.ts';
import type { LiveFeed } from '../feed/live-feed.ts';
import { SqlApiData } from './data.ts';
import { buildServer, DEFAULT_RATE_LIMIT, type RateLimitOptions } from './server.ts';

export interface StartApiOptions {
  db: Db;
  cache: Cache;
  feed: LiveFeed;
  host: string;
  port: number;
  /** Requests per minute per client; 0 disables the limit. */
  rateLimitPerMinute?: number;
  /** Shared rate-limit counters (several API instances behind one address). */
  rateLimitRedis?: Redis;
  maxLagSeconds?: number;
}

export interface RunningApi {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** Starts the API + dashboard on `host:port` over an open database, cache and live feed (owned by the caller). */
export async function startApiServer(opts: StartApiOptions): Promise<RunningApi> {
  const perMinute = opts.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT.max;
  const rateLimit: RateLimitOptions | null =
    perMinute > 0 ? { max: perMinute, windowMs: 60_000, ...(opts.rateLimitRedis ? { redis: opts.rateLimitRedis } : {}) } : null;
  const data = new SqlApiData({ db: opts.db, cache: opts.cache, feed: opts.feed, maxLagSeconds: opts.maxLagSeconds ?? 60 });
  const app = await buildServer({ data, feed: opts.feed, rateLimit });
  const address = await app.listen({ host: opts.host, port: opts.port });
  log().info({ url: address, cache: opts.cache.kind, feed: opts.feed.mode, rateLimitPerMinute: perMinute }, 'api listening');
  return { app, url: address, close: () => app.close() };
}
