import type { Redis } from 'ioredis';
import type { Cache, CacheEntry, ScoredMember } from './store.ts';

/** Pairs `[member, score, member, score…]` from a WITHSCORES reply. */
function pairs(reply: string[]): ScoredMember[] {
  const out: ScoredMember[] = [];
  for (let i = 0; i + 1 < reply.length; i += 2) out.push({ member: reply[i]!, score: Number(reply[i + 1]) });
  return out;
}

/** The Redis {@link Cache}. Key prefixes are the client's (`keyPrefix`), so tests can isolate a run. */
export class RedisCache implements Cache {
  readonly kind = 'redis';

  constructor(private readonly redis: Redis) {}

  async get(key: string): Promise<string | null> {
    return this.redis.get(key);
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(key, value, 'EX', ttlSeconds);
  }

  async setMany(entries: CacheEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const p = this.redis.pipeline();
    for (const e of entries) p.set(e.key, e.value, 'EX', e.ttlSeconds);
    await execOrThrow(p.exec());
  }

  async del(keys: string[]): Promise<number> {
    return keys.length === 0 ? 0 : this.redis.del(...keys);
  }

  async ttl(key: string): Promise<number> {
    return this.redis.ttl(key);
  }

  async zadd(key: string, members: ScoredMember[], ttlSeconds: number): Promise<void> {
    if (members.length === 0) return;
    await execOrThrow(this.redis.multi().zadd(key, ...flatten(members)).expire(key, ttlSeconds).exec());
  }

  async zreplace(key: string, members: ScoredMember[], ttlSeconds: number): Promise<void> {
    const m = this.redis.multi().del(key);
    if (members.length > 0) m.zadd(key, ...flatten(members)).expire(key, ttlSeconds);
    await execOrThrow(m.exec());
  }

  async ztrim(key: string, keep: number): Promise<void> {
    await this.redis.zremrangebyrank(key, 0, -(keep + 1));
  }

  async zrevrange(key: string, start: number, stop: number): Promise<ScoredMember[]> {
    return pairs(await this.redis.zrevrange(key, start, stop, 'WITHSCORES'));
  }

  async zscore(key: string, member: string): Promise<number | null> {
    const s = await this.redis.zscore(key, member);
    return s === null ? null : Number(s);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

function flatten(members: ScoredMember[]): Array<string | number> {
  return members.flatMap((m) => [m.score, m.member]);
}

/** Pipelines and transactions report per-command errors in their reply instead of rejecting. */
async function execOrThrow(reply: Promise<Array<[Error | null, unknown]> | null>): Promise<void> {
  const results = await reply;
  if (results === null) throw new Error('Redis transaction aborted');
  const failed = results.find(([err]) => err !== null);
  if (failed) throw failed[0];
}
