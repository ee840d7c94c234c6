/**
 * Spec §9 test vectors (real mainnet payloads) and one synthetic payload per layout version. Expected values
 * are the spec's, not our output.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BorshError, BorshReader } from '../../../src/decoders/borsh.ts';
import { decodeLaunchLabTradeEvent, decodePoolCreateEvent } from '../../../src/decoders/launchlab/events.ts';
import { ratioToDecimal } from '../../../src/decoders/math.ts';
import { decodePumpCreateEvent, decodePumpTradeEvent } from '../../../src/decoders/pumpfun/events.ts';
import { Writer } from './writer.ts';

const fromLog = (b64: string) => new BorshReader(Uint8Array.from(Buffer.from(b64, 'base64')), 8);

describe('spec §9 vectors', () => {
  it('1: CreateEvent 2024 layout ends after user', () => {
    const e = decodePumpCreateEvent(fromLog('G3KpTd7rY3YFAAAANDQ0NDQFAAAANDQ0NDRDAAAAaHR0cHM6Ly9pcGZzLmlvL2lwZnMvUW1Xb21BUDhqSkxkNzNaTHlKbXJkSnFGQmhza1VySnkyVnBNR1JlTkJyMWdkR7Zis6PfVu5kKJvAYfPesL55QoFrqaygLpsk7BxbgrgPn0KsXE7lzrgqj1eysgV3XZ83iXIWTx4Xs10C3UjSCdTMg2jM0J1UQPhbqZQaX5IJNYhozv/ivJDyAN6mZt0QGw=='));
    assert.equal(e.name, '44444');
    assert.equal(e.symbol, '44444');
    assert.equal(e.uri, 'https://ipfs.io/ipfs/QmWomAP8jJLd73ZLyJmrdJqFBhskUrJy2VpMGReNBr1gdG');
    assert.equal(e.mint, 'DGxVcSTq8ECJsmiQfp1knvd6enuG9nJKdDihzSaFpump');
    assert.equal(e.bondingCurve, 'Bignq1ctYYtmHdoi1MUGx6wT3pRxZXoE1TAXBqTEG9ZD');
    assert.equal(e.user, 'EmLPb9Vpzj4NECQCR1nWShfxgeUjTXNzBjKXx6JiXLHp');
    assert.equal(e.creator, null);
    assert.equal(e.trailingBytes, 0);
  });

  it('2: CreateEvent 2026-08 layout', () => {
    const e = decodePumpCreateEvent(fromLog('G3KpTd7rY3YRAAAAQ1JFQVRPUiBDQSBJTiBCSU8GAAAATEFZT09PQAAAAGh0dHBzOi8vbWV0YS51eGVudG8uaW8vZGF0YS9lMDIxZTYyYy04OTMzLTQzMWUtYWNmOC1iNjI0YjkzZGJjMTdKP9ZAtdd1JmdxXOCCfJLqbBxRGxfm43Y2ltvkrYonL1pORA6jTVltxMffYQMXSGZCjcnvZrgAog3ONEtSkCszw/2KvDjqDbrQ71o78pNem7/Yyt1G5V1jNGitDHj/QSfD/Yq8OOoNutDvWjvyk16bv9jK3UblXWM0aK0MeP9BJ6fqgWoAAAAAABDYR+PPAwAArCP8BgAAAAB4xftR0QIAAIDGpH6NAwAG3fbh7nWP3hhCXbzkbM3athr8TYO5DSf+vfko2KGL/AABAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAArCP8BgAAAA=='));
    assert.equal(e.name, 'CREATOR CA IN BIO');
    assert.equal(e.symbol, 'LAYOOO');
    assert.equal(e.mint, '5zqdPMTRL6Vi1yV8FByN6Co3AZaarEcGpmQDEGf7pump');
    assert.equal(e.user, 'EC4jczFkc3kAMdq7msYuY81zLDW1xAmNnxahDbqDAqtr');
    assert.equal(e.creator, 'EC4jczFkc3kAMdq7msYuY81zLDW1xAmNnxahDbqDAqtr');
    assert.equal(e.timestamp, 1786899111n);
    assert.equal(e.virtualTokenReserves, 1073000000000000n);
    assert.equal(e.virtualSolReserves, 30000000000n);
    assert.equal(e.realTokenReserves, 793100000000000n);
    assert.equal(e.tokenTotalSupply, 1000000000000000n);
    assert.equal(e.tokenProgram, 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb');
    assert.equal(e.isMayhemMode, false);
    assert.equal(e.isCashbackEnabled, true);
    assert.equal(e.quoteMint, '11111111111111111111111111111111');
    assert.equal(e.virtualQuoteReserves, 30000000000n);
    assert.equal(e.trailingBytes, 0);
  });

  it('3: TradeEvent V1 sell', () => {
    const e = decodePumpTradeEvent(fromLog('vdt/007mYe6gL5m+fnIMUqrSdGMqJbH2Kr9QqW/HiDHFgqw3s2SQ+iftFQAAAAAAltbicwUAAAAA6d5AfAUxm4m9/DxrS46l+lH7VmUypjn1r9pbwM9cjXZ5vKFnAAAAAOiA8FgKAAAAy1RRVsOSAgDo1MxcAwAAAMu8PgoylAEA'));
    assert.deepEqual(
      [e.layout, e.mint, e.solAmount, e.tokenAmount, e.isBuy, e.user, e.timestamp],
      [1, 'BnJL8X2r2aJZaCC9X9K4YfTVWhwPd6ZXvUjaedWfdP29', 1436967n, 23419082390n, false, 'GjvZ9bRZL1kxnDF5uTEMpbsNVH7KsSxtiAcqt7xhRH3b', 1738652793n],
    );
    assert.deepEqual(
      [e.virtualSolReserves, e.virtualTokenReserves, e.realSolReserves, e.realTokenReserves],
      [44441829608n, 724317617870027n, 14441829608n, 444417617870027n],
    );
  });

  it('4: TradeEvent V1 first buy: sol_amount is the net reserve delta', () => {
    const e = decodePumpTradeEvent(fromLog('vdt/007mYe5SG4uB1u3SvpWW6pGhgPXsacdUMxAGmrn2IP07Yt1u/wCzP3EAAAAAolup/h86AAABStz3tma2JvBp30mCmjFgUtzF9L4iyK1Tm9W5VBdj+42uEu5nAAAAAABfY20HAAAAXrQuScOVAwAAsz9xAAAAAF4cHP0xlwIA'));
    assert.equal(e.solAmount, 1_900_000_000n);
    assert.equal(e.tokenAmount, 63909090909090n);
    assert.equal(e.virtualSolReserves, 30_000_000_000n + e.solAmount);
    assert.equal(e.realSolReserves, e.solAmount);
  });

  it('5: TradeEvent V6 mayhem buy_exact_sol_in', () => {
    const e = decodePumpTradeEvent(fromLog('vdt/007mYe4dGrPt6OFkOXJLs/aOoEOX7RLs6KKEjOubEFcitskwT+UZAQEAAAAAr5oxVHcAAAABxc/vyd/tlaoaxur5ahQ+fo0mxDVHgOGRHcky79uRpUENbddpAAAAANnjv0AHAAAAU1SYlk9dAwAC9AzdAAAAAFO8hUq+XgIA6JMUH7GOnxV02BDheOGeMGBOMXWqLkoy38hgByfRBwlfAAAAAAAAAEZxAgAAAAAAvNCU9woZvHz5LwHMkYwhcCpyDrOBWVZnh4V12TB6VMAeAAAAAAAAAHXFAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAAAGJ1eV9leGFjdF9zb2xfaW4BAAAAAAAAAAAAAAAAAAAAAA=='));
    assert.equal(e.layout, 6);
    assert.equal(e.feeBasisPoints, 95n);
    assert.equal(e.creatorFeeBasisPoints, 30n);
    assert.equal(e.ixName, 'buy_exact_sol_in');
    assert.equal(e.mayhemMode, true);
    assert.equal(e.cashback, 0n);
    assert.equal(e.trailingBytes, 0);
  });

  it('6: TradeEvent V9 with 8 trailing bytes', () => {
    const e = decodePumpTradeEvent(fromLog('vdt/007mYe56Dy5lvdCRFrxk8JtnES5kd6CtLk5zIT3sD+SUBuFqfwz8EAAAAAAAhnfZJAkAAAABEInemyEgse2GFTwHUjhVw7rZ5muUhkd3oy0uhI6dZKGv2cNqAAAAAD1lZggHAAAAEwPa+T3JAwA9uUIMAAAAABNrx62sygIA4ATIfOuY+lzkf4A4Bv0seUXSlSSVmuwA3tl4FPOPeEZfAAAAAAAAAE8pAAAAAAAAVUWwc0ZflyQFonzWh+WHbvFNu8cw16UrWpWZuwwit6geAAAAAAAAAAwNAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAAAGJ1eQAAAAAAAAAAAAAAAAAAAAAAiBMAAAAAAACnFAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAz8EAAAAAAAPWVmCAcAAAA9uUIMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=='));
    assert.equal(e.mint, '9DUAbiZbG14t2sjUa9sAuoPrskhE14EU1JwFMzstpump');
    assert.deepEqual([e.solAmount, e.tokenAmount, e.user], [1113100n, 39272937350n, '27ZTRxzCXD8rgjCPWxyFacppGReB5Vx4LcEiLd6WeD4C']);
    assert.deepEqual([e.virtualSolReserves, e.virtualTokenReserves, e.realSolReserves, e.realTokenReserves], [30205699389n, 1065692952134419n, 205699389n, 785792952134419n]);
    assert.deepEqual([e.fee, e.creator, e.creatorFee, e.ixName, e.buybackFee], [10575n, '6jsHhJk2vFGmRW5L12UQqBK9zgjewH8KRtqB7rogwX7u', 3340n, 'buy', 5287n]);
    assert.deepEqual([e.quoteMint, e.quoteAmount, e.virtualQuoteReserves, e.realQuoteReserves, e.holderRewards], ['11111111111111111111111111111111', 1113100n, 30205699389n, 205699389n, 0n]);
    assert.equal(e.layout, 8);
    assert.equal(e.trailingBytes, 8);
  });

  it('7: LaunchLab TradeEvent L3, CPI form', () => {
    const blob = Buffer.from('e445a52e51cb9a1dbddb7fd34ee661eef5e31a347d6c0ffb5c1019f78d2c2244f6c99c6e873d3928bf94d281f65888bf0078c5fb51d10200de740e3ee9cf0300d7af30fc060000005ba7ef1db2a002006c872c7f0f000000577b4148b3a00200f2a5427f0f0000001c69160000000000fcd3512a01000000590e0000000000005f39000000000000de020000000000000000000000000000000001', 'hex');
    const e = decodeLaunchLabTradeEvent(new BorshReader(Uint8Array.from(blob), 16));
    assert.equal(e.layout, 3);
    assert.equal(e.poolState, 'HYqjiMv2jVE41qMoBDXAE5SEeNcyaEQMaEuVHCuisB4A');
    assert.deepEqual([e.totalBaseSell, e.virtualBase, e.virtualQuote], [793100000000000n, 1073025605596382n, 30000852951n]);
    assert.deepEqual([e.realBaseBefore, e.realBaseAfter, e.realQuoteBefore, e.realQuoteAfter], [739636820289371n, 739641825262423n, 66558134124n, 66559583730n]);
    assert.deepEqual([e.amountIn, e.amountOut, e.protocolFee, e.platformFee, e.creatorFee, e.shareFee], [1468700n, 5004973052n, 3673n, 14687n, 734n, 0n]);
    assert.deepEqual([e.isBuy, e.poolStatus, e.exactIn], [true, 0, true]);
    assert.equal(e.realQuoteAfter - e.realQuoteBefore, 1468700n - 19094n);
  });

  it('8 and 9: LaunchLab TradeEvent L3, log form (buy; sell through Jupiter)', () => {
    const buy = decodeLaunchLabTradeEvent(fromLog('vdt/007mYe6tPHB4hrHrMVE/eGnGi2C/82Qd6gfKkWZsUGQoVywdJAB4xftR0QIA3nQOPunPAwDXrzD8BgAAABb6w2pqqQAAo2yidwEAAABYN7lWXcIAAL+KtbwBAAAAt8LORQAAAABCPfXr8hgAAEqtLAAAAAAA3AeGAAAAAAB17wgAAAAAAAAAAAAAAAAAAAAB'));
    assert.deepEqual([buy.poolState, buy.isBuy, buy.amountIn, buy.amountOut], ['CfEz76Xvsinnmwu3STMXsHrunXuP61RntKH2vtf6pdG7', true, 1171178167n, 27431619870018n]);
    assert.deepEqual([buy.protocolFee, buy.platformFee, buy.creatorFee, buy.shareFee, buy.poolStatus, buy.exactIn], [2927946n, 8783836n, 585589n, 0n, 0, true]);
    const sell = decodeLaunchLabTradeEvent(fromLog('vdt/007mYe4v729nUnxNTIPERAhplCfJfDf9y6UhzLaf2npUDDGGIwB4xftR0QIAY3EOPunPAwDbGfgGAQAAAJyTbxmx+AAA1uHtWQAAAAA2E3sOOPcAALpIN1kAAAAAZoD0CnkBAABsObQAAAAAAN50AAAAAAAAc9MBAAAAAABfFwAAAAAAAAAAAAAAAAAAAQAB'));
    assert.deepEqual([sell.poolState, sell.isBuy, sell.amountIn, sell.amountOut], ['4E7vL7FnDsdrUpqpJqb8C5q8JEoQAoaEKRS5pD6mjBWz', false, 1619386466406n, 11811180n]);
    assert.deepEqual([sell.realBaseBefore, sell.realBaseAfter, sell.realQuoteBefore, sell.realQuoteAfter], [273439519642524n, 271820133176118n, 1508762070n, 1496795322n]);
    assert.equal(sell.realQuoteBefore - sell.realQuoteAfter, 11811180n + 155568n);
  });
});

/** pump.fun TradeEvent groups in order (spec §2.4), each as bytes appended by one upgrade. */
function pumpTradeGroups(ixName: string): Array<(w: Writer) => void> {
  return [
    (w) => w.key(1).u64(5_000n).u64(7_000n).u8(1).key(2).i64(1_700_000_000n).u64(30_005_000n).u64(1_072_993_000n),
    (w) => w.u64(5_000n).u64(793_093_000n),
    (w) => w.key(3).u64(95n).u64(48n).key(4).u64(30n).u64(15n),
    (w) => w.u8(1).u64(0n).u64(0n).u64(0n).i64(0n),
    (w) => w.string(ixName),
    (w) => w.u8(0),
    (w) => w.u64(0n).u64(0n),
    (w) => w.u64(5000n).u64(24n).u32(1).key(5).u16(100).key(0).u64(5_000n).u64(30_005_000n).u64(5_000n),
    (w) => w.u64(0n).u64(0n),
  ];
}

