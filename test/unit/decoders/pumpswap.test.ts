/**
 * PumpSwap decoder. ../shared/fixtures holds no PumpSwap swap transaction, so: the real migrate_v2 fixture
 * (its create_pool CPI), the real Sell+Buy event payloads of one mainnet transaction found in public code
 * (with that transaction's real vault balances), and synthetic payloads built field by field from the IDL
 * layouts (npm @pump-fun/pump-sdk 2.0.0, pump_amm.json) inside synthetic transactions.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { base58Decode, base58Encode } from '../../../src/core/base58.ts';
import type { DecodeResult, LaunchpadEvent, TradeEvent } from '../../../src/core/events.ts';
import type { RawTokenBalance, RawTx } from '../../../src/core/rawtx.ts';
import { EVENT_CPI_TAG, eventDisc, instructionDisc } from '../../../src/decoders/anchor.ts';
import { BorshError, BorshReader } from '../../../src/decoders/borsh.ts';
import { decodeTransaction, PUMPSWAP_PROGRAM_ID } from '../../../src/decoders/index.ts';
import { USD1_MINT, WSOL_MINT } from '../../../src/decoders/launchlab/constants.ts';
import { PUMPSWAP_EVENT_AUTHORITY } from '../../../src/decoders/pumpswap/constants.ts';
import { pumpswapDecoder } from '../../../src/decoders/pumpswap/decode.ts';
import { decodeSwapEvent } from '../../../src/decoders/pumpswap/events.ts';
import { normalizeAnyTransaction } from '../../../src/sources/formats/index.ts';
import { fixturesMissing, readFixture, SHARED } from '../formats/fixtures.ts';
import { Writer } from './writer.ts';

const key = (fill: number): string => base58Encode(new Uint8Array(32).fill(fill));
const TOKEN = key(0x31);
const POOL = key(0x41);
const USER = key(0x51);
const trades = (r: DecodeResult): TradeEvent[] => r.events.filter((e): e is TradeEvent => e.type === 'trade');
const kinds = (r: DecodeResult): string[] => r.problems.map((p) => `${p.kind}/${p.severity}`);

/** A payload built field by field; `ends[i]` is the byte length after field i (the layout's boundaries). */
class Payload {
  readonly w = new Writer();
  readonly ends: number[] = [];
  constructor(disc: Uint8Array) {
    for (const b of disc) this.w.u8(b);
  }
  field(write: (w: Writer) => unknown): this {
    write(this.w);
    this.ends.push(this.w.length);
    return this;
  }
  pubkey(k: string): this {
    return this.field((w) => base58Decode(k)!.forEach((b) => w.u8(b)));
  }
  u64(...vs: bigint[]): this {
    for (const v of vs) this.field((w) => w.u64(v));
    return this;
  }
  bytes(): Uint8Array {
    return this.w.bytes();
  }
}

interface Swap {
  isBuy: boolean;
  base: bigint;
  poolBase: bigint;
  poolQuote: bigint;
  /** quote_amount_in / quote_amount_out as the event writes it. */
  quote: bigint;
  lpFee: bigint;
  protocolFee: bigint;
  creatorFee: bigint;
  virtualQuote: bigint;
  ixName: string;
}

/** Fields of the oldest layout (March 2025), ending after protocol_fee_recipient_token_account. */
const OLDEST_FIELDS = 20;

