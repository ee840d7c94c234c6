import { readGroups, type BorshReader } from '../borsh.ts';

/**
 * pump.fun event layouts (spec §2.4). Fields were only ever appended, in groups (one group per program
 * upgrade). Each decoder reads the oldest layout, then each later group while bytes remain: a group is
 * all-or-nothing (ending inside it is corruption), bytes after the newest known group are counted as
 * trailing, never rejected.
 */

/** The all-zero key pump.fun writes as `quote_mint` for SOL-quoted coins. */
export const ZERO_KEY = '11111111111111111111111111111111';

export interface PumpTradeEvent {
  /** Layout version V0…V8 (table 2.4); bytes beyond V8 show up in trailingBytes (V9 = 8). */
  layout: number;
  mint: string;
  solAmount: bigint;
  tokenAmount: bigint;
  isBuy: boolean;
  user: string;
  timestamp: bigint;
  virtualSolReserves: bigint;
  virtualTokenReserves: bigint;
  realSolReserves: bigint | null;
  realTokenReserves: bigint | null;
  feeBasisPoints: bigint | null;
  fee: bigint | null;
  creator: string | null;
  creatorFeeBasisPoints: bigint | null;
  creatorFee: bigint | null;
  ixName: string | null;
  mayhemMode: boolean | null;
  cashback: bigint | null;
  buybackFee: bigint | null;
  quoteMint: string | null;
  quoteAmount: bigint | null;
  virtualQuoteReserves: bigint | null;
  realQuoteReserves: bigint | null;
  holderRewards: bigint | null;
  trailingBytes: number;
}

export function decodePumpTradeEvent(r: BorshReader): PumpTradeEvent {
  const e: PumpTradeEvent = {
    layout: 0,
    mint: r.pubkey('mint'),
    solAmount: r.u64('sol_amount'),
    tokenAmount: r.u64('token_amount'),
    isBuy: r.bool('is_buy'),
    user: r.pubkey('user'),
    timestamp: r.i64('timestamp'),
    virtualSolReserves: r.u64('virtual_sol_reserves'),
    virtualTokenReserves: r.u64('virtual_token_reserves'),
    realSolReserves: null,
    realTokenReserves: null,
    feeBasisPoints: null,
    fee: null,
    creator: null,
    creatorFeeBasisPoints: null,
    creatorFee: null,
    ixName: null,
    mayhemMode: null,
    cashback: null,
    buybackFee: null,
    quoteMint: null,
    quoteAmount: null,
    virtualQuoteReserves: null,
    realQuoteReserves: null,
    holderRewards: null,
    trailingBytes: 0,
  };
  const groups: Array<() => void> = [
    () => {
      e.realSolReserves = r.u64('real_sol_reserves');
      e.realTokenReserves = r.u64('real_token_reserves');
    },
    () => {
      r.skip(32, 'fee_recipient');
      e.feeBasisPoints = r.u64('fee_basis_points');
      e.fee = r.u64('fee');
      e.creator = r.pubkey('creator');
      e.creatorFeeBasisPoints = r.u64('creator_fee_basis_points');
      e.creatorFee = r.u64('creator_fee');
    },
    () => {
      r.bool('track_volume');
      r.skip(32, 'volume accumulator fields');
    },
    () => {
      e.ixName = r.string('ix_name');
    },
    () => {
      e.mayhemMode = r.bool('mayhem_mode');
    },
    () => {
      r.u64('cashback_fee_basis_points');
      e.cashback = r.u64('cashback');
    },
    () => {
      r.u64('buyback_fee_basis_points');
      e.buybackFee = r.u64('buyback_fee');
      const holders = r.u32('shareholders length');
      r.skip(holders * 34, 'shareholders');
      e.quoteMint = r.pubkey('quote_mint');
      e.quoteAmount = r.u64('quote_amount');
      e.virtualQuoteReserves = r.u64('virtual_quote_reserves');
      e.realQuoteReserves = r.u64('real_quote_reserves');
    },
    () => {
      r.u64('holder_rewards_bps');
      e.holderRewards = r.u64('holder_rewards');
    },
  ];
  e.layout = readGroups(r, groups);
  e.trailingBytes = r.remaining;
  return e;
}

