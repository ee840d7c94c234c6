import { randomBytes } from 'node:crypto';
import bs58 from 'bs58';
import type { TokenCreatedEvent, TradeEvent } from '../../../src/core/events.ts';

/** Synthetic market traffic for analytics tests: realistic widths, ties in time and slot, exact decimals. */
export const key = (): string => bs58.encode(randomBytes(32));
const signature = (): string => bs58.encode(randomBytes(64));
const SOL_MINT = 'So11111111111111111111111111111111111111112';

/** Deterministic PRNG (mulberry32) so a failing run can be replayed from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Market {
  mint: string;
  pool: string;
}

export function market(): Market {
  return { mint: key(), pool: key() };
}

/** One trade of `m` at unix second `at`; the slot follows the time (≈ 2.5 slots/s) like on chain. */
export function tradeAt(m: Market, at: number, rand: () => number, users: string[], over: Partial<TradeEvent> = {}): TradeEvent {
  const side = rand() < 0.6 ? 'buy' : 'sell';
  // a price near 3e-8 SOL with 18 significant digits
  const price = `0.0000000${(2_000_000_000_000_000_00n + BigInt(Math.floor(rand() * 1e15)) * 1000n + BigInt(Math.floor(rand() * 1000))).toString()}`;
  return {
    type: 'trade',
    venue: 'curve',
    program: 'pumpfun',
    signature: signature(),
    slot: Math.floor(at * 2.5) - 4_000_000_000 + 400_000_000,
    blockTime: at,
    ixIndex: Math.floor(rand() * 4),
    innerIxIndex: rand() < 0.5 ? -1 : Math.floor(rand() * 3),
    mint: m.mint,
    quoteMint: SOL_MINT,
    pool: m.pool,
    user: users[Math.floor(rand() * users.length)]!,
    side,
    solAmount: BigInt(Math.floor(rand() * 5e9)) + 1n,
    tokenAmount: BigInt(Math.floor(rand() * 1e14)) + 1n,
    fee: 1000n,
    protocolFee: 900n,
    creatorFee: 100n,
    platformFee: 0n,
    virtualSolReserves: 31_000_000_000n,
    virtualTokenReserves: 1_038_000_000_000_000n,
    realSolReserves: BigInt(Math.floor(rand() * 80e9)),
    realTokenReserves: 758_000_000_000_000n,
    priceSol: price,
    progressPct: (rand() * 100).toFixed(4),
    baseDecimals: 6,
    quoteDecimals: 9,
    ixName: side,
    completesCurve: false,
    trailingBytes: 0,
    ...over,
  };
}

/**
 * `count` trades per market spread over [start, end) unix seconds. About a fifth share the previous
 * trade's block time (and often its slot), so open/close depend on the tie-break order.
 */
export function traffic(markets: Market[], start: number, end: number, count: number, seed: number): TradeEvent[] {
  const rand = rng(seed);
  const users = Array.from({ length: 25 }, key);
  const out: TradeEvent[] = [];
  for (const m of markets) {
    let prev: TradeEvent | undefined;
    for (let i = 0; i < count; i++) {
      const at = start + Math.floor(((end - start) * i) / count);
      const t = tradeAt(m, at, rand, users);
      if (prev && rand() < 0.2) Object.assign(t, { blockTime: prev.blockTime, slot: rand() < 0.5 ? prev.slot : prev.slot + 1 });
      out.push(t);
      prev = t;
    }
  }
  return out;
}

/** A pump.fun creation event for `m` (the curve is `m.pool`). */
export function tokenCreated(m: Market, creator: string, uri: string, at: number, slot: number): TokenCreatedEvent {
  return {
    type: 'token_created',
    program: 'pumpfun',
    signature: signature(),
    slot,
    blockTime: at,
    ixIndex: 1,
    innerIxIndex: -1,
    mint: m.mint,
    name: 'Megatron Test Token',
    symbol: 'MEGA',
    uri,
    creator,
    user: creator,
    bondingCurve: m.pool,
    quoteMint: SOL_MINT,
    tokenProgram: 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
    decimals: 6,
    totalSupply: 1_000_000_000_000_000n,
    virtualTokenReserves: 1_073_000_000_000_000n,
    virtualSolReserves: 30_000_000_000n,
    realTokenReserves: 793_100_000_000_000n,
    isMayhemMode: false,
    ixName: 'create',
  };
}
