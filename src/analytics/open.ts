import { openCache } from '../cache/open.ts';
import type { Cache } from '../cache/store.ts';
import type { Config } from '../config.ts';
import { openDb } from '../db/index.ts';
import type { Db } from '../db/types.ts';

export interface AnalyticsContext {
  db: Db;
  cache: Cache;
}

/** Opens the configured database for an analytics command, runs `fn`, closes it. */
export async function withDb<T>(config: Config, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Like {@link withDb}, with the configured cache as well. */
export function withAnalytics<T>(config: Config, fn: (ctx: AnalyticsContext) => Promise<T>): Promise<T> {
  return withDb(config, async (db) => {
    const cache = await openCache({ redisUrl: config.redisUrl });
    try {
      return await fn({ db, cache });
    } finally {
      await cache.close();
    }
  });
}
