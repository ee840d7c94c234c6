/**
 * Raydium AMM v4 decoder. ../shared/fixtures holds no AMM v4 transaction: every vector is synthetic, built from
 * the program's documented layouts (raydium-io/raydium-amm program/src/instruction.rs account lists and tags,
 * log.rs `ray_log` records) inside synthetic transactions whose vault token balances agree with the swap.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base58Encode } from '../../../src/core/base58.ts';
import type { DecodeResult, TradeEvent } from '../../../src/core/events.ts';
import type { RawTokenBalance, RawTx } from '../../../src/core/rawtx.ts';
import { decodeTransaction, RAYDIUM_AMM_V4_PROGRAM_ID } from '../../../src/decoders/index.ts';
import { WSOL_MINT } from '../../../src/decoders/launchlab/constants.ts';
import { raydiumAmmDecoder } from '../../../src/decoders/raydium-amm/decode.ts';
import { Writer } from './writer.ts';

const key = (fill: number): string => base58Encode(new Uint8Array(32).fill(fill));
const TOKEN = key(0x31);
const POOL = key(0x41);
const USER = key(0x51);
const PROGRAM_INDEX = 21;
const trades = (r: DecodeResult): TradeEvent[] => r.events.filter((e): e is TradeEvent => e.type === 'trade');
const kinds = (r: DecodeResult): string[] => r.problems.map((p) => `${p.kind}/${p.severity}`);

/** Account keys: 1 the pool, 5 / 6 the coin / pc vaults, 17 the user, 21 the program; the rest filler. */
const ACCOUNT_KEYS = Array.from({ length: 22 }, (_, i) => (i === 1 ? POOL : i === 17 ? USER : i === PROGRAM_INDEX ? RAYDIUM_AMM_V4_PROGRAM_ID : key(0x80 + i)));
const SWAP_18 = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
const SWAP_17 = SWAP_18.filter((i) => i !== 4);
const SWAP_V2 = [0, 1, 2, 5, 6, 15, 16, 17];

interface Vault {
  index: number;
  mint: string;
  pre: bigint | null;
  post: bigint;
}

function tx(data: Uint8Array, accounts: number[], vaults: Vault[], rayLogs: Uint8Array[] | null, opts: { inner?: boolean } = {}): RawTx {
  const balance = (v: Vault, amount: bigint): RawTokenBalance => ({ accountIndex: v.index, mint: v.mint, owner: key(0x82), programId: null, amount, decimals: v.mint === WSOL_MINT ? 9 : 6 });
  return {
    signature: 'sig-amm',
    slot: 1,
    blockTime: 1_780_000_000,
    indexInBlock: null,
    accountKeys: ACCOUNT_KEYS,
    staticKeyCount: ACCOUNT_KEYS.length,
    version: 0,
    instructions: [{ programIdIndex: PROGRAM_INDEX, accounts, data, stackHeight: 1 }],
    innerInstructions: opts.inner === false ? [] : [{ index: 0, instructions: [{ programIdIndex: 0, accounts: [15, 5, 17], data: Uint8Array.from([3, 1, 0, 0, 0, 0, 0, 0, 0]), stackHeight: 2 }] }],
    logMessages:
      rayLogs === null
        ? null
        : [
            `Program ${RAYDIUM_AMM_V4_PROGRAM_ID} invoke [1]`,
            ...rayLogs.map((b) => `Program log: ray_log: ${Buffer.from(b).toString('base64')}`),
            `Program ${ACCOUNT_KEYS[0]} invoke [2]`,
            `Program ${ACCOUNT_KEYS[0]} success`,
            `Program ${RAYDIUM_AMM_V4_PROGRAM_ID} success`,
          ],
    err: null,
    fee: 5000n,
    preBalances: ACCOUNT_KEYS.map(() => 0n),
    postBalances: ACCOUNT_KEYS.map(() => 0n),
    preTokenBalances: vaults.flatMap((v) => (v.pre === null ? [] : [balance(v, v.pre)])),
    postTokenBalances: vaults.map((v) => balance(v, v.post)),
  };
}

