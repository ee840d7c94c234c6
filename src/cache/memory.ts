import type { Cache, CacheEntry, ScoredMember } from './store.ts';

interface Entry {
  value: string | Map<string, number>;
  expiresAt: number;
}

/**
 * The in-process {@link Cache}: what runs when Redis is absent. Expiry is lazy (checked on access), as
 * observable behaviour only needs a key to be gone once its TTL has passed.
 */
export class MemoryCache implements Cache {
  readonly kind = 'memory';
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  private live(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (e && e.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  private sortedSet(key: string): Map<string, number> | undefined {
    const e = this.live(key);
    if (e && typeof e.value === 'string') throw new Error('WRONGTYPE Operation against a key holding the wrong kind of value');
    return e?.value as Map<string, number> | undefined;
  }

  async get(key: string): Promise<string | null> {
    const e = this.live(key);
    if (e && typeof e.value !== 'string') throw new Error('WRONGTYPE Operation against a key holding the wrong kind of value');
    return e ? (e.value as string) : null;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 });
  }

  async setMany(entries: CacheEntry[]): Promise<void> {
    for (const e of entries) await this.set(e.key, e.value, e.ttlSeconds);
  }

  async del(keys: string[]): Promise<number> {
    let n = 0;
    for (const k of keys) if (this.live(k) && this.entries.delete(k)) n += 1;
    return n;
  }

  async ttl(key: string): Promise<number> {
    const e = this.live(key);
    return e ? Math.round((e.expiresAt - this.now()) / 1000) : -2;
  }

  async zadd(key: string, members: ScoredMember[], ttlSeconds: number): Promise<void> {
    const set = this.sortedSet(key) ?? new Map<string, number>();
    for (const m of members) set.set(m.member, m.score);
    if (set.size > 0) this.entries.set(key, { value: set, expiresAt: this.now() + ttlSeconds * 1000 });
  }

  async zreplace(key: string, members: ScoredMember[], ttlSeconds: number): Promise<void> {
    this.entries.delete(key);
    await this.zadd(key, members, ttlSeconds);
  }

  async ztrim(key: string, keep: number): Promise<void> {
    const set = this.sortedSet(key);
    if (!set || set.size <= keep) return;
    const kept = new Set((await this.zrevrange(key, 0, keep - 1)).map((m) => m.member));
    for (const member of [...set.keys()]) if (!kept.has(member)) set.delete(member);
  }

  async zrevrange(key: string, start: number, stop: number): Promise<ScoredMember[]> {
    const set = this.sortedSet(key);
    if (!set) return [];
    const sorted = [...set].map(([member, score]) => ({ member, score }));
    // Redis orders equal scores by member bytes; reversed for ZREVRANGE
    sorted.sort((a, b) => (a.score !== b.score ? b.score - a.score : a.member < b.member ? 1 : a.member > b.member ? -1 : 0));
    const len = sorted.length;
    const from = Math.max(start < 0 ? len + start : start, 0);
    const to = Math.min(stop < 0 ? len + stop : stop, len - 1);
    return from > to ? [] : sorted.slice(from, to + 1);
  }

  async zscore(key: string, member: string): Promise<number | null> {
    return this.sortedSet(key)?.get(member) ?? null;
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}
