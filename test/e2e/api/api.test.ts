import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EventWriter } from '../../../src/db/writer.ts';
import { forEachDbTarget, openTestDb, type TestDb } from '../../helpers/db.ts';
import { storedPrice } from '../../helpers/prices.ts';
import { key, migrated, signature, tokenCreated, trade } from '../../integration/db/fixtures.ts';
import { startApi, type ApiHarness } from './harness.ts';

/** The API end to end on every database target: real rows written by the storage writers, real Redis cache. */
forEachDbTarget((target) => {
  let db: TestDb;
  let api: ApiHarness;
  const get = async (url: string) => {
    const res = await api.app.inject({ method: 'GET', url });
    return { status: res.statusCode, body: res.headers['content-type']?.toString().includes('json') ? res.json() : res.body, headers: res.headers };
  };

  before(async () => {
    db = await openTestDb(target);
    api = await startApi(db);
  });
  after(async () => {
    await api?.close();
    await db?.close();
  });

  test('GET /tokens lists every token newest first and pages through them with the cursor', async () => {
    const seen: string[] = [];
    let url = '/tokens?limit=4';
    for (let i = 0; i < 5 && url; i++) {
      const { status, body } = await get(url);
      assert.equal(status, 200);
      seen.push(...body.data.map((t: { mint: string }) => t.mint));
      url = body.next_cursor ? `/tokens?limit=4&cursor=${body.next_cursor}` : '';
    }
    const expected = api.market.tokens.map((t) => t.mint).reverse(); // launched in order, listed newest first
    assert.deepEqual(seen, expected);
  });

  test('GET /tokens filters by platform and graduation, sorts by volume and progress', async () => {
    const ll = (await get('/tokens?platform=launchlab')).body.data;
    assert.ok(ll.length > 0);
    assert.ok(ll.every((t: { platform: string }) => t.platform === 'launchlab'));
    const grad = (await get('/tokens?graduated=true')).body.data;
    assert.deepEqual(grad.map((t: { mint: string }) => t.mint), [api.market.tokens[0]!.mint]);
    for (const sort of ['volume', 'progress', 'score']) {
      const { status, body } = await get(`/tokens?sort=${sort}&limit=3`);
      assert.equal(status, 200, sort);
      assert.equal(body.data.length, 3);
      const next = await get(`/tokens?sort=${sort}&limit=3&cursor=${body.next_cursor}`);
      assert.equal(next.body.data.length, 3, `${sort}: second page`);
      const all = [...body.data, ...next.body.data].map((t: { mint: string }) => t.mint);
      assert.equal(new Set(all).size, 6, `${sort}: pages do not overlap`);
    }
    const vols = (await get('/tokens?sort=volume&limit=6')).body.data.map((t: { volume_24h_sol: string }) => Number(t.volume_24h_sol));
    assert.deepEqual(vols, [...vols].sort((a, b) => b - a));
  });

  test('GET /tokens/:mint returns exact figures: last price (15 significant digits), 24 h count, pools; price read through the cache', async () => {
    const tok = api.market.tokens[1]!;
    const last = tok.trades[tok.trades.length - 1]!;
    const first = await get(`/tokens/${tok.mint}`);
    assert.equal(first.status, 200);
    assert.equal(first.body.symbol, tok.symbol);
    assert.equal(first.body.trades_24h, tok.trades.length);
    assert.equal(first.body.price.price, storedPrice(last.priceSol));
    assert.equal(first.body.price.source, 'database');
    assert.equal(first.body.pools[0].address, tok.pool);
    const second = await get(`/tokens/${tok.mint}`);
    assert.equal(second.body.price.source, 'cache');
    assert.equal(second.body.price.price, first.body.price.price);
  });

  test('GET /tokens/:mint/trades pages newest first without gaps or repeats', async () => {
    const tok = api.market.tokens[2]!;
    const sigs: string[] = [];
    let cursor = '';
    do {
      const { status, body } = await get(`/tokens/${tok.mint}/trades?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(status, 200);
      sigs.push(...body.data.map((t: { signature: string }) => t.signature));
      cursor = body.next_cursor ?? '';
    } while (cursor);
    assert.deepEqual(sigs, tok.trades.map((t) => t.signature).reverse());
    const sells = (await get(`/tokens/${tok.mint}/trades?side=sell&limit=500`)).body.data;
    assert.equal(sells.length, tok.trades.filter((t) => t.side === 'sell').length);
  });

  test('GET /tokens/:mint/candles: OHLC of each bucket equals the raw trades (open/close by chain order)', async () => {
    const tok = api.market.tokens[3]!;
    const from = Math.min(...tok.trades.map((t) => t.blockTime!)) - 3600;
    const to = Math.floor(Date.now() / 1000) + 60;
    const { status, body } = await get(`/tokens/${tok.mint}/candles?tf=5m&from=${from}&to=${to}`);
    assert.equal(status, 200);
    const buckets = new Map<number, typeof tok.trades>();
    for (const t of tok.trades) {
      const b = t.blockTime! - (t.blockTime! % 300);
      buckets.set(b, [...(buckets.get(b) ?? []), t]);
    }
    assert.equal(body.data.length, buckets.size);
    for (const c of body.data) {
      const trades = buckets.get(c.time)!;
      assert.ok(trades, `bucket ${c.time}`);
      assert.equal(c.trades, trades.length);
      assert.equal(c.open, storedPrice(trades[0]!.priceSol));
      assert.equal(c.close, storedPrice(trades[trades.length - 1]!.priceSol));
      assert.equal(Number(c.high), Math.max(...trades.map((t) => Number(storedPrice(t.priceSol)))));
      assert.equal(c.volume_quote, trades.reduce((a, t) => a + t.solAmount, 0n).toString());
    }
    for (const tf of ['1m', '1h', '1d']) assert.equal((await get(`/tokens/${tok.mint}/candles?tf=${tf}`)).status, 200);
  });

  test('holders: latest snapshot and top holders from exact balances, largest first', async () => {
    const tok = api.market.tokens[1]!;
    const { status, body } = await get(`/tokens/${tok.mint}/holders?limit=5`);
    assert.equal(status, 200);
    const buys = tok.trades.filter((t) => t.side === 'buy').sort((a, b) => (b.tokenAmount > a.tokenAmount ? 1 : -1));
    assert.equal(body.snapshot.total_holders, buys.length);
    assert.deepEqual(body.top.map((h: { owner: string }) => h.owner), buys.slice(0, 5).map((t) => t.user));
    assert.equal(body.top[0].amount, buys[0]!.tokenAmount.toString());
  });

  test('scores and the hot set come from the scoring run (hot set served from the cache)', async () => {
    const mint = api.market.tokens[0]!.mint;
    const scores = await get(`/tokens/${mint}/scores`);
    assert.equal(scores.status, 200);
    assert.equal(scores.body.data.length, 1);
    const s = scores.body.data[0];
    assert.equal(s.total, s.technical + s.holder + s.social);
    const hot = await get('/tokens/hot?limit=5');
    assert.equal(hot.status, 200);
    assert.equal(hot.body.data.length, 5);
    const totals = hot.body.data.map((t: { score: number }) => t.score);
    assert.deepEqual(totals, [...totals].sort((a, b) => b - a));
  });

  test('stats, health, ready and metrics answer', async () => {
    const stats = await get('/stats');
    assert.equal(stats.status, 200);
    assert.equal(stats.body.tokens.total, 6);
    assert.equal(stats.body.trades.last_24h, 6 * 40);
    assert.equal((await get('/health')).body.status, 'ok');
    const ready = await get('/ready');
    assert.equal(ready.status, 200);
    assert.equal(ready.body.ready, true);
    const metrics = await get('/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.body, /megatron_api_requests_total\{route="\/tokens\/:mint",method="GET",status="200"\}/);
  });

  // After the tests that count every token and trade of the shared market.
  test('a graduated token: /tokens/:mint says where it trades now, its pools and trades carry the venue', async () => {
    const [mint, curve, amm] = [key(), key(), key()];
    const t0 = Math.floor(Date.now() / 1000) - 600;
    const migrateSig = signature();
    await new EventWriter(db).transaction((w) => w.writeEvents([
      tokenCreated({ mint, bondingCurve: curve, blockTime: t0, slot: 10 }),
      trade({ mint, pool: curve, blockTime: t0 + 1, slot: 11, priceSol: '0.00000004' }),
      migrated({ mint, pool: curve, newPool: amm, signature: migrateSig, blockTime: t0 + 60, slot: 12 }),
      {
        type: 'amm_pool_created', program: 'pumpfun', venue: 'pumpswap', pool: amm, mint, quoteMint: 'So11111111111111111111111111111111111111112',
        lpMint: key(), creator: key(), baseAmount: 206_900_000_000_000n, quoteAmount: 84_990_359_056n, baseDecimals: 6, quoteDecimals: 9,
        baseVault: key(), quoteVault: key(), ixName: 'create_pool', signature: migrateSig, slot: 12, blockTime: t0 + 60, ixIndex: 0, innerIxIndex: 3,
      },
    ]));
    // Migrated, no AMM trade yet: it trades on the new pool already (priced by its initial liquidity).
    const before = (await get(`/tokens/${mint}`)).body;
    assert.deepEqual([before.graduated, before.venue, before.pool], [true, 'pumpswap', amm]);
    assert.deepEqual(before.pools.map((p: { venue: string; address: string; migrated_to_pool: string | null }) => [p.venue, p.address, p.migrated_to_pool]), [['curve', curve, amm], ['pumpswap', amm, null]]);
    await new EventWriter(db).transaction((w) => w.writeEvents([trade({ mint, venue: 'pumpswap', pool: amm, blockTime: t0 + 120, slot: 13, progressPct: null, priceSol: '0.00000041' })]));
    await new Promise((r) => setTimeout(r, 1100)); // the API memoizes a token for a second
    const now = (await get(`/tokens/${mint}`)).body;
    assert.deepEqual([now.venue, now.pool, now.price_sol], ['pumpswap', amm, '0.00000041']);
    const trades = (await get(`/tokens/${mint}/trades?limit=10`)).body.data;
    assert.deepEqual(trades.map((t: { venue: string; pool: string }) => [t.venue, t.pool]), [['pumpswap', amm], ['curve', curve]]);
    const listed = (await get('/tokens?graduated=true&limit=200')).body.data.find((t: { mint: string }) => t.mint === mint);
    assert.equal(listed.venue, 'pumpswap');
  });

  test('unknown mints are 404 JSON on every per-token route', async () => {
    const unknown = '11111111111111111111111111111111';
    for (const suffix of ['', '/candles', '/trades', '/holders', '/scores']) {
      const r = await get(`/tokens/${unknown}${suffix}`);
      assert.equal(r.status, 404, suffix);
      assert.equal(r.body.error, 'not_found');
    }
  });
});
