import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scoreTokens } from '../../../src/analytics/scores/run.ts';
import { MemoryCache } from '../../../src/cache/memory.ts';
import { loadHotTokens, loadPriceSnapshots, syncCache } from '../../../src/cache/sync.ts';
import { readHotTokens, readPrice } from '../../../src/cache/tokens.ts';
import { cacheRequests } from '../../../src/core/metrics.ts';
import { EventWriter } from '../../../src/db/writer.ts';
import { DB_TARGETS, openTestDb } from '../../helpers/db.ts';
import { market, rng, traffic } from '../analytics/traffic.ts';

async function counts(family: string): Promise<[number, number]> {
  const v = (await cacheRequests.get()).values;
  const get = (result: string) => v.find((x) => x.labels.family === family && x.labels.result === result)?.value ?? 0;
  return [get('hit'), get('miss')];
}

/**
 * Ten simulated minutes of readers against the cache (in-process store on a virtual clock, so TTLs
 * elapse without waiting) over an hour of stored traffic: 20 price reads per second over 20 tokens
 * (skewed to the first ones) and one hot-set read per second; with the cache_sync job every 15 s, and
 * with read-through alone.
 */
test('measured hit rate for prices and the hot set', async () => {
  const db = await openTestDb(DB_TARGETS[0]!);
  try {
    const markets = Array.from({ length: 20 }, market);
    const t0 = Math.floor(Date.now() / 1000);
    await new EventWriter(db).transaction((w) => w.insertTrades(traffic(markets, t0 - 3600, t0 - 5, 30, 5)));
    const results: Array<[string, number, number]> = [];
    for (const syncEvery of [15, 0]) {
      let clock = Date.now();
      const cache = new MemoryCache(() => clock);
      assert.equal((await scoreTokens(db, cache)).size, markets.length);
      const rand = rng(3);
      const [ph0, pm0] = await counts('price');
      const [hh0, hm0] = await counts('hot');
      for (let second = 0; second < 600; second++) {
        if (syncEvery > 0 && second % syncEvery === 0) await syncCache(db, cache);
        for (let i = 0; i < 20; i++) {
          const m = markets[Math.floor(rand() ** 2 * markets.length)]!.mint;
          assert.ok(await readPrice(cache, m, async () => (await loadPriceSnapshots(db, [m])).get(m) ?? null));
        }
        await readHotTokens(cache, 10, () => loadHotTokens(db));
        clock += 1000;
      }
      const [ph, pm] = await counts('price');
      const [hh, hm] = await counts('hot');
      const mode = syncEvery > 0 ? `sync ${syncEvery}s` : 'read-through';
      results.push([`price:current  ${mode}`, ph - ph0, pm - pm0], [`tokens:hot     ${mode}`, hh - hh0, hm - hm0]);
    }
    const rate = (h: number, m: number) => h / (h + m);
    console.log('key            mode           hits   misses  hit rate');
    for (const [name, h, m] of results) console.log(`${name.padEnd(29)} ${String(h).padStart(6)} ${String(m).padStart(8)}  ${(100 * rate(h, m)).toFixed(2)} %`);
    for (const [name, h, m] of results) assert.ok(rate(h, m) > 0.8, `${name}: seed target > 80 % hits on hot data`);
  } finally {
    await db.close();
  }
});