describe('synthetic pump.fun TradeEvent per layout V0…V9', () => {
  const groups = pumpTradeGroups('buy');
  for (let version = 0; version <= 9; version++) {
    it(`V${version}`, () => {
      const w = new Writer();
      for (const g of groups.slice(0, Math.min(version, 8) + 1)) g(w);
      if (version === 9) w.u64(0n);
      const e = decodePumpTradeEvent(new BorshReader(w.bytes()));
      assert.equal(e.layout, Math.min(version, 8));
      assert.equal(e.trailingBytes, version === 9 ? 8 : 0);
      assert.equal(e.tokenAmount, 7_000n);
      assert.equal(e.realTokenReserves, version >= 1 ? 793_093_000n : null);
      assert.equal(e.fee, version >= 2 ? 48n : null);
      assert.equal(e.ixName, version >= 4 ? 'buy' : null);
      assert.equal(e.quoteAmount, version >= 7 ? 5_000n : null);
      assert.equal(e.holderRewards, version >= 8 ? 0n : null);
      // Cutting one byte lands inside a known field, except where it removes a whole 1-byte group (V5's
      // mayhem_mode: the previous layout remains) or shrinks V9's unknown tail.
      const cut = w.bytes().subarray(0, w.length - 1);
      if (version === 9) assert.equal(decodePumpTradeEvent(new BorshReader(cut)).trailingBytes, 7);
      else if (version === 5) assert.equal(decodePumpTradeEvent(new BorshReader(cut)).layout, 4);
      else assert.throws(() => decodePumpTradeEvent(new BorshReader(cut)), BorshError);
    });
  }
});

