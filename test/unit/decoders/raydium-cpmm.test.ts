/**
 * Raydium CPMM decoder. ../shared/fixtures holds one real CPMM swap (a router's swap_base_input CPI inside the
 * LaunchLab buy 8QTg427x, v1 SwapEvent as a `Program data:` line in a transaction with inner instructions); every
 * other vector is synthetic: payloads written field by field from the layouts of raydium-io/raydium-cp-swap
 * (states/events.rs, the instructions' account structs), inside synthetic transactions whose token balances agree.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base58Decode, base58Encode } from '../../../src/core/base58.ts';
import type { DecodeResult, LaunchpadEvent, TradeEvent } from '../../../src/core/events.ts';
import type { RawTokenBalance, RawTx } from '../../../src/core/rawtx.ts';
import { eventDisc, instructionDisc } from '../../../src/decoders/anchor.ts';
import { decodeTransaction, RAYDIUM_CPMM_PROGRAM_ID } from '../../../src/decoders/index.ts';
import { WSOL_MINT } from '../../../src/decoders/launchlab/constants.ts';
import { CPMM_IX_NAMES } from '../../../src/decoders/raydium-cpmm/constants.ts';
import { raydiumCpmmDecoder } from '../../../src/decoders/raydium-cpmm/decode.ts';
import { normalizeAnyTransaction } from '../../../src/sources/formats/index.ts';
import { fixturesMissing, readFixture } from '../formats/fixtures.ts';
import { Writer } from './writer.ts';

const key = (fill: number): string => base58Encode(new Uint8Array(32).fill(fill));
const TOKEN = key(0x31);
const POOL = key(0x41);
const USER = key(0x51);
const TOKEN_PROGRAM = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
const trades = (r: DecodeResult): TradeEvent[] => r.events.filter((e): e is TradeEvent => e.type === 'trade');
const kinds = (r: DecodeResult): string[] => r.problems.map((p) => `${p.kind}/${p.severity}`);
const pubkey = (w: Writer, k: string) => base58Decode(k)!.forEach((b) => w.u8(b));

interface Swap {
  inMint: string;
  outMint: string;
  inBefore: bigint;
  outBefore: bigint;
  input: bigint;
  output: bigint;
  /** v2 fields; null writes a v1 event. */
  v2: { tradeFee: bigint; creatorFee: bigint; onInput: boolean } | null;
}

function swapEvent(s: Swap): Uint8Array {
  const w = new Writer();
  eventDisc('SwapEvent').forEach((b) => w.u8(b));
  pubkey(w, POOL);
  w.u64(s.inBefore).u64(s.outBefore).u64(s.input).u64(s.output).u64(0n).u64(0n).u8(1);
  if (s.v2) {
    pubkey(w, s.inMint);
    pubkey(w, s.outMint);
    w.u64(s.v2.tradeFee).u64(s.v2.creatorFee).u8(s.v2.onInput ? 1 : 0);
  }
  return w.bytes();
}

/**
 * One top-level CPMM instruction with the `Swap` account order (payer, authority, amm_config, pool_state, user in,
 * user out, input vault 6, output vault 7, programs 8/9, input mint 10, output mint 11, observation 12). Its
 * events are `Program data:` log lines; one token-program inner instruction makes it a transaction WITH inner
 * instructions (the channel where Anchor `emit!` events used to be ignored).
 */
function tx(ixData: Uint8Array, events: Uint8Array[], mints: [string, string], vaults: Array<{ index: number; mint: string; pre: bigint | null; post: bigint }>, logs = true): RawTx {
  const accountKeys = [USER, key(0x01), key(0x02), POOL, key(0x04), key(0x05), key(0x06), key(0x07), TOKEN_PROGRAM, key(0x09), mints[0], mints[1], key(0x0c), RAYDIUM_CPMM_PROGRAM_ID];
  const balance = (v: (typeof vaults)[number], amount: bigint): RawTokenBalance => ({ accountIndex: v.index, mint: v.mint, owner: key(0x01), programId: TOKEN_PROGRAM, amount, decimals: v.mint === WSOL_MINT ? 9 : 6 });
  return {
    signature: 'sig-cpmm',
    slot: 1,
    blockTime: 1_780_000_000,
    indexInBlock: null,
    accountKeys,
    staticKeyCount: accountKeys.length,
    version: 0,
    instructions: [{ programIdIndex: 13, accounts: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], data: ixData, stackHeight: 1 }],
    innerInstructions: [{ index: 0, instructions: [{ programIdIndex: 8, accounts: [4, 6, 0], data: Uint8Array.from([3, 1, 0, 0, 0, 0, 0, 0, 0]), stackHeight: 2 }] }],
    logMessages: logs
      ? [
          `Program ${RAYDIUM_CPMM_PROGRAM_ID} invoke [1]`,
          'Program log: Instruction: SwapBaseInput',
          ...events.map((e) => `Program data: ${Buffer.from(e).toString('base64')}`),
          `Program ${TOKEN_PROGRAM} invoke [2]`,
          'Program log: Instruction: TransferChecked',
          `Program ${TOKEN_PROGRAM} success`,
          `Program ${RAYDIUM_CPMM_PROGRAM_ID} success`,
        ]
      : null,
    err: null,
    fee: 5000n,
    preBalances: accountKeys.map(() => 0n),
    postBalances: accountKeys.map(() => 0n),
    preTokenBalances: vaults.flatMap((v) => (v.pre === null ? [] : [balance(v, v.pre)])),
    postTokenBalances: vaults.map((v) => balance(v, v.post)),
  };
}

