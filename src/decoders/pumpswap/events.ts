import { readGroups, type BorshReader } from '../borsh.ts';

/**
 * PumpSwap event layouts (IDL npm @pump-fun/pump-sdk 2.0.0, pump_amm.json). Like pump.fun, the program only
 * appends fields; real events end after coin_creator_fee (SellEvent 2025), after ix_name (BuyEvent 2025), and
 * reach holder_rewards in 2026, some with 8 more bytes no IDL names yet. The oldest layout (March 2025: up to
 * protocol_fee_recipient_token_account / user_quote_token_account) is required; every later field is its own
 * group, so a payload may end at any field boundary after it. Ending inside a field throws (corrupt); bytes
 * after the newest known field are counted as trailing.
 */

export interface PumpSwapSwapEvent {
  isBuy: boolean;
  timestamp: bigint;
  /** base_amount_out (buy) / base_amount_in (sell): exactly what left / entered the pool's base vault. */
  baseAmount: bigint;
  /** The pool's reserves BEFORE the trade (the vault balances the program read; checked on a real transaction). */
  poolBaseReserves: bigint;
  poolQuoteReserves: bigint;
  lpFee: bigint;
  protocolFee: bigint;
  /**
   * Quote that entered (buy: quote_amount_in_with_lp_fee) or left (sell: quote_amount_out_without_lp_fee) the
   * pool's quote vault: the swap amount plus / minus the LP fee, which stays in the pool. Read instead of
   * quote_amount_in because `buy_exact_quote_in` writes the trader's whole spend there (fees included).
   */
  quoteVaultAmount: bigint;
  pool: string;
  user: string;
  coinCreatorFee: bigint | null;
  ixName: string | null;
  /** Boosted pools price on real + virtual quote reserves (0 on every other pool). */
  virtualQuoteReserves: bigint | null;
  /** Optional fields read after the oldest layout. */
  optionalFields: number;
  trailingBytes: number;
}

/** A Borsh i128 (two's complement, little-endian) from its two 64-bit halves. */
function i128(r: BorshReader, what: string): bigint {
  const lo = r.u64(what);
  return (r.i64(what) << 64n) | lo;
}

export function decodeSwapEvent(r: BorshReader, isBuy: boolean): PumpSwapSwapEvent {
  const timestamp = r.i64('timestamp');
  const baseAmount = r.u64(isBuy ? 'base_amount_out' : 'base_amount_in');
  r.skip(24, 'quote limit, user reserves');
  const poolBaseReserves = r.u64('pool_base_token_reserves');
  const poolQuoteReserves = r.u64('pool_quote_token_reserves');
  r.skip(16, 'quote amount, lp_fee_basis_points');
  const lpFee = r.u64('lp_fee');
  r.skip(8, 'protocol_fee_basis_points');
  const protocolFee = r.u64('protocol_fee');
  const quoteVaultAmount = r.u64(isBuy ? 'quote_amount_in_with_lp_fee' : 'quote_amount_out_without_lp_fee');
  r.skip(8, 'user quote amount');
  const e: PumpSwapSwapEvent = {
    isBuy,
    timestamp,
    baseAmount,
    poolBaseReserves,
    poolQuoteReserves,
    lpFee,
    protocolFee,
    quoteVaultAmount,
    pool: r.pubkey('pool'),
    user: r.pubkey('user'),
    coinCreatorFee: null,
    ixName: null,
    virtualQuoteReserves: null,
    optionalFields: 0,
    trailingBytes: 0,
  };
  r.skip(4 * 32, 'user token accounts, protocol fee recipient and its token account');
  const skip = (n: number, what: string) => () => r.skip(n, what);
  const buyOnly = isBuy
    ? [
        skip(1, 'track_volume'),
        skip(8, 'total_unclaimed_tokens'),
        skip(8, 'total_claimed_tokens'),
        skip(8, 'current_sol_volume'),
        skip(8, 'last_update_timestamp'),
        skip(8, 'min_base_amount_out'),
        () => (e.ixName = r.string('ix_name')),
      ]
    : [];
  e.optionalFields = readGroups(r, [
    skip(32, 'coin_creator'),
    skip(8, 'coin_creator_fee_basis_points'),
    () => (e.coinCreatorFee = r.u64('coin_creator_fee')),
    ...buyOnly,
    skip(8, 'cashback_fee_basis_points'),
    skip(8, 'cashback'),
    skip(8, 'buyback_fee_basis_points'),
    skip(8, 'buyback_fee'),
    () => (e.virtualQuoteReserves = i128(r, 'virtual_quote_reserves')),
    () => r.bool('can_boost'),
    skip(8, 'base_supply'),
    skip(8, 'holder_rewards_bps'),
    skip(8, 'holder_rewards'),
  ]);
  e.trailingBytes = r.remaining;
  return e;
}