export interface PumpCreateEvent {
  name: string;
  symbol: string;
  uri: string;
  mint: string;
  bondingCurve: string;
  user: string;
  creator: string | null;
  timestamp: bigint | null;
  virtualTokenReserves: bigint | null;
  virtualSolReserves: bigint | null;
  realTokenReserves: bigint | null;
  tokenTotalSupply: bigint | null;
  tokenProgram: string | null;
  isMayhemMode: boolean | null;
  isCashbackEnabled: boolean | null;
  quoteMint: string | null;
  virtualQuoteReserves: bigint | null;
  creatorFeeBps: bigint | null;
  trailingBytes: number;
}

export function decodePumpCreateEvent(r: BorshReader): PumpCreateEvent {
  const e: PumpCreateEvent = {
    name: r.string('name'),
    symbol: r.string('symbol'),
    uri: r.string('uri'),
    mint: r.pubkey('mint'),
    bondingCurve: r.pubkey('bonding_curve'),
    user: r.pubkey('user'),
    creator: null,
    timestamp: null,
    virtualTokenReserves: null,
    virtualSolReserves: null,
    realTokenReserves: null,
    tokenTotalSupply: null,
    tokenProgram: null,
    isMayhemMode: null,
    isCashbackEnabled: null,
    quoteMint: null,
    virtualQuoteReserves: null,
    creatorFeeBps: null,
    trailingBytes: 0,
  };
  readGroups(r, [
    () => {
      e.creator = r.pubkey('creator');
      e.timestamp = r.i64('timestamp');
    },
    () => {
      e.virtualTokenReserves = r.u64('virtual_token_reserves');
      e.virtualSolReserves = r.u64('virtual_sol_reserves');
      e.realTokenReserves = r.u64('real_token_reserves');
      e.tokenTotalSupply = r.u64('token_total_supply');
    },
    () => {
      e.tokenProgram = r.pubkey('token_program');
      e.isMayhemMode = r.bool('is_mayhem_mode');
    },
    () => {
      e.isCashbackEnabled = r.bool('is_cashback_enabled');
    },
    () => {
      e.quoteMint = r.pubkey('quote_mint');
      e.virtualQuoteReserves = r.u64('virtual_quote_reserves');
    },
    () => {
      e.creatorFeeBps = r.u64('creator_fee_bps');
    },
  ]);
  // Position 19 onwards (game_mode vs is_holder_reward, spec §8) is unconfirmed: counted, not interpreted.
  e.trailingBytes = r.remaining;
  return e;
}

export interface PumpCompleteEvent {
  user: string;
  mint: string;
  bondingCurve: string;
  timestamp: bigint;
  quoteMint: string | null;
  trailingBytes: number;
}

export function decodePumpCompleteEvent(r: BorshReader): PumpCompleteEvent {
  const e: PumpCompleteEvent = {
    user: r.pubkey('user'),
    mint: r.pubkey('mint'),
    bondingCurve: r.pubkey('bonding_curve'),
    timestamp: r.i64('timestamp'),
    quoteMint: null,
    trailingBytes: 0,
  };
  readGroups(r, [() => (e.quoteMint = r.pubkey('quote_mint'))]);
  e.trailingBytes = r.remaining;
  return e;
}

export interface PumpMigrationEvent {
  user: string;
  mint: string;
  mintAmount: bigint;
  solAmount: bigint;
  poolMigrationFee: bigint;
  bondingCurve: string;
  timestamp: bigint;
  pool: string;
  quoteMint: string | null;
  trailingBytes: number;
}

export function decodePumpMigrationEvent(r: BorshReader): PumpMigrationEvent {
  const e: PumpMigrationEvent = {
    user: r.pubkey('user'),
    mint: r.pubkey('mint'),
    mintAmount: r.u64('mint_amount'),
    solAmount: r.u64('sol_amount'),
    poolMigrationFee: r.u64('pool_migration_fee'),
    bondingCurve: r.pubkey('bonding_curve'),
    timestamp: r.i64('timestamp'),
    pool: r.pubkey('pool'),
    quoteMint: null,
    trailingBytes: 0,
  };
  readGroups(r, [() => (e.quoteMint = r.pubkey('quote_mint'))]);
  e.trailingBytes = r.remaining;
  return e;
}
