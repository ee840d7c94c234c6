import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ARTIFACTS, chromiumMissing, dashboardSession } from './chromium.ts';
import { key, signature, syntheticMarket, SOL_MINT } from '../api/market.ts';

/**
 * The dashboard in Debian's Chromium (driven by playwright-core, which never downloads a browser) against
 * a running API over a database holding a simulated market. Each page is checked for real content and
 * saved as a screenshot in test-artifacts/.
 */
const skip = chromiumMissing;

describe('dashboard in Chromium', { skip }, () => {
  const session = dashboardSession(() => syntheticMarket({ tokens: 14, tradesPerToken: 80 }));
  const { pageErrors } = session;
  const open = (hash: string) => session.open(hash);

  test('markets: hot tokens with scores, launches feed and token list; live launch and trade arrive over SSE', async () => {
    const page = await open('#/');
    await page.locator('#hot tbody tr[data-mint]').nth(9).waitFor();
    const hotRows = await page.locator('#hot tbody tr[data-mint]').count();
    assert.ok(hotRows >= 10, `hot rows: ${hotRows}`);
    const firstScore = await page.locator('#hot tbody tr[data-mint] .score').first().textContent();
    assert.match(firstScore ?? '', /^\d+$/);
    assert.ok((await page.locator('#launches li').count()) >= 14);
    await page.locator('#all tbody tr[data-mint]').nth(13).waitFor();
    await page.locator('#live.live').waitFor();

    // Live: a launch is prepended to the feed; a trade on a hot token moves its price cell.
    const mint = key();
    await session.api.feed.publish([{
      type: 'token_created', program: 'pumpfun', signature: signature(), slot: 1, blockTime: Math.floor(Date.now() / 1000), ixIndex: 0, innerIxIndex: -1,
      mint, name: 'Live Launch', symbol: 'LIVE', uri: '', creator: key(), user: key(), bondingCurve: key(), quoteMint: SOL_MINT, tokenProgram: null,
      decimals: 6, totalSupply: null, virtualTokenReserves: null, virtualSolReserves: null, realTokenReserves: null, isMayhemMode: null, ixName: 'create',
    }]);
    await page.locator('#launches li').first().filter({ hasText: 'LIVE' }).waitFor();
    const hotMint = await page.locator('#hot tbody tr[data-mint]').first().getAttribute('data-mint');
    const hotToken = session.api.market.tokens.find((t) => t.mint === hotMint)!;
    await session.api.feed.publish([{ ...hotToken.trades[0]!, signature: signature(), priceSol: '0.00000004321987654321', blockTime: Math.floor(Date.now() / 1000) }]);
    await page.locator(`#hot tr[data-mint="${hotMint}"] .price`).filter({ hasText: '0.0₇4321' }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-markets.png'), fullPage: true });
    await page.close();
  });

  test('token page: candlestick chart with timeframe switch, trades, holders and score breakdown', async () => {
    const tok = session.api.market.tokens[1]!;
    const page = await open(`#/token/${tok.mint}`);
    await page.locator('#head h1').filter({ hasText: tok.symbol }).waitFor();
    await page.locator('#chart canvas').first().waitFor();
    await page.locator('#candle-count').filter({ hasText: /[1-9]\d* candles/ }).waitFor();
    assert.equal(await page.locator('#trades tbody tr.buy, #trades tbody tr.sell').count(), 50);
    await page.locator('#score .score-total b').waitFor();
    assert.match((await page.locator('#holders .kv').textContent()) ?? '', /Holders\s*\d+/);
    assert.ok((await page.locator('#holders table tbody tr').count()) >= 5);
    const price = await page.locator('#head-price').textContent();
    assert.match(price ?? '', /^0\.0[₀-₉]+\d+$/, `subscript price: ${price}`);
    for (const tf of ['5m', '1h', '1d', '1m']) {
      await page.click(`#tf button[data-tf="${tf}"]`);
      await page.locator(`#tf button.active[data-tf="${tf}"]`).waitFor();
      await page.locator('#candle-count').filter({ hasText: /[1-9]\d* candles/ }).waitFor();
    }
    await page.click('#tf button[data-tf="1m"]');
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-token.png'), fullPage: true });
    await page.close();
  });

  test('system page: ingest rate, lag, readiness, quarantine, cache, checkpoints and jobs', async () => {
    const page = await open('#/system');
    await page.locator('.cards .card').nth(11).waitFor();
    const text = (await page.locator('#sys').textContent()) ?? '';
    for (const label of ['Ingest', 'Lag', 'Ready', 'Quarantine', 'Trades 24h', 'Cache', 'Live feed', 'Checkpoints', 'Jobs']) assert.ok(text.includes(label), label);
    assert.match(text, /Trades 24h\s*1,120/);
    assert.match(text, /Checkpoints.*test\s*\d+/s, 'the checkpoint written with the market');
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-system.png'), fullPage: true });
    await page.close();
  });

  test('no page raised a script error or failed a request', () => {
    assert.deepEqual(pageErrors, []);
  });
});