/** Buy/SellEvent with every field of the newest IDL layout; cut it at `ends[k]` for older layouts. */
function swapEvent(s: Swap): Payload {
  const vault = s.isBuy ? s.quote + s.lpFee : s.quote - s.lpFee;
  const user = s.isBuy ? vault + s.protocolFee + s.creatorFee : vault - s.protocolFee - s.creatorFee;
  const p = new Payload(eventDisc(s.isBuy ? 'BuyEvent' : 'SellEvent'))
    .field((w) => w.i64(1_780_000_000n))
    .u64(s.base, 0n, 0n, 0n, s.poolBase, s.poolQuote, s.quote, 20n, s.lpFee, 5n, s.protocolFee, vault, user)
    .pubkey(POOL)
    .pubkey(USER)
    .pubkey(key(0x61))
    .pubkey(key(0x62))
    .pubkey(key(0x63))
    .pubkey(key(0x64));
  assert.equal(p.ends.length, OLDEST_FIELDS);
  p.pubkey(key(0x65)).u64(30n, s.creatorFee);
  if (s.isBuy) p.field((w) => w.u8(1)).u64(0n, 0n, 0n, 0n, 0n).field((w) => w.string(s.ixName));
  return p
    .u64(0n, 0n, 5000n, s.protocolFee / 2n)
    .field((w) => w.u64(s.virtualQuote).u64(0n))
    .field((w) => w.u8(s.virtualQuote > 0n ? 1 : 0))
    .u64(1_000_000_000_000_000n, 0n, 0n);
}

interface Holding {
  index: number;
  mint: string;
  pre: bigint | null;
  post: bigint;
}

/**
 * One top-level PumpSwap instruction (IDL account order: pool, user, global_config, base_mint, quote_mint,
 * user_base_token_account, user_quote_token_account, pool_base_token_account, pool_quote_token_account, …)
 * whose events arrive as self-CPIs. Account indices: 3 base mint, 4 quote mint, 5 user base, 7/8 the vaults.
 */
function tx(ixName: string, events: Uint8Array[], mints: [string, string], holdings: Holding[] = []): RawTx {
  const accountKeys = [USER, POOL, key(0x02), mints[0], mints[1], key(0x05), key(0x06), key(0x07), key(0x08), key(0x09), key(0x0a), PUMPSWAP_EVENT_AUTHORITY, PUMPSWAP_PROGRAM_ID];
  const balance = (h: Holding, amount: bigint): RawTokenBalance => ({ accountIndex: h.index, mint: h.mint, owner: h.index === 5 ? USER : POOL, programId: null, amount, decimals: h.mint === WSOL_MINT ? 9 : 6 });
  return {
    signature: `sig-${ixName}`,
    slot: 1,
    blockTime: 1_780_000_000,
    indexInBlock: null,
    accountKeys,
    staticKeyCount: accountKeys.length,
    version: 0,
    instructions: [{ programIdIndex: 12, accounts: [1, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], data: instructionDisc(ixName), stackHeight: 1 }],
    innerInstructions: [
      { index: 0, instructions: events.map((e) => ({ programIdIndex: 12, accounts: [11], data: Uint8Array.from([...EVENT_CPI_TAG, ...e]), stackHeight: 2 })) },
    ],
    logMessages: null,
    err: null,
    fee: 5000n,
    preBalances: accountKeys.map(() => 0n),
    postBalances: accountKeys.map(() => 0n),
    preTokenBalances: holdings.flatMap((h) => (h.pre === null ? [] : [balance(h, h.pre)])),
    postTokenBalances: holdings.map((h) => balance(h, h.post)),
  };
}