describe('synthetic pump.fun CreateEvent versions', () => {
  const base = (w: Writer) => w.string('Name').string('SYM').string('ipfs://x').key(1).key(2).key(3);
  const groups: Array<(w: Writer) => void> = [
    base,
    (w) => w.key(4).i64(1_750_000_000n),
    (w) => w.u64(1_073_000_000_000_000n).u64(30_000_000_000n).u64(793_100_000_000_000n).u64(1_000_000_000_000_000n),
    (w) => w.key(9).u8(1),
    (w) => w.u8(0),
    (w) => w.key(0).u64(30_000_000_000n),
    (w) => w.u64(30n),
  ];
  for (let n = 1; n <= groups.length; n++) {
    it(`${n} group(s)`, () => {
      const w = new Writer();
      for (const g of groups.slice(0, n)) g(w);
      const e = decodePumpCreateEvent(new BorshReader(w.bytes()));
      assert.equal(e.name, 'Name');
      assert.equal(e.creator !== null, n >= 2);
      assert.equal(e.tokenTotalSupply, n >= 3 ? 1_000_000_000_000_000n : null);
      assert.equal(e.isMayhemMode, n >= 4 ? true : null);
      assert.equal(e.creatorFeeBps, n >= 7 ? 30n : null);
      const cut = new BorshReader(w.bytes().subarray(0, w.length - 1));
      if (n === 5) assert.equal(decodePumpCreateEvent(cut).isCashbackEnabled, null); // a whole 1-byte group
      else assert.throws(() => decodePumpCreateEvent(cut), BorshError);
    });
  }
});

