import { randomBytes } from 'node:crypto';
import bs58 from 'bs58';
import type { MigratedEvent, TokenCreatedEvent, TradeEvent } from '../../../src/core/events.ts';

/** Synthetic events with chain-realistic widths (base58 keys, 64-byte signatures); every field set. */
export const key = (): string => bs58.encode(randomBytes(32));
export const signature = (): string => bs58.encode(randomBytes(64));

export const SOL_MINT = 'So11111111111111111111111111111111111111112';
/** The largest amount a trade column (BIGINT) holds. */
export const I64_MAX = (1n << 63n) - 1n;
/** Fixed in the past so tests never depend on the wall clock beyond the retention window. */
export const BLOCK_TIME = Math.floor(Date.UTC(2026, 0, 15, 12) / 1000);

export function trade(over: Partial<TradeEvent> = {}): TradeEvent {
  return {
    type: 'trade',
    venue: 'curve',
    program: 'pumpfun',
    signature: signature(),
    slot: 350_000_000,
    blockTime: BLOCK_TIME,
    ixIndex: 2,
    innerIxIndex: -1,
    mint: key(),
    quoteMint: SOL_MINT,
    pool: key(),
    user: key(),
    side: 'buy',
    solAmount: 1_000_000_000n,
    tokenAmount: 35_000_000_000_000n,
    fee: 12_000_000n,
    protocolFee: 9_500_000n,
    creatorFee: 2_500_000n,
    platformFee: 0n,
    virtualSolReserves: 31_000_000_000n,
    virtualTokenReserves: 1_038_000_000_000_000n,
    realSolReserves: 1_000_000_000n,
    realTokenReserves: 758_000_000_000_000n,
    priceSol: '0.0000000298651252408478',
    progressPct: '4.5879',
    baseDecimals: 6,
    quoteDecimals: 9,
    ixName: 'buy',
    completesCurve: false,
    trailingBytes: 0,
    ...over,
  };
}

export function tokenCreated(over: Partial<TokenCreatedEvent> = {}): TokenCreatedEvent {
  return {
    type: 'token_created',
    program: 'pumpfun',
    signature: signature(),
    slot: 349_999_990,
    blockTime: BLOCK_TIME - 10,
    ixIndex: 1,
    innerIxIndex: -1,
    mint: key(),
    name: 'Megatron Test Token',
    symbol: 'MEGA',
    uri: 'https://ipfs.io/ipfs/QmTest',
    creator: key(),
    user: key(),
    bondingCurve: key(),
    quoteMint: SOL_MINT,
    tokenProgram: 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
    decimals: 6,
    totalSupply: 1_000_000_000_000_000n,
    virtualTokenReserves: 1_073_000_000_000_000n,
    virtualSolReserves: 30_000_000_000n,
    realTokenReserves: 793_100_000_000_000n,
    isMayhemMode: false,
    ixName: 'create',
    ...over,
  };
}

export function migrated(over: Partial<MigratedEvent> = {}): MigratedEvent {
  return {
    type: 'migrated',
    program: 'pumpfun',
    signature: signature(),
    slot: 350_000_100,
    blockTime: BLOCK_TIME + 100,
    ixIndex: 0,
    innerIxIndex: -1,
    mint: key(),
    quoteMint: SOL_MINT,
    pool: key(),
    newPool: key(),
    lpMint: key(),
    target: 'pumpswap',
    baseAmount: 206_900_000_000_000n,
    quoteAmount: 84_990_359_056n,
    ixName: 'migrate',
    ...over,
  };
}