describe('PumpSwap: real chain data', () => {
  it('migrate_v2 fixture 3gsRn6ZL: the create_pool CPI yields amm_pool_created for the migrated newPool', { skip: fixturesMissing }, () => {
    const value = readFixture('pumpfun/pumpfun-migrate-3gsRn6ZL.json');
    const raw = normalizeAnyTransaction(Array.isArray(value) ? value[0] : value, { slot: 0 });
    const r = decodeTransaction(raw);
    assert.deepEqual(r.problems, []);
    const migrated = r.events.find((e) => e.type === 'migrated');
    const created = r.events.find((e) => e.type === 'amm_pool_created');
    assert.ok(migrated?.type === 'migrated' && created?.type === 'amm_pool_created');
    assert.equal(created.pool, migrated.newPool);
    assert.deepEqual(
      [created.venue, created.program, created.mint, created.quoteMint, created.lpMint, created.baseAmount, created.quoteAmount, created.baseDecimals, created.quoteDecimals, created.ixName],
      ['pumpswap', 'pumpfun', migrated.mint, WSOL_MINT, migrated.lpMint, migrated.baseAmount, migrated.quoteAmount, 6, 9, 'create_pool'],
    );
    assert.deepEqual([created.ixIndex, created.innerIxIndex], [migrated.ixIndex, 22], 'keyed on the create_pool CPI');
    // The vaults named by create_pool are the pool's token accounts: the base one holds exactly the deposit.
    const held = (vault: string | null, mint: string) =>
      raw.postTokenBalances.find((b) => raw.accountKeys[b.accountIndex] === vault && b.mint === mint && b.owner === created.pool)?.amount;
    assert.equal(held(created.baseVault, created.mint), created.baseAmount);
    assert.notEqual(held(created.quoteVault, WSOL_MINT), undefined);
  });

  /**
   * Transaction ZpXDocoYu7JVcFH2Frt9RXDMRqnVmeP3jaT6rrVEUR3Guf7aN5CQ4AeXQFVwFRKfghPqmFQccqBKVbS1ncQ4FmQ
   * (slot 387020561, 2025-12-16; its full JSON is in the README of github.com/akshaydhayal/Solana-Real-Time-Indexer):
   * a `sell` then a `buy` on pool 5Jrjc6w2…, whose base is WSOL and quote the token
   * Ejw8VHkEpehDMEYBroqhqWJdy7BFQhjig8AdNMjAgxUd — a flipped pool. The SellEvent ends after coin_creator_fee
   * (360 bytes), the BuyEvent after ix_name (408). The vault figures are that transaction's pre/post balances.
   */
  it('real Sell+Buy events (ZpXDoco…, flipped WSOL/token pool): reserves are pre-trade, vaults verify exactly', () => {
    const SELL = 'Pi83CqUD3Com80BpAAAAAP7QNvYAAAAAT/4k/kQDAAD+0Db2AAAAAEoN5S9dAQAAJ+OZHfEAAAAo2y/EEDsDAJf/4DJJAwAAGQAAAAAAAACkAF4aAgAAAAUAAAAAAAAAiGasawAAAADz/oIYRwMAAGuY1qxGAwAAQAHbROi0MXn6smmsm6I3Hp3bVkpKLqEEm8a1fQhvjjn33RKqdgYezcHnStEVnkajod/QLZA960Lc2WG7PbECqESsorBnnuSzzwth/J0DeYiM3zepb1HfIweOQ6wLGH0TCUdO58m2ViZGFo6rZlatIk+b7mkbY24UvZ7T3Lthisn/g4OBi6j6KMPNO21ek/n6uPCXm8NyFazFskaHe6jDyYuxqr7UbrH65qTNdDODUUCmu4eFMEqRPh3CNgNBxNfAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const BUY = 'Z/RSHyz1d3cm80BpAAAAANhBf74AAAAAf+TuhZcCAAAAAAAAAAAAAIrVU++dBAAAJbTQE/IAAAA13KyryTcDAIG/WkKKAgAAGQAAAAAAAACFdyqgAQAAAAUAAAAAAAAAgbE7UwAAAAAGN4XiiwIAAIfowDWMAgAAQAHbROi0MXn6smmsm6I3Hp3bVkpKLqEEm8a1fQhvjjmv0LQ8je7/812Hx3WzRYgBDvaR7fzI9k/gdepwvRbGIN3+FLWG3VS97+gZvBRviw4QBfcRi5271O20IBa5cKs5liP/4UM5f1+vCsRJ11BY+8vt63FmI1OgRB4x/jxdCrT/g4OBi6j6KMPNO21ek/n6uPCXm8NyFazFskaHe6jDyYuxqr7UbrH65qTNdDODUUCmu4eFMEqRPh3CNgNBxNfAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA2EF/vgAAAAADAAAAYnV5';
    const bytes = (b64: string) => Uint8Array.from(Buffer.from(b64, 'base64'));
    const sell = decodeSwapEvent(new BorshReader(bytes(SELL), 8), false);
    const buy = decodeSwapEvent(new BorshReader(bytes(BUY), 8), true);
    assert.deepEqual([sell.optionalFields, sell.ixName, sell.trailingBytes], [3, null, 0]);
    assert.deepEqual([buy.optionalFields, buy.ixName, buy.trailingBytes], [10, 'buy', 0]);
    // Pre-trade reserves: the sell's base reserves are the WSOL vault's pre balance, and the buy's reserves are
    // the sell's plus its vault changes (base_amount_in in, quote_amount_out − lp_fee out).
    assert.equal(sell.poolBaseReserves, 1_035_583_742_759n);
    assert.equal(buy.poolBaseReserves, sell.poolBaseReserves + sell.baseAmount);
    assert.equal(buy.poolQuoteReserves, sell.poolQuoteReserves - sell.quoteVaultAmount);

    const TOKEN_EJW = 'Ejw8VHkEpehDMEYBroqhqWJdy7BFQhjig8AdNMjAgxUd';
    const vaults: Holding[] = [
      { index: 7, mint: WSOL_MINT, pre: 1_035_583_742_759n, post: 1_036_518_519_373n },
      { index: 8, mint: TOKEN_EJW, pre: 909_368_127_118_120n, post: 908_564_062_409_531n },
    ];
    // Both events under one `buy` instruction (the accounts are what matter; the real tx has two instructions).
    const r = decodeTransaction(tx('buy', [bytes(SELL), bytes(BUY)], [WSOL_MINT, TOKEN_EJW], vaults));
    assert.deepEqual(r.problems, [], 'both vaults match the real balances');
    const [t1, t2] = trades(r);
    assert.deepEqual(
      [t1!.venue, t1!.program, t1!.mint, t1!.quoteMint, t1!.side, t1!.user, t1!.solAmount, t1!.tokenAmount],
      ['pumpswap', 'pumpfun', TOKEN_EJW, WSOL_MINT, 'buy', 'HgZDiuJBz4D5MLMvG3hm2bHQ9UvSyiAJmxXnoncWvmQB', 4_130_787_582n, 3_612_921_102_231n],
    );
    assert.deepEqual([t2!.side, t2!.user, t2!.solAmount, t2!.tokenAmount], ['sell', 'CqJviA1TaBWWnkX515NthiykyA42a5hyXrEgLXoSZM5R', 3_196_010_968n, 2_792_841_985_921n]);
    // After the second trade the reported reserves are the vaults' post balances.
    assert.deepEqual([t2!.realSolReserves, t2!.realTokenReserves, t2!.virtualSolReserves, t2!.virtualTokenReserves], [1_036_518_519_373n, 908_564_062_409_531n, 1_036_518_519_373n, 908_564_062_409_531n]);
    // Fees were charged in the token: converted to SOL at the trade's own price.
    assert.equal(t1!.platformFee, (9_032_302_756n * 4_130_787_582n) / 3_612_921_102_231n);
    assert.equal(t1!.fee, t1!.protocolFee + t1!.creatorFee + t1!.platformFee);

    const tampered = tx('buy', [bytes(SELL), bytes(BUY)], [WSOL_MINT, TOKEN_EJW], [vaults[0]!, { ...vaults[1]!, post: vaults[1]!.post + 1n }]);
    assert.deepEqual(kinds(decodeTransaction(tampered)), ['verification_mismatch/flag']);
  });
});

