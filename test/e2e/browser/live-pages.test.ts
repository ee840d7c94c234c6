import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { TokenCreatedEvent, TradeEvent } from '../../../src/core/events.ts';
import { key, signature, syntheticMarket, SOL_MINT } from '../api/market.ts';
import { ARTIFACTS, chromiumMissing, dashboardSession } from './chromium.ts';

/**
 * Live pages (issue #12): with a page open, events published on the live feed reach it over `/stream`
 * without a reload — the token page's trades table and last candle, the markets page's new-launches list
 * and hot set (re-read, throttled, with the chosen `rank`).
 */
const skip = chromiumMissing;

interface Candle {
  time: number;
  open: string;
  volume_quote: string;
}

describe('live pages in Chromium', { skip }, () => {
  const session = dashboardSession(() => syntheticMarket({ tokens: 12, tradesPerToken: 60 }));
  const { pageErrors } = session;
  const open = (hash: string) => session.open(hash, { waitLive: true });

  const trade = (t: TradeEvent, o: { price: string; sol: bigint; blockTime: number; side: 'buy' | 'sell' }): TradeEvent => ({
    ...t, signature: signature(), user: key(), priceSol: o.price, solAmount: o.sol, blockTime: o.blockTime, side: o.side,
  });
  const launch = (symbol: string, mint = key()): TokenCreatedEvent => ({
    type: 'token_created', program: 'pumpfun', signature: signature(), slot: 1, blockTime: Math.floor(Date.now() / 1000), ixIndex: 0, innerIxIndex: -1,
    mint, name: `${symbol} live`, symbol, uri: '', creator: key(), user: key(), bondingCurve: key(), quoteMint: SOL_MINT, tokenProgram: null,
    decimals: 6, totalSupply: null, virtualTokenReserves: null, virtualSolReserves: null, realTokenReserves: null, isMayhemMode: null, ixName: 'create',
  });
  /** What the page shows for a transaction signature (format.js shortAddr(sig, 5)). */
  const shortSig = (s: string) => `${s.slice(0, 5)}…${s.slice(-5)}`;

  test('token page: a live trade prepends to the trades table and moves the last candle; the next bucket opens a new candle', async () => {
    const tok = session.api.market.tokens[2]!;
    const { data } = (await (await fetch(`${session.base}/tokens/${tok.mint}/candles?tf=1m`)).json()) as { data: Candle[] };
    const last = data.at(-1)!;
    const page = await open(`#/token/${tok.mint}`);
    const rows = page.locator('#trades tbody tr');
    await page.locator('#trades tbody tr.buy, #trades tbody tr.sell').nth(49).waitFor();
    const legend = (k: string) => page.locator(`#legend b[data-k="${k}"]`);
    await legend('C').waitFor();
    const openBefore = await legend('O').textContent();
    const volBefore = await legend('V').textContent();
    assert.equal(volBefore, (Number(last.volume_quote) / 1e9).toFixed(2), 'the legend shows the API’s last candle');

    // Same minute as the last candle, far above its high: the candle's high and close move, volume grows, open stays.
    const a = trade(tok.trades[0]!, { price: '0.0000000987654321', sol: 2_500_000_000n, blockTime: last.time + 30, side: 'buy' });
    await session.api.feed.publish([a]);
    await rows.first().filter({ hasText: shortSig(a.signature) }).filter({ hasText: '0.0₇9876' }).waitFor();
    await legend('C').filter({ hasText: '0.0₇9876' }).waitFor();
    assert.equal(await legend('H').textContent(), '0.0₇9876');
    assert.equal(await legend('O').textContent(), openBefore);
    assert.equal(await legend('V').textContent(), (Number(last.volume_quote) / 1e9 + 2.5).toFixed(2));
    assert.equal(await page.locator('#head-price').textContent(), '0.0₇987654');

    // The next minute: a new candle whose open, high, low and close are this trade's price, its volume this trade's.
    const b = trade(tok.trades[0]!, { price: '0.00000001234567', sol: 750_000_000n, blockTime: last.time + 65, side: 'sell' });
    await session.api.feed.publish([b]);
    await legend('O').filter({ hasText: '0.0₇1234' }).waitFor();
    for (const k of ['H', 'L', 'C']) assert.equal(await legend(k).textContent(), '0.0₇1234', k);
    assert.equal(await legend('V').textContent(), '0.75');
    await rows.first().filter({ hasText: shortSig(b.signature) }).waitFor();
    assert.equal(await rows.first().locator('.side').textContent(), 'SELL');
    assert.match((await rows.nth(1).textContent()) ?? '', new RegExp(shortSig(a.signature)));
    assert.equal(await rows.count(), 52);

    // Another token's trade changes nothing here.
    const other = trade(session.api.market.tokens[3]!.trades[0]!, { price: '0.000000055', sol: 1_000_000_000n, blockTime: last.time + 70, side: 'buy' });
    const c = trade(tok.trades[0]!, { price: '0.00000001111', sol: 250_000_000n, blockTime: last.time + 80, side: 'sell' });
    await session.api.feed.publish([other, c]);
    await legend('C').filter({ hasText: '0.0₇1111' }).waitFor();
    assert.equal(await legend('H').textContent(), '0.0₇1234');
    assert.equal(await legend('V').textContent(), '1.00');
    assert.equal(await rows.count(), 53);
    await page.screenshot({ path: path.join(ARTIFACTS, 'live-pages-token.png'), fullPage: true });
    await page.close();
  });

  test('markets page: live launches join the new list once each; the hot set follows the rank toggle and re-reads on trades', async () => {
    const page = await open('#/');
    await page.locator('#hot tbody tr[data-mint]').nth(9).waitFor();
    await page.locator('#launches li').nth(11).waitFor();
    const first = page.locator('#launches li').first();

    const l1 = launch('LIVEA');
    await session.api.feed.publish([l1]);
    await first.filter({ hasText: 'LIVEA' }).waitFor();
    assert.equal(await first.getAttribute('data-mint'), l1.mint);
    // A repeat of a launch already listed is skipped; the feed is ordered, so once the next one shows, the repeat was seen.
    await session.api.feed.publish([{ ...l1, signature: signature() }]);
    await session.api.feed.publish([launch('LIVEB')]);
    await first.filter({ hasText: 'LIVEB' }).waitFor();
    assert.equal(await page.locator(`#launches li[data-mint="${l1.mint}"]`).count(), 1);
    assert.equal(await page.locator('#launches li').count(), 14);

    const hotMint = (await page.locator('#hot tbody tr[data-mint]').first().getAttribute('data-mint'))!;
    const hotToken = session.api.market.tokens.find((t) => t.mint === hotMint)!;

    // The rank toggle re-reads the hot set with rank=trending.
    const trending = page.waitForResponse((r) => r.url().includes('/tokens/hot?') && r.url().includes('rank=trending'));
    await page.click('#hot-rank button[data-rank="trending"]');
    assert.equal((await trending).status(), 200);
    await page.locator('#hot-rank button.active[data-rank="trending"]').waitFor();

    // A burst of trades: the hot set is re-read once, with the chosen rank, within the throttle window (long before the 30 s poll).
    const publishedAt = Date.now();
    const reread = page.waitForRequest((r) => r.url().includes('/tokens/hot?') && r.url().includes('rank=trending'), { timeout: 5000 });
    const now = Math.floor(Date.now() / 1000);
    await session.api.feed.publish([0, 1, 2].map((i) => trade(hotToken.trades[i]!, { price: '0.00000004321987654321', sol: 100_000_000n, blockTime: now, side: 'buy' })));
    assert.equal((await (await reread).response())?.status(), 200);
    assert.ok(Date.now() - publishedAt < 5000);

    const score = page.waitForResponse((r) => r.url().includes('/tokens/hot?') && r.url().includes('rank=score'));
    await page.click('#hot-rank button[data-rank="score"]');
    assert.equal((await score).status(), 200);
    await page.locator(`#hot tr[data-mint="${hotMint}"]`).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'live-pages-markets.png'), fullPage: true });
    await page.close();
  });

  test('no page raised a script error or failed a request', () => {
    assert.deepEqual(pageErrors, []);
  });
});