const swapIx = (name: 'swap_base_input' | 'swap_base_output', a: bigint, b: bigint) => Uint8Array.from([...instructionDisc(name), ...new Writer().u64(a).u64(b).bytes()]);
/** Vault balances consistent with the swap: pre = reserves before (no accrued fees), post = pre ± amounts. */
const vaultsOf = (s: Swap, drift = 0n) => [
  { index: 6, mint: s.inMint, pre: s.inBefore, post: s.inBefore + s.input },
  { index: 7, mint: s.outMint, pre: s.outBefore, post: s.outBefore - s.output + drift },
];
const swapTx = (s: Swap, opts: { drift?: bigint; logs?: boolean; event?: Uint8Array } = {}) =>
  tx(swapIx('swap_base_input', s.input, 1n), [opts.event ?? swapEvent(s)], [s.inMint, s.outMint], vaultsOf(s, opts.drift), opts.logs ?? true);

// A buy: 1 SOL in (0.25 % trade fee), tokens out; the product of the reserves grows by the fee.
const BUY: Swap = { inMint: WSOL_MINT, outMint: TOKEN, inBefore: 85_000_000_000n, outBefore: 200_000_000_000_000n, input: 1_000_000_000n, output: 2_319_834_878_920n, v2: null };
const SELL: Swap = { inMint: TOKEN, outMint: WSOL_MINT, inBefore: 200_000_000_000_000n, outBefore: 85_000_000_000n, input: 2_000_000_000_000n, output: 839_500_977n, v2: null };

describe('Raydium CPMM: real chain data', () => {
  it('8QTg427x: a router\'s swap_base_input CPI, v1 SwapEvent as Program data beside inner instructions → trade, vaults verify', { skip: fixturesMissing }, () => {
    const value = readFixture('raydium-launchlab/launchlab-buy-8QTg427x.json');
    const raw = normalizeAnyTransaction(Array.isArray(value) ? value[0] : value, { slot: 0 });
    assert.ok(raw.innerInstructions.length > 0);
    const r = decodeTransaction(raw);
    assert.deepEqual(r.problems, []);
    const [t] = trades(r).filter((x) => x.venue === 'raydium_cpmm');
    assert.deepEqual(
      [t!.program, t!.mint, t!.quoteMint, t!.pool, t!.side, t!.tokenAmount, t!.ixName, t!.ixIndex, t!.innerIxIndex],
      ['launchlab', '3cC1zb378zCEjTKctWVQBjdNGSU8YbDThB61M1mTbonk', WSOL_MINT, '5SSjjkmMzfyY1rGZXPyUnfyL4zRGPyK97XDWxkW76ea2', 'sell', 14_005_980_000n, 'swap_base_input', 3, 5],
    );
    // v1 states no fee: the constant-product estimate is the 0.25 % of this pool's config.
    assert.equal(t!.platformFee, (t!.solAmount * 25n) / 10_000n);
    assert.deepEqual(r.coverage.map((c) => [c.instruction, c.decoded]), [['swap_base_input', true], ['buy_exact_in', true]]);
  });
});