describe('PumpSwap: synthetic vectors from the IDL layouts', () => {
  const BUY: Swap = { isBuy: true, base: 1_000_000_000n, poolBase: 200_000_000_000_000n, poolQuote: 85_000_000_000n, quote: 425_002_126n, lpFee: 850_005n, protocolFee: 212_502n, creatorFee: 1_275_007n, virtualQuote: 0n, ixName: 'buy' };
  const SELL: Swap = { ...BUY, isBuy: false, quote: 424_997_875n, lpFee: 849_996n, protocolFee: 212_499n, creatorFee: 1_274_994n, ixName: 'sell' };
  const vaultsFor = (s: Swap, extra = 0n): Holding[] => [
    { index: 7, mint: TOKEN, pre: s.poolBase, post: s.poolBase + (s.isBuy ? -s.base : s.base) },
    { index: 8, mint: WSOL_MINT, pre: s.poolQuote, post: s.poolQuote + (s.isBuy ? s.quote + s.lpFee : -(s.quote - s.lpFee)) + extra },
    { index: 5, mint: TOKEN, pre: 10n, post: 10n + (s.isBuy ? s.base : -s.base) },
  ];
  const cut = (p: Payload, fields: number) => p.bytes().subarray(0, p.ends[fields - 1]);

  for (const s of [BUY, SELL]) {
    it(`${s.ixName}: oldest layout (no coin creator) → trade with post-trade reserves; the vaults verify`, () => {
      const r = decodeTransaction(tx(s.ixName, [cut(swapEvent(s), OLDEST_FIELDS)], [TOKEN, WSOL_MINT], vaultsFor(s)));
      assert.deepEqual(r.problems, []);
      const [t] = trades(r);
      const quoteAfter = s.isBuy ? s.poolQuote + s.quote + s.lpFee : s.poolQuote - s.quote + s.lpFee;
      const baseAfter = s.isBuy ? s.poolBase - s.base : s.poolBase + s.base;
      assert.deepEqual(
        [t!.venue, t!.mint, t!.quoteMint, t!.pool, t!.user, t!.side, t!.solAmount, t!.tokenAmount, t!.ixName, t!.progressPct, t!.completesCurve],
        ['pumpswap', TOKEN, WSOL_MINT, POOL, USER, s.isBuy ? 'buy' : 'sell', s.quote, s.base, s.ixName, null, false],
      );
      assert.deepEqual([t!.protocolFee, t!.creatorFee, t!.platformFee, t!.fee], [s.protocolFee, 0n, s.lpFee, s.protocolFee + s.lpFee]);
      assert.deepEqual([t!.realSolReserves, t!.realTokenReserves, t!.virtualSolReserves, t!.virtualTokenReserves], [quoteAfter, baseAfter, quoteAfter, baseAfter]);
      const expectedPrice = Number(quoteAfter) / 1e9 / (Number(baseAfter) / 1e6);
      assert.ok(Math.abs(Number(t!.priceSol) / expectedPrice - 1) < 1e-12, t!.priceSol);
      assert.deepEqual([t!.baseDecimals, t!.quoteDecimals], [6, 9]);
    });

    it(`${s.ixName}: newest layout + 8 unknown trailing bytes: counted, trade kept; coin-creator fee in fee`, () => {
      const full = swapEvent(s).bytes();
      const r = decodeTransaction(tx(s.ixName, [Uint8Array.from([...full, 0, 0, 0, 0, 0, 0, 0, 0])], [TOKEN, WSOL_MINT], vaultsFor(s)));
      assert.deepEqual(kinds(r), ['trailing_bytes/count']);
      const [t] = trades(r);
      assert.equal(t!.trailingBytes, 8);
      assert.deepEqual([t!.creatorFee, t!.fee], [s.creatorFee, s.protocolFee + s.creatorFee + s.lpFee]);
      // A buyer pays solAmount + fee (user_quote_amount_in), a seller receives solAmount − fee: as on the curve.
      const userQuote = s.isBuy ? s.quote + s.lpFee + s.protocolFee + s.creatorFee : s.quote - s.lpFee - s.protocolFee - s.creatorFee;
      assert.equal(s.isBuy ? t!.solAmount + t!.fee : t!.solAmount - t!.fee, userQuote);
    });

    it(`${s.isBuy ? 'BuyEvent' : 'SellEvent'}: every field boundary decodes, a payload ending inside a field is malformed`, () => {
      const p = swapEvent(s);
      const bytes = p.bytes();
      for (let f = OLDEST_FIELDS; f <= p.ends.length; f++) {
        const e = decodeSwapEvent(new BorshReader(bytes.subarray(0, p.ends[f - 1]), 8), s.isBuy);
        assert.deepEqual([e.optionalFields, e.trailingBytes], [f - OLDEST_FIELDS, 0], `ends after field ${f}`);
        if (f < p.ends.length && p.ends[f]! - p.ends[f - 1]! > 1) {
          assert.throws(() => decodeSwapEvent(new BorshReader(bytes.subarray(0, p.ends[f - 1]! + 1), 8), s.isBuy), BorshError);
        }
      }
      const r = decodeTransaction(tx(s.ixName, [bytes.subarray(0, p.ends[5]! - 3)], [TOKEN, WSOL_MINT], vaultsFor(s)));
      assert.deepEqual(kinds(r), ['malformed_event/quarantine']);
      assert.equal(trades(r).length, 0);
    });
  }

  it('buy_exact_quote_in on a boosted pool: the swap amount comes from the vault amount, the price from real + virtual quote', () => {
    // buy_exact_quote_in writes the trader's whole spend into quote_amount_in (seen on real 2026 events);
    // quote_amount_in_with_lp_fee still is exactly what the quote vault received.
    const swap = 202_505n;
    const s: Swap = { ...BUY, base: 36_074_576n, quote: 204_532n, lpFee: 406n, protocolFee: 102n, creatorFee: 1_519n, virtualQuote: 17_584_505_288n, ixName: 'buy_exact_quote_in' };
    const p = swapEvent(s);
    const bytes = p.bytes();
    // quote_amount_in_with_lp_fee is field 13 (index 12): rewrite it to swap + lp_fee like the program does.
    new DataView(bytes.buffer).setBigUint64(p.ends[11]!, swap + s.lpFee, true);
    const vaults: Holding[] = [
      { index: 7, mint: TOKEN, pre: s.poolBase, post: s.poolBase - s.base },
      { index: 8, mint: WSOL_MINT, pre: s.poolQuote, post: s.poolQuote + swap + s.lpFee },
    ];
    const r = decodeTransaction(tx('buy_exact_quote_in', [bytes], [TOKEN, WSOL_MINT], vaults));
    assert.deepEqual(r.problems, []);
    const [t] = trades(r);
    assert.deepEqual([t!.solAmount, t!.fee, t!.ixName], [swap, 406n + 102n + 1_519n, 'buy_exact_quote_in']);
    assert.equal(t!.solAmount + t!.fee, s.quote, 'the trader spent solAmount + fee');
    assert.equal(t!.realSolReserves, s.poolQuote + swap + s.lpFee);
    assert.equal(t!.virtualSolReserves, t!.realSolReserves! + s.virtualQuote);
  });

  it('flipped pool (base USD1, quote the token): mint is the token, the side inverts, fees convert at the trade price', () => {
    // The pool's BuyEvent buys its base (USD1) with its quote (the token): the trader sells the token.
    const s: Swap = { ...BUY, base: 5_000_000n, poolBase: 900_000_000_000n, poolQuote: 40_000_000_000_000n, quote: 222_223_457n, lpFee: 444_447n, protocolFee: 111_112n, creatorFee: 0n };
    const holdings: Holding[] = [
      { index: 7, mint: USD1_MINT, pre: s.poolBase, post: s.poolBase - s.base },
      { index: 8, mint: TOKEN, pre: s.poolQuote, post: s.poolQuote + s.quote + s.lpFee },
    ];
    const r = decodeTransaction(tx('buy', [cut(swapEvent(s), OLDEST_FIELDS + 3)], [USD1_MINT, TOKEN], holdings));
    assert.deepEqual(r.problems, []);
    const [t] = trades(r);
    assert.deepEqual([t!.mint, t!.quoteMint, t!.side, t!.solAmount, t!.tokenAmount], [TOKEN, USD1_MINT, 'sell', s.base, s.quote]);
    assert.deepEqual([t!.realTokenReserves, t!.realSolReserves], [s.poolQuote + s.quote + s.lpFee, s.poolBase - s.base]);
    assert.deepEqual([t!.platformFee, t!.protocolFee], [(s.lpFee * s.base) / s.quote, (s.protocolFee * s.base) / s.quote]);
    assert.deepEqual([t!.baseDecimals, t!.quoteDecimals], [6, 6]);
  });

  it('create_pool then buy in one transaction: the deposit is part of the vault check; create_pool orients like trades', () => {
    const created = new Payload(eventDisc('CreatePoolEvent'))
      .field((w) => w.i64(1_780_000_000n))
      .field((w) => w.u16(0))
      .pubkey(USER)
      .pubkey(TOKEN)
      .pubkey(WSOL_MINT)
      .field((w) => w.u8(6))
      .field((w) => w.u8(9))
      .u64(BUY.poolBase, BUY.poolQuote, BUY.poolBase, BUY.poolQuote, 1000n, 5n, 4n)
      .field((w) => w.u8(255))
      .pubkey(POOL)
      .pubkey(key(0x71))
      .pubkey(key(0x72))
      .pubkey(key(0x73))
      .bytes();
    const holdings = vaultsFor(BUY).map((h) => (h.index === 5 ? h : { ...h, pre: null }));
    const raw = tx('buy', [cut(swapEvent(BUY), OLDEST_FIELDS)], [TOKEN, WSOL_MINT], holdings);
    // create_pool as an earlier top-level instruction; its vaults (accounts 9, 10) are the buy's 7 and 8.
    raw.instructions.unshift({ programIdIndex: 12, accounts: [1, 2, 0, 3, 4, 9, 5, 6, 10, 7, 8, 11, 11, 11, 11, 11, 11, 12], data: instructionDisc('create_pool'), stackHeight: 1 });
    raw.innerInstructions = [
      { index: 0, instructions: [{ programIdIndex: 12, accounts: [11], data: Uint8Array.from([...EVENT_CPI_TAG, ...created]), stackHeight: 2 }] },
      { index: 1, instructions: raw.innerInstructions[0]!.instructions },
    ];
    const r = decodeTransaction(raw);
    assert.deepEqual(r.problems, []);
    const [pool, trade] = r.events;
    assert.ok(pool?.type === 'amm_pool_created' && trade?.type === 'trade');
    assert.deepEqual(
      [pool.pool, pool.mint, pool.quoteMint, pool.creator, pool.baseAmount, pool.quoteAmount, pool.baseVault, pool.quoteVault, pool.innerIxIndex],
      [POOL, TOKEN, WSOL_MINT, USER, BUY.poolBase, BUY.poolQuote, key(0x07), key(0x08), -1],
    );
  });

  it('deposit / withdraw → liquidity events with post-change reserves (flipped pool oriented too)', () => {
    const liquidity = (disc: string, base: bigint, quote: bigint) =>
      new Payload(eventDisc(disc)).field((w) => w.i64(1_780_000_000n)).u64(777n, 0n, 0n, 0n, 0n, 1_000_000n, 50_000n, base, quote, 9_999n).pubkey(POOL).pubkey(USER).pubkey(key(0x61)).pubkey(key(0x62)).pubkey(key(0x66)).bytes();
    const events = (r: DecodeResult): LaunchpadEvent[] => r.events.filter((e) => e.type === 'liquidity');
    const [dep] = events(decodeTransaction(tx('deposit', [liquidity('DepositEvent', 1000n, 50n)], [TOKEN, WSOL_MINT])));
    assert.deepEqual(dep, {
      type: 'liquidity', venue: 'pumpswap', pool: POOL, mint: TOKEN, quoteMint: WSOL_MINT, user: USER, kind: 'deposit', baseAmount: 1000n, quoteAmount: 50n, lpAmount: 777n,
      baseReserves: 1_001_000n, quoteReserves: 50_050n, ixName: 'deposit', program: 'pumpfun', signature: 'sig-deposit', slot: 1, blockTime: 1_780_000_000, ixIndex: 0, innerIxIndex: -1,
    });
    const [wd] = events(decodeTransaction(tx('withdraw', [liquidity('WithdrawEvent', 1000n, 50n)], [WSOL_MINT, TOKEN])));
    assert.ok(wd?.type === 'liquidity');
    assert.deepEqual([wd.kind, wd.mint, wd.quoteMint, wd.baseAmount, wd.quoteAmount, wd.baseReserves, wd.quoteReserves], ['withdraw', TOKEN, WSOL_MINT, 50n, 1000n, 49_950n, 999_000n]);
  });

  it('ignored events are not counted, unknown discriminators are; a swap event under an unknown instruction lacks the pool accounts', () => {
    const ignored = Uint8Array.from([...eventDisc('CollectCoinCreatorFeeEvent'), 1, 2, 3]);
    const unknown = Uint8Array.from([...eventDisc('NoSuchEvent'), 1, 2, 3]);
    assert.deepEqual(kinds(decodeTransaction(tx('collect_coin_creator_fee', [ignored, unknown], [TOKEN, WSOL_MINT]))), ['unknown_discriminator/count']);
    const raw = tx('buy', [cut(swapEvent(BUY), OLDEST_FIELDS)], [TOKEN, WSOL_MINT]);
    const r = decodeTransaction({ ...raw, instructions: [{ ...raw.instructions[0]!, data: instructionDisc('no_such_ix') }] });
    assert.deepEqual(kinds(r), ['missing_accounts/quarantine']);
    assert.equal(trades(r).length, 0);
  });

  it('logs-only source: the same trade from `Program data:`; a CPI\'d swap there has no instruction accounts', () => {
    const payload = cut(swapEvent(BUY), OLDEST_FIELDS);
    const data = `Program data: ${Buffer.from(payload).toString('base64')}`;
    const viaCpi = decodeTransaction(tx('buy', [payload], [TOKEN, WSOL_MINT], vaultsFor(BUY)));
    const logsOnly = { ...tx('buy', [], [TOKEN, WSOL_MINT], vaultsFor(BUY)), innerInstructions: [] };
    const fromLogs = decodeTransaction({ ...logsOnly, logMessages: [`Program ${PUMPSWAP_PROGRAM_ID} invoke [1]`, data, `Program ${PUMPSWAP_PROGRAM_ID} success`] });
    assert.deepEqual(fromLogs, viaCpi);
    assert.equal(trades(fromLogs).length, 1);
    const router = 'JUP6LkbZbjS1jKKwapdHNy74zcZ3tLUZoi5QNyVTaV4';
    const nested = decodeTransaction({
      ...logsOnly,
      logMessages: [`Program ${router} invoke [1]`, `Program ${PUMPSWAP_PROGRAM_ID} invoke [2]`, data, `Program ${PUMPSWAP_PROGRAM_ID} success`, `Program ${router} success`],
    });
    assert.deepEqual([kinds(nested), trades(nested).length], [['missing_accounts/quarantine'], 0]);
  });

  it('instructionName names every instruction of the IDL', { skip: fixturesMissing }, () => {
    const idl = JSON.parse(readFileSync(path.join(SHARED, 'idl/pump_amm.pump-sdk-2.0.0.json'), 'utf8')) as { instructions: Array<{ name: string; discriminator: number[] }> };
    assert.ok(idl.instructions.length >= 30);
    for (const ix of idl.instructions) assert.equal(pumpswapDecoder.instructionName(Uint8Array.from(ix.discriminator)), ix.name);
    assert.equal(pumpswapDecoder.instructionName(instructionDisc('no_such_ix')), null);
  });
});
