import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changeBp, scoreToken, SCORE_FORMULA_VERSION, type ScoreInputs } from '../../../src/analytics/scores/formula.ts';

const example = (): ScoreInputs => ({
  version: SCORE_FORMULA_VERSION,
  technical: {
    quoteDecimals: 9,
    realQuoteReserves: '5000000000', // 5 SOL → 40
    volumeQuote5m: '999999999', // 0.999999999 → ≥ 0.1 → 5
    volumeQuote1h: '10000000000', // 10 → 18
    trades5m: 5, // → 8
    trades1h: 24, // → 6
    uniqueTraders1h: 10, // → 18
    buys1h: 7,
    sells1h: 3, // 7000 bp → 30
    progressPct: '50.5', // floor(16.665) → 16
    priceNow: '0.000000031',
    price1hAgo: '0.000000028', // +1071 bp → 18
  },
  holder: {
    holders: 60, // → 40
    heldSupply: '1000000',
    top10Pct: '45.00', // → 32
    gini: '0.8000', // → 28 (limit inclusive)
    creatorBalance: '10000', // 100 bp → 43
    sniperWallets: 2,
    sniperBalance: '50001', // 500 bp (floor) → 30
    bundleWallets: 4,
    bundleBalance: '200000', // 2000 bp → 10
  },
  social: {
    name: 'Doge Coin', // 40
    symbol: 'DOGE', // 40
    uri: 'https://ipfs.io/ipfs/QmExample', // 53
    metadata: {
      status: 'ok',
      description: 'short', // 25
      image: 'http://example.org/i.png', // 25
      website: 'https://twitter.com/doge', // a twitter link is not a website → 0
      twitter: 'https://x.com/doge', // 30
      telegram: 'https://t.me/doge', // 30
    },
  },
});

test('hand-computed example', () => {
  const s = scoreToken(example());
  assert.deepEqual(s.details.components.technical, {
    liquidity: 40, volume5m: 5, volume1h: 18, trades5m: 8, trades1h: 6, uniqueTraders: 18, buySellBalance: 30, curveProgress: 16, momentum: 18,
  });
  assert.deepEqual(s.details.components.holder, { holderCount: 40, top10Share: 32, gini: 28, creator: 43, snipers: 30, bundles: 10 });
  assert.deepEqual(s.details.components.social, { name: 40, symbol: 40, uri: 53, description: 25, image: 25, website: 0, twitter: 30, telegram: 30 });
  assert.deepEqual([s.technical, s.holder, s.social, s.total], [159, 183, 243, 585]);
  assert.deepEqual([s.liquidity, s.trading, s.distribution], [40, 103, 60]);
});

test('maximum inputs give 333 per part, empty inputs give 0', () => {
  const best = example();
  Object.assign(best.technical, {
    realQuoteReserves: '85000000000', volumeQuote5m: '20000000000', volumeQuote1h: '200000000000', trades5m: 50, trades1h: 300,
    uniqueTraders1h: 100, buys1h: 6, sells1h: 4, progressPct: '100', priceNow: '2', price1hAgo: '1',
  });
  Object.assign(best.holder, { holders: 1000, top10Pct: '20.00', gini: '0.5000', creatorBalance: '0', sniperBalance: '0', bundleBalance: '0' });
  Object.assign(best.social.metadata, { description: 'A description long enough', image: 'ipfs://QmImage', website: 'https://doge.example' });
  const s = scoreToken(best);
  assert.deepEqual([s.technical, s.holder, s.social, s.total], [333, 333, 333, 999]);

  const none: ScoreInputs = {
    version: SCORE_FORMULA_VERSION,
    technical: {
      quoteDecimals: 9, realQuoteReserves: null, volumeQuote5m: '0', volumeQuote1h: '0', trades5m: 0, trades1h: 0, uniqueTraders1h: 0,
      buys1h: 0, sells1h: 0, progressPct: null, priceNow: null, price1hAgo: null,
    },
    holder: { holders: 0, heldSupply: '0', top10Pct: '0.00', gini: '0.0000', creatorBalance: '0', sniperWallets: 0, sniperBalance: '0', bundleWallets: 0, bundleBalance: '0' },
    social: { name: '', symbol: '', uri: '', metadata: { status: 'no_uri', description: null, image: null, website: null, twitter: null, telegram: null } },
  };
  assert.deepEqual([scoreToken(none).technical, scoreToken(none).holder, scoreToken(none).social], [0, 0, 0]);
});

test('thresholds, bands and momentum boundaries are exact', () => {
  assert.equal(changeBp('0.5', '1'), -5000n);
  assert.equal(changeBp('0.49999', '1'), -5001n); // floor, not truncation
  assert.equal(changeBp('1', '0'), null);
  const at = (patch: Partial<ScoreInputs['technical']>) => scoreToken({ ...example(), technical: { ...example().technical, ...patch } }).details.components.technical;
  assert.equal(at({ priceNow: '0.5', price1hAgo: '1' }).momentum, 5);
  assert.equal(at({ priceNow: '0.49999', price1hAgo: '1' }).momentum, 0);
  assert.equal(at({ realQuoteReserves: '499999999' }).liquidity, 0);
  assert.equal(at({ realQuoteReserves: '500000000' }).liquidity, 10);
  assert.equal(at({ buys1h: 5, sells1h: 5 }).buySellBalance, 30);
  assert.equal(at({ buys1h: 9, sells1h: 1 }).buySellBalance, 10);
  assert.equal(at({ buys1h: 1, sells1h: 0 }).buySellBalance, 0);
  assert.equal(at({ progressPct: '150' }).curveProgress, 33);
  assert.equal(at({ quoteDecimals: 6, realQuoteReserves: '5000000' }).liquidity, 40, 'thresholds follow the quote decimals');
  const social = (name: string, symbol: string) => scoreToken({ ...example(), social: { ...example().social, name, symbol } }).details.components.social;
  assert.equal(social('a\u0000b', 'D').name, 10);
  assert.equal(social('x'.repeat(33), 'D').name, 20);
  assert.equal(social('X', 'DOGE COIN').symbol, 20);
});

test('the stored details reproduce the score', () => {
  const first = scoreToken(example());
  const stored = JSON.parse(JSON.stringify(first.details)) as typeof first.details;
  assert.deepEqual(scoreToken(stored.inputs), first);
  assert.throws(() => scoreToken({ ...example(), version: 99 }), /version 99/);
});