describe('Raydium CPMM: synthetic vectors from the program layouts', () => {
  it('v1 buy (WSOL in): mint is the output, reserves after = vault_before ± amounts, fee estimated, vaults verify', () => {
    const r = decodeTransaction(swapTx(BUY));
    assert.deepEqual(r.problems, []);
    const [t] = trades(r);
    assert.deepEqual(
      [t!.venue, t!.program, t!.mint, t!.quoteMint, t!.pool, t!.user, t!.side, t!.tokenAmount, t!.realSolReserves, t!.realTokenReserves, t!.innerIxIndex],
      ['raydium_cpmm', 'launchlab', TOKEN, WSOL_MINT, POOL, USER, 'buy', BUY.output, BUY.inBefore + BUY.input, BUY.outBefore - BUY.output, -1],
    );
    assert.ok(t!.platformFee >= 2_499_990n && t!.platformFee <= 2_500_000n, String(t!.platformFee));
    assert.equal(t!.solAmount + t!.fee, BUY.input, 'a buyer pays sol_amount + fee');
    assert.deepEqual([t!.baseDecimals, t!.quoteDecimals, t!.progressPct, t!.completesCurve], [6, 9, null, false]);
  });

  it('v1 sell (token in, WSOL out): side sell, fee in the token converted at the trade price', () => {
    const [t] = trades(decodeTransaction(swapTx(SELL)));
    assert.deepEqual([t!.mint, t!.quoteMint, t!.side, t!.tokenAmount, t!.solAmount], [TOKEN, WSOL_MINT, 'sell', SELL.input, SELL.output]);
    assert.deepEqual([t!.realTokenReserves, t!.realSolReserves], [SELL.inBefore + SELL.input, SELL.outBefore - SELL.output]);
  });

  it('v2 buy, creator fee on input: trade and creator fee from the event', () => {
    const s: Swap = { ...BUY, v2: { tradeFee: 2_500_000n, creatorFee: 500_000n, onInput: true } };
    const r = decodeTransaction(swapTx(s));
    assert.deepEqual(r.problems, []);
    const [t] = trades(r);
    assert.deepEqual([t!.platformFee, t!.creatorFee, t!.protocolFee, t!.fee, t!.solAmount], [2_500_000n, 500_000n, 0n, 3_000_000n, 997_000_000n]);
  });

  it('v2 sell, creator fee on output (WSOL): sol_amount is the gross quote out, the trade fee converts', () => {
    const s: Swap = { ...SELL, v2: { tradeFee: 5_000_000_000n, creatorFee: 420_000n, onInput: false } };
    const r = decodeTransaction(swapTx(s));
    assert.deepEqual(r.problems, []);
    const [t] = trades(r);
    assert.equal(t!.solAmount, SELL.output + 420_000n);
    assert.deepEqual([t!.creatorFee, t!.platformFee], [420_000n, (5_000_000_000n * t!.solAmount) / SELL.input]);
  });

  it('v2 event whose mints are not the instruction\'s, or cut inside the appended fields: malformed, no trade, no crash', () => {
    const wrong = swapTx({ ...BUY, v2: { tradeFee: 1n, creatorFee: 0n, onInput: true } }, { event: swapEvent({ ...BUY, inMint: key(0x77), v2: { tradeFee: 1n, creatorFee: 0n, onInput: true } }) });
    assert.deepEqual(kinds(decodeTransaction(wrong)), ['malformed_event/quarantine']);
    const full = swapEvent({ ...BUY, v2: { tradeFee: 1n, creatorFee: 0n, onInput: true } });
    for (const cut of [20, 60, 97, 110, full.length - 1]) {
      const r = decodeTransaction(swapTx(BUY, { event: full.subarray(0, cut) }));
      assert.deepEqual([kinds(r), trades(r).length], [['malformed_event/quarantine'], 0], `cut at ${cut}`);
    }
    const trailing = decodeTransaction(swapTx(BUY, { event: Uint8Array.from([...full, 9, 9]) }));
    assert.deepEqual(kinds(trailing), ['trailing_bytes/count']);
  });

  it('the vault self-check flags a balance that disagrees with the event', () => {
    const r = decodeTransaction(swapTx(BUY, { drift: 1n }));
    assert.deepEqual(kinds(r), ['verification_mismatch/flag']);
    assert.equal(trades(r).length, 1, 'the event stays');
  });

  it('logs-only source (no inner instructions): the same trade from the Program data line', () => {
    const withInner = decodeTransaction(swapTx(BUY));
    const logsOnly = decodeTransaction({ ...swapTx(BUY), innerInstructions: [] });
    assert.deepEqual(logsOnly, withInner);
  });

  it('no logs: the vaults\' balance changes make the trade (reserves = post balances); none → missing_accounts', () => {
    const r = decodeTransaction(swapTx(BUY, { logs: false }));
    assert.deepEqual(r.problems, []);
    const [t] = trades(r);
    assert.deepEqual([t!.side, t!.tokenAmount, t!.realSolReserves, t!.realTokenReserves], ['buy', BUY.output, BUY.inBefore + BUY.input, BUY.outBefore - BUY.output]);
    assert.equal(t!.solAmount + t!.fee, BUY.input);
    const still = decodeTransaction(tx(swapIx('swap_base_input', 1n, 1n), [], [WSOL_MINT, TOKEN], [{ index: 6, mint: WSOL_MINT, pre: 5n, post: 5n }, { index: 7, mint: TOKEN, pre: 5n, post: 5n }], false));
    assert.deepEqual(kinds(still), ['missing_accounts/quarantine']);
  });

  it('unknown event discriminators are counted; unknown instructions are named null', () => {
    const odd = Uint8Array.from([...eventDisc('NoSuchEvent'), 1, 2, 3]);
    const r = decodeTransaction(tx(instructionDisc('collect_protocol_fee'), [odd], [WSOL_MINT, TOKEN], []));
    assert.deepEqual(kinds(r), ['unknown_discriminator/count']);
    assert.equal(raydiumCpmmDecoder.instructionName(instructionDisc('no_such_ix')), null);
    assert.equal(raydiumCpmmDecoder.instructionName(Uint8Array.from([1, 2])), null);
    for (const n of CPMM_IX_NAMES) assert.equal(raydiumCpmmDecoder.instructionName(instructionDisc(n)), n);
  });

  for (const [label, mint0, mint1] of [['WSOL token0', WSOL_MINT, TOKEN], ['WSOL token1', TOKEN, WSOL_MINT]] as const) {
    it(`initialize (${label}) → amm_pool_created oriented to the token`, () => {
      const args = new Writer().u64(mint0 === WSOL_MINT ? 80_000_000_000n : 200_000_000_000_000n).u64(mint0 === WSOL_MINT ? 200_000_000_000_000n : 80_000_000_000n).u64(0n).bytes();
      const raw = tx(Uint8Array.from([...instructionDisc('initialize'), ...args]), [], [mint0, mint1], []);
      // initialize accounts: creator 0, config 2, authority 1, pool 3, mints 10/11 at 4/5, lp mint 12 at 6, …, vaults 6/7 at 10/11.
      raw.instructions = [{ programIdIndex: 13, accounts: [0, 2, 1, 3, 10, 11, 12, 4, 5, 9, 6, 7, 8], data: raw.instructions[0]!.data, stackHeight: 1 }];
      raw.logMessages = [`Program ${RAYDIUM_CPMM_PROGRAM_ID} invoke [1]`, `Program ${RAYDIUM_CPMM_PROGRAM_ID} success`];
      const [created] = decodeTransaction(raw).events as LaunchpadEvent[];
      assert.ok(created?.type === 'amm_pool_created');
      assert.deepEqual(
        [created.venue, created.program, created.pool, created.mint, created.quoteMint, created.lpMint, created.creator, created.baseAmount, created.quoteAmount, created.baseVault, created.quoteVault, created.ixName],
        ['raydium_cpmm', 'launchlab', POOL, TOKEN, WSOL_MINT, key(0x0c), USER, 200_000_000_000_000n, 80_000_000_000n, mint0 === TOKEN ? key(0x06) : key(0x07), mint0 === TOKEN ? key(0x07) : key(0x06), 'initialize'],
      );
    });
  }

  it('deposit with LpChangeEvent → liquidity (reserves after = before ± amounts); withdraw without it → vault deltas', () => {
    // deposit / withdraw accounts: owner 0, authority 1, pool 3 at 2, lp token, owner tokens, vaults 6/7, programs, vault mints 10/11, lp mint.
    const liquidityIx = (name: string) => Uint8Array.from([...instructionDisc(name), ...new Writer().u64(777n).u64(0n).u64(0n).bytes()]);
    const lp = new Writer();
    eventDisc('LpChangeEvent').forEach((b) => lp.u8(b));
    pubkey(lp, POOL);
    lp.u64(1_000n).u64(50_000n).u64(1_000_000n).u64(500n).u64(10_000n).u64(0n).u64(0n).u8(0);
    const accounts = [0, 1, 3, 4, 5, 9, 6, 7, 8, 8, 10, 11, 12];
    const dep = tx(liquidityIx('deposit'), [lp.bytes()], [WSOL_MINT, TOKEN], []);
    dep.instructions[0]!.accounts = accounts;
    const [d] = decodeTransaction(dep).events;
    assert.ok(d?.type === 'liquidity');
    assert.deepEqual([d.kind, d.mint, d.quoteMint, d.baseAmount, d.quoteAmount, d.lpAmount, d.baseReserves, d.quoteReserves, d.user], ['deposit', TOKEN, WSOL_MINT, 10_000n, 500n, 777n, 1_010_000n, 50_500n, USER]);
    const wd = tx(liquidityIx('withdraw'), [], [TOKEN, WSOL_MINT], [{ index: 6, mint: TOKEN, pre: 1_000_000n, post: 990_000n }, { index: 7, mint: WSOL_MINT, pre: 50_000n, post: 49_500n }], false);
    wd.instructions[0]!.accounts = accounts;
    const r = decodeTransaction(wd);
    assert.deepEqual(r.problems, []);
    const [w] = r.events;
    assert.ok(w?.type === 'liquidity');
    assert.deepEqual([w.kind, w.mint, w.baseAmount, w.quoteAmount, w.lpAmount, w.baseReserves, w.quoteReserves], ['withdraw', TOKEN, 10_000n, 500n, 777n, 990_000n, 49_500n]);
  });
});