const ix = (tag: number, ...args: bigint[]) => {
  const w = new Writer().u8(tag);
  for (const a of args) w.u64(a);
  return w.bytes();
};
/** SwapBaseIn (3) / SwapBaseOut (4) record: 1 byte type + seven u64 (log.rs). direction 1 = PC2Coin, 2 = Coin2PC. */
const swapLog = (type: 3 | 4, a: bigint, b: bigint, direction: bigint, poolCoin: bigint, poolPc: bigint, result: bigint) =>
  new Writer().u8(type).u64(a).u64(b).u64(direction).u64(0n).u64(poolCoin).u64(poolPc).u64(result).bytes();

const COIN = 200_000_000_000_000n; // token in the coin vault
const PC = 85_000_000_000n; // WSOL in the pc vault
const IN = 1_000_000_000n;
const OUT = 2_319_834_878_920n;
/** A buy on a coin = token, pc = WSOL pool: WSOL into the pc vault, token out of the coin vault. */
const buyVaults = (drift = 0n): Vault[] => [
  { index: 5, mint: TOKEN, pre: COIN, post: COIN - OUT + drift },
  { index: 6, mint: WSOL_MINT, pre: PC, post: PC + IN },
];

describe('Raydium AMM v4: synthetic vectors from the program layouts', () => {
  it('swap_base_in (18 accounts) buy with ray_log: amounts and pre-swap totals from the log, 0.25 % fee, vaults verify', () => {
    const r = decodeTransaction(tx(ix(9, IN, 1n), SWAP_18, buyVaults(), [swapLog(3, IN, 1n, 1n, COIN, PC, OUT)]));
    assert.deepEqual(r.problems, []);
    const [t] = trades(r);
    assert.deepEqual(
      [t!.venue, t!.program, t!.mint, t!.quoteMint, t!.pool, t!.user, t!.side, t!.tokenAmount, t!.ixName, t!.realSolReserves, t!.realTokenReserves],
      ['raydium_amm_v4', 'launchlab', TOKEN, WSOL_MINT, POOL, USER, 'buy', OUT, 'swap_base_in', PC + IN, COIN - OUT],
    );
    assert.deepEqual([t!.platformFee, t!.protocolFee, t!.creatorFee, t!.solAmount], [2_500_000n, 0n, 0n, IN - 2_500_000n]);
    assert.equal(t!.virtualSolReserves, t!.realSolReserves);
  });

  it('swap_base_out (17 accounts, no target orders) sell: coin in, pc out; the fee in the token is converted', () => {
    const tokenIn = 2_000_000_000_000n;
    const solOut = 839_500_977n;
    const vaults: Vault[] = [
      { index: 5, mint: TOKEN, pre: COIN, post: COIN + tokenIn },
      { index: 6, mint: WSOL_MINT, pre: PC, post: PC - solOut },
    ];
    const r = decodeTransaction(tx(ix(11, tokenIn + 5n, solOut), SWAP_17, vaults, [swapLog(4, tokenIn + 5n, solOut, 2n, COIN, PC, tokenIn)]));
    assert.deepEqual(r.problems, []);
    const [t] = trades(r);
    assert.deepEqual([t!.side, t!.tokenAmount, t!.solAmount, t!.ixName, t!.realTokenReserves, t!.realSolReserves], ['sell', tokenIn, solOut, 'swap_base_out', COIN + tokenIn, PC - solOut]);
    assert.equal(t!.platformFee, (((tokenIn * 25n + 9_999n) / 10_000n) * solOut) / tokenIn);
  });

  it('flipped pool (coin = WSOL, pc = token): mint is still the token, the side follows the token', () => {
    const vaults: Vault[] = [
      { index: 5, mint: WSOL_MINT, pre: PC, post: PC + IN },
      { index: 6, mint: TOKEN, pre: COIN, post: COIN - OUT },
    ];
    const r = decodeTransaction(tx(ix(9, IN, 1n), SWAP_18, vaults, [swapLog(3, IN, 1n, 2n, PC, COIN, OUT)]));
    assert.deepEqual(r.problems, []);
    const [t] = trades(r);
    assert.deepEqual([t!.mint, t!.quoteMint, t!.side, t!.tokenAmount, t!.solAmount + t!.fee, t!.realTokenReserves, t!.realSolReserves], [TOKEN, WSOL_MINT, 'buy', OUT, IN, COIN - OUT, PC + IN]);
  });

  it('swap_base_in_v2 (8 accounts) without logs: the vault changes are the amounts, the post balances the reserves', () => {
    const r = decodeTransaction(tx(ix(16, IN, 1n), SWAP_V2, buyVaults(), null));
    assert.deepEqual(r.problems, []);
    const [t] = trades(r);
    assert.deepEqual([t!.side, t!.tokenAmount, t!.solAmount + t!.fee, t!.ixName, t!.realSolReserves, t!.realTokenReserves], ['buy', OUT, IN, 'swap_base_in_v2', PC + IN, COIN - OUT]);
    const none = decodeTransaction(tx(ix(16, IN, 1n), SWAP_V2, [{ index: 5, mint: TOKEN, pre: COIN, post: COIN }, { index: 6, mint: WSOL_MINT, pre: PC, post: PC }], null));
    assert.deepEqual([kinds(none), trades(none).length], [['missing_accounts/quarantine'], 0]);
  });

  it('a ray_log that disagrees with the vault balances is flagged (verification_mismatch), the trade stays', () => {
    const r = decodeTransaction(tx(ix(9, IN, 1n), SWAP_18, buyVaults(7n), [swapLog(3, IN, 1n, 1n, COIN, PC, OUT)]));
    assert.deepEqual(kinds(r), ['verification_mismatch/flag']);
    assert.equal(trades(r).length, 1);
  });

  it('a malformed ray_log (short, unknown direction) is a problem, not a crash; unrelated ray_log types are ignored', () => {
    const full = swapLog(3, IN, 1n, 1n, COIN, PC, OUT);
    for (const bad of [full.subarray(0, 40), swapLog(3, IN, 1n, 7n, COIN, PC, OUT)]) {
      const r = decodeTransaction(tx(ix(9, IN, 1n), SWAP_18, buyVaults(), [bad]));
      assert.deepEqual([kinds(r), trades(r).length], [['malformed_event/quarantine'], 0]);
    }
    const other = decodeTransaction(tx(ix(9, IN, 1n), SWAP_18, buyVaults(), [Uint8Array.from([0, ...new Uint8Array(40)])]));
    assert.deepEqual([kinds(other), trades(other).length], [[], 1]);
  });

  it('logs-only source: a top-level swap decodes the same; a CPI\'d one has no accounts (missing_accounts)', () => {
    const withInner = decodeTransaction(tx(ix(9, IN, 1n), SWAP_18, buyVaults(), [swapLog(3, IN, 1n, 1n, COIN, PC, OUT)]));
    const logsOnly = decodeTransaction(tx(ix(9, IN, 1n), SWAP_18, buyVaults(), [swapLog(3, IN, 1n, 1n, COIN, PC, OUT)], { inner: false }));
    assert.deepEqual(logsOnly, withInner);
    const router = 'JUP6LkbZbjS1jKKwapdHNy74zcZ3tLUZoi5QNyVTaV4';
    const log = `Program log: ray_log: ${Buffer.from(swapLog(3, IN, 1n, 1n, COIN, PC, OUT)).toString('base64')}`;
    const nested = decodeTransaction({
      ...tx(ix(9, IN, 1n), SWAP_18, buyVaults(), null, { inner: false }),
      instructions: [],
      logMessages: [`Program ${router} invoke [1]`, `Program ${RAYDIUM_AMM_V4_PROGRAM_ID} invoke [2]`, log, `Program ${RAYDIUM_AMM_V4_PROGRAM_ID} success`, `Program ${router} success`],
    });
    assert.deepEqual([kinds(nested), trades(nested).length], [['missing_accounts/quarantine'], 0]);
  });

  it('initialize2 → amm_pool_created from accounts 4/7/8/9/10/11/17 and init_pc_amount / init_coin_amount', () => {
    // Account positions: 4 amm, 7 lp mint, 8 coin mint, 9 pc mint, 10 coin vault, 11 pc vault, 17 user wallet.
    const keys = [...ACCOUNT_KEYS];
    keys[4] = POOL;
    keys[8] = TOKEN;
    keys[9] = WSOL_MINT;
    const data = new Writer().u8(1).u8(254).u64(0n).u64(79_000_000_000n).u64(206_900_000_000_000n).bytes();
    const raw = { ...tx(data, SWAP_18.concat([18, 19, 20]), [], null), accountKeys: keys };
    const r = decodeTransaction(raw);
    assert.deepEqual(r.problems, []);
    const [p] = r.events;
    assert.ok(p?.type === 'amm_pool_created');
    assert.deepEqual(
      [p.venue, p.program, p.pool, p.mint, p.quoteMint, p.lpMint, p.creator, p.baseAmount, p.quoteAmount, p.baseVault, p.quoteVault, p.ixName],
      ['raydium_amm_v4', 'launchlab', POOL, TOKEN, WSOL_MINT, keys[7], USER, 206_900_000_000_000n, 79_000_000_000n, keys[10], keys[11], 'initialize2'],
    );
    assert.deepEqual(kinds(decodeTransaction({ ...raw, instructions: [{ ...raw.instructions[0]!, data: data.subarray(0, 20) }] })), ['malformed_instruction/quarantine']);
  });

  it('deposit / withdraw → liquidity from the vault changes (withdraw: LP amount from its argument)', () => {
    // deposit / withdraw: amm 1, lp mint 5, coin vault 6, pc vault 7. Here keys 6 / 7 are the vaults.
    const vaults = (dCoin: bigint, dPc: bigint): Vault[] => [
      { index: 6, mint: TOKEN, pre: COIN, post: COIN + dCoin },
      { index: 7, mint: WSOL_MINT, pre: PC, post: PC + dPc },
    ];
    const dep = decodeTransaction(tx(ix(3, 10n, 10n, 0n), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 17, 13], vaults(1_000n, 5n), null));
    const [d] = dep.events;
    assert.ok(d?.type === 'liquidity');
    assert.deepEqual([d.venue, d.kind, d.mint, d.quoteMint, d.baseAmount, d.quoteAmount, d.lpAmount, d.baseReserves, d.quoteReserves, d.user], ['raydium_amm_v4', 'deposit', TOKEN, WSOL_MINT, 1_000n, 5n, null, COIN + 1_000n, PC + 5n, USER]);
    const wd = decodeTransaction(tx(ix(4, 321n), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 18, 19, 20], vaults(-1_000n, -5n), null));
    const [w] = wd.events;
    assert.ok(w?.type === 'liquidity');
    assert.deepEqual([w.kind, w.baseAmount, w.quoteAmount, w.lpAmount, w.user], ['withdraw', 1_000n, 5n, 321n, USER]);
  });

  it('instructionName by tag; unknown tags and empty data are null', () => {
    const names: Array<[number, string]> = [[0, 'initialize'], [1, 'initialize2'], [3, 'deposit'], [4, 'withdraw'], [9, 'swap_base_in'], [11, 'swap_base_out'], [16, 'swap_base_in_v2'], [17, 'swap_base_out_v2']];
    for (const [tag, name] of names) assert.equal(raydiumAmmDecoder.instructionName(Uint8Array.from([tag, 0])), name);
    assert.equal(raydiumAmmDecoder.instructionName(Uint8Array.from([18])), null);
    assert.equal(raydiumAmmDecoder.instructionName(Uint8Array.from([200])), null);
    assert.equal(raydiumAmmDecoder.instructionName(new Uint8Array(0)), null);
    const r = decodeTransaction(tx(Uint8Array.from([200]), SWAP_18, [], null));
    assert.deepEqual([r.events, r.problems, r.coverage.map((c) => c.instruction)], [[], [], ['0xc8']]);
  });
});
