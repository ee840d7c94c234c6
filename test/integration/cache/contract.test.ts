import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { cacheKeys, TTL } from '../../../src/cache/keys.ts';
import { MemoryCache } from '../../../src/cache/memory.ts';
import { openCache } from '../../../src/cache/open.ts';
import type { Cache } from '../../../src/cache/store.ts';
import { readHotTokens, readPrice, writeHotTokens, writePrices, type PriceSnapshot } from '../../../src/cache/tokens.ts';
import { log, setLogger } from '../../../src/core/logger.ts';
import { cacheRequests } from '../../../src/core/metrics.ts';
import { redisTestPrefix, TEST_REDIS_URL } from '../../helpers/redis.ts';

/** Real Redis (TEST_REDIS_URL or the local one) under a per-run prefix, removed afterwards. */
const redisUrl = TEST_REDIS_URL;
const prefix = redisTestPrefix();


const stores: Array<[string, () => Promise<Cache>]> = [
  ['redis', async () => {
    const c = await openCache({ redisUrl, keyPrefix: prefix });
    assert.equal(c.kind, 'redis', `Redis at ${redisUrl} must be reachable for the contract tests`);
    return c;
  }],
  ['memory', async () => new MemoryCache()],
];

async function counter(family: string, result: string): Promise<number> {
  const m = await cacheRequests.get();
  return m.values.find((v) => v.labels.family === family && v.labels.result === result)?.value ?? 0;
}