export interface PumpSwapCreatePoolEvent {
  timestamp: bigint;
  creator: string;
  baseMint: string;
  quoteMint: string;
  baseDecimals: number;
  quoteDecimals: number;
  /** What the pool's vaults received (net of any Token-2022 transfer fee). */
  poolBaseAmount: bigint;
  poolQuoteAmount: bigint;
  pool: string;
  lpMint: string;
  coinCreator: string | null;
  trailingBytes: number;
}

export function decodeCreatePoolEvent(r: BorshReader): PumpSwapCreatePoolEvent {
  const timestamp = r.i64('timestamp');
  r.skip(2, 'index');
  const creator = r.pubkey('creator');
  const baseMint = r.pubkey('base_mint');
  const quoteMint = r.pubkey('quote_mint');
  const baseDecimals = r.u8('base_mint_decimals');
  const quoteDecimals = r.u8('quote_mint_decimals');
  r.skip(16, 'base_amount_in, quote_amount_in');
  const poolBaseAmount = r.u64('pool_base_amount');
  const poolQuoteAmount = r.u64('pool_quote_amount');
  r.skip(8 * 3 + 1, 'minimum_liquidity, initial_liquidity, lp_token_amount_out, pool_bump');
  const e: PumpSwapCreatePoolEvent = {
    timestamp,
    creator,
    baseMint,
    quoteMint,
    baseDecimals,
    quoteDecimals,
    poolBaseAmount,
    poolQuoteAmount,
    pool: r.pubkey('pool'),
    lpMint: r.pubkey('lp_mint'),
    coinCreator: null,
    trailingBytes: 0,
  };
  r.skip(64, 'user token accounts');
  readGroups(r, [
    () => (e.coinCreator = r.pubkey('coin_creator')),
    () => r.bool('is_mayhem_mode'),
    () => r.u64('creator_fee_bps'),
    () => r.bool('can_edit_creator_fee'),
    () => r.bool('is_holder_reward'),
  ]);
  e.trailingBytes = r.remaining;
  return e;
}

/** DepositEvent and WithdrawEvent share one shape (amounts in / out). */
export interface PumpSwapLiquidityEvent {
  timestamp: bigint;
  lpAmount: bigint;
  /** Before the deposit / withdrawal, like the swap events. */
  poolBaseReserves: bigint;
  poolQuoteReserves: bigint;
  baseAmount: bigint;
  quoteAmount: bigint;
  pool: string;
  user: string;
  trailingBytes: number;
}

export function decodeLiquidityEvent(r: BorshReader): PumpSwapLiquidityEvent {
  const timestamp = r.i64('timestamp');
  const lpAmount = r.u64('lp_token_amount');
  r.skip(32, 'base/quote limits, user reserves');
  const poolBaseReserves = r.u64('pool_base_token_reserves');
  const poolQuoteReserves = r.u64('pool_quote_token_reserves');
  const baseAmount = r.u64('base_amount');
  const quoteAmount = r.u64('quote_amount');
  r.skip(8, 'lp_mint_supply');
  const e: PumpSwapLiquidityEvent = {
    timestamp,
    lpAmount,
    poolBaseReserves,
    poolQuoteReserves,
    baseAmount,
    quoteAmount,
    pool: r.pubkey('pool'),
    user: r.pubkey('user'),
    trailingBytes: 0,
  };
  r.skip(3 * 32, 'user token accounts');
  e.trailingBytes = r.remaining;
  return e;
}