describe('synthetic LaunchLab layouts', () => {
  const trade = (layout: 1 | 2 | 3) => {
    const w = new Writer().key(7).u64(793_100_000_000_000n).u64(1_073_025_605_596_382n).u64(30_000_852_951n);
    w.u64(100n).u64(1_000n).u64(200n).u64(2_000n).u64(1_013n).u64(100n).u64(3n).u64(10n);
    if (layout >= 2) w.u64(0n);
    w.u64(0n).u8(0).u8(0);
    if (layout === 3) w.u8(1);
    return w;
  };
  for (const layout of [1, 2, 3] as const) {
    it(`TradeEvent L${layout} chosen by length`, () => {
      const w = trade(layout);
      assert.equal(w.length, { 1: 130, 2: 138, 3: 139 }[layout]);
      const e = decodeLaunchLabTradeEvent(new BorshReader(w.bytes()));
      assert.equal(e.layout, layout);
      assert.deepEqual([e.amountIn, e.amountOut, e.protocolFee, e.platformFee, e.isBuy], [1_013n, 100n, 3n, 10n, true]);
      assert.equal(e.exactIn, layout === 3 ? true : null);
    });
  }
  it('TradeEvent of 131 bytes matches no layout; L3 tolerates a tail', () => {
    assert.throws(() => decodeLaunchLabTradeEvent(new BorshReader(trade(1).u8(0).bytes())), BorshError);
    assert.equal(decodeLaunchLabTradeEvent(new BorshReader(trade(3).u64(9n).bytes())).trailingBytes, 8);
  });
  for (const feeOn of [null, 1] as const) {
    it(`PoolCreateEvent ${feeOn === null ? 'without' : 'with'} amm_fee_on`, () => {
      const w = new Writer().key(1).key(2).key(3).u8(6).string('Bonk').string('BNK').string('https://u');
      w.u8(0).u64(1_000_000_000_000_000n).u64(793_100_000_000_000n).u64(85_000_000_000n).u8(0);
      w.u64(0n).u64(0n).u64(0n);
      if (feeOn !== null) w.u8(feeOn);
      const e = decodePoolCreateEvent(new BorshReader(w.bytes()));
      assert.deepEqual([e.mint.decimals, e.mint.name, e.curve.curveType, e.curve.totalBaseSell, e.curve.migrateType], [6, 'Bonk', 'constant', 793_100_000_000_000n, 'amm']);
      assert.equal(e.ammFeeOn, feeOn);
    });
  }
});

describe('decimal math', () => {
  it('keeps ≥ 12 significant digits without floats', () => {
    // 30 SOL / 1.073e9 tokens (spec §2.6 start price ≈ 2.796e-8)
    const p = ratioToDecimal(30_000_000_000n * 10n ** 6n, 1_073_000_000_000_000n * 10n ** 9n)!;
    assert.match(p, /^0\.0000000279589934762348/);
    assert.ok(p.replace(/^0\.0*/, '').length >= 12);
    assert.equal(ratioToDecimal(1n, 0n), null);
    assert.equal(ratioToDecimal(10n, 4n), '2.5');
  });
});