for (const [name, open] of stores) {
  describe(`Cache contract: ${name}`, () => {
    let cache: Cache;
    const k = (s: string) => `${name}:${s}`;

    test('strings: set, get, ttl, del', async () => {
      cache = await open();
      assert.equal(await cache.get(k('none')), null);
      assert.equal(await cache.ttl(k('none')), -2);
      await cache.set(k('a'), 'x', 30);
      assert.equal(await cache.get(k('a')), 'x');
      const ttl = await cache.ttl(k('a'));
      assert.ok(ttl === 30 || ttl === 29, `ttl ${ttl}`);
      await cache.setMany([{ key: k('b'), value: '1', ttlSeconds: 5 }, { key: k('c'), value: '2', ttlSeconds: 5 }]);
      assert.deepEqual([await cache.get(k('b')), await cache.get(k('c'))], ['1', '2']);
      assert.equal(await cache.del([k('a'), k('b'), k('none')]), 2);
      assert.equal(await cache.get(k('a')), null);
    });

    test('values and sorted sets expire after their TTL', async () => {
      await cache.set(k('short'), 'v', 1);
      await cache.zadd(k('zshort'), [{ member: 'm', score: 1 }], 1);
      assert.equal(await cache.get(k('short')), 'v');
      await sleep(1150);
      assert.equal(await cache.get(k('short')), null);
      assert.equal(await cache.ttl(k('short')), -2);
      assert.deepEqual(await cache.zrevrange(k('zshort'), 0, -1), []);
    });

    test('sorted sets: Redis ordering, ranges, updates, replace', async () => {
      const z = k('z');
      await cache.zadd(z, [{ member: 'a', score: 5 }, { member: 'b', score: 9 }, { member: 'c', score: 5 }, { member: 'd', score: 1 }], 60);
      // equal scores come in reverse member order (c before a), like ZREVRANGE
      assert.deepEqual((await cache.zrevrange(z, 0, -1)).map((m) => m.member), ['b', 'c', 'a', 'd']);
      assert.deepEqual(await cache.zrevrange(z, 1, 2), [{ member: 'c', score: 5 }, { member: 'a', score: 5 }]);
      assert.deepEqual((await cache.zrevrange(z, -2, -1)).map((m) => m.member), ['a', 'd']);
      assert.deepEqual(await cache.zrevrange(z, 5, 10), []);
      await cache.zadd(z, [{ member: 'd', score: 10.5 }], 60);
      assert.equal(await cache.zscore(z, 'd'), 10.5);
      assert.equal(await cache.zscore(z, 'nope'), null);
      assert.equal((await cache.zrevrange(z, 0, 0))[0]!.member, 'd');
      assert.ok((await cache.ttl(z)) > 55);
      await cache.zreplace(z, [{ member: 'x', score: 1 }], 60);
      assert.deepEqual(await cache.zrevrange(z, 0, -1), [{ member: 'x', score: 1 }]);
      await cache.zreplace(z, [], 60);
      assert.equal(await cache.ttl(z), -2);
    });

    test('type errors match', async () => {
      await cache.set(k('str'), 'v', 30);
      await assert.rejects(cache.zrevrange(k('str'), 0, -1), /WRONGTYPE/);
      await cache.zadd(k('zz'), [{ member: 'm', score: 1 }], 30);
      await assert.rejects(cache.get(k('zz')), /WRONGTYPE/);
    });

    test('read-through counts hits and misses and fills the cache', async () => {
      const mint = `${name}Mint${randomBytes(4).toString('hex')}`;
      const snapshot: PriceSnapshot = {
        price: '0.000000031234567891', volume_1h: '12345678901234567890', change_1h: '-3.25',
        last_trade: { signature: 'sig', side: 'buy', block_time: '2026-01-01T00:00:00.000Z', sol_amount: '1', token_amount: '2' },
      };
      const [hits0, misses0] = [await counter('price', 'hit'), await counter('price', 'miss')];
      let loads = 0;
      const load = async () => {
        loads += 1;
        return snapshot;
      };
      assert.deepEqual(await readPrice(cache, mint, load), snapshot);
      assert.deepEqual(await readPrice(cache, mint, load), snapshot);
      assert.deepEqual(await readPrice(cache, mint, load), snapshot);
      assert.equal(loads, 1);
      assert.deepEqual([(await counter('price', 'hit')) - hits0, (await counter('price', 'miss')) - misses0], [2, 1]);
      const ttl = await cache.ttl(cacheKeys.price(mint));
      assert.ok(ttl <= TTL.price && ttl >= TTL.price - 1);
      // a null load is not cached
      assert.equal(await readPrice(cache, `${mint}-absent`, async () => null), null);
      assert.equal(await cache.get(cacheKeys.price(`${mint}-absent`)), null);
      await writePrices(cache, new Map([[mint, { ...snapshot, price: '2' }]]));
      assert.equal((await readPrice(cache, mint, load))?.price, '2');
    });

    test('hot set: refilled on a miss, served on a hit, 60 s life', async () => {
      await cache.del([cacheKeys.hot]);
      const hits0 = await counter('hot', 'hit');
      const top = await readHotTokens(cache, 2, async () => [{ member: 'M1', score: 900 }, { member: 'M2', score: 500 }, { member: 'M3', score: 100 }]);
      assert.deepEqual(top.map((m) => m.member), ['M1', 'M2']);
      assert.ok((await cache.ttl(cacheKeys.hot)) > TTL.hot - 2);
      await writeHotTokens(cache, [{ member: 'M3', score: 999 }]);
      const again = await readHotTokens(cache, 5, async () => assert.fail('a hit must not load'));
      assert.deepEqual(again, [{ member: 'M3', score: 999 }]);
      assert.equal((await counter('hot', 'hit')) - hits0, 1);
      await cache.close();
    });
  });
}

test('an unreachable Redis falls back to the in-process store and says so once', async () => {
  const lines: string[] = [];
  const previous = log();
  setLogger(pino({ level: 'warn' }, new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } })));
  try {
    const a = await openCache({ redisUrl: 'redis://127.0.0.1:1', connectTimeoutMs: 500 });
    const b = await openCache({ redisUrl: undefined });
    assert.equal(a.kind, 'memory');
    assert.equal(b.kind, 'memory');
    await a.set('k', 'v', 10);
    assert.equal(await a.get('k'), 'v');
    assert.equal(lines.filter((l) => l.includes('CACHE FALLBACK')).length, 1);
  } finally {
    setLogger(previous);
  }
});
