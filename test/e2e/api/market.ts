import { randomBytes } from 'node:crypto';
import bs58 from 'bs58';
import type { HolderBalanceRow } from '../../../src/analytics/holders/balances.ts';
import type { LaunchpadEvent, MigratedEvent, TokenCreatedEvent, TradeEvent } from '../../../src/core/events.ts';

/**
 * A small synthetic market for API, browser and load tests: launches on both platforms, trades that walk
 * a constant-product curve (so prices, reserves and progress agree), one graduation. Written through the
 * storage writers, so the API reads exactly what the pipeline would have stored.
 */
export const key = (): string => bs58.encode(randomBytes(32));
export const signature = (): string => bs58.encode(randomBytes(64));
export const SOL_MINT = 'So11111111111111111111111111111111111111112';

const NAMES = ['Pepe Rocket', 'Moon Cat', 'Degen Ape', 'Solana Frog', 'Turbo Dog', 'Giga Chad', 'Based Bird', 'Laser Eyes', 'Hyper Fish', 'Neon Owl'];

/** Quote per whole token from virtual reserves (9 quote decimals, 6 base decimals), 20 significant digits. */
export function curvePrice(vSol: bigint, vTok: bigint): string {
  const scaled = (vSol * 10n ** 24n) / vTok; // (vSol/1e9)/(vTok/1e6) × 1e27 → 1e-27 resolution
  const s = scaled.toString().padStart(28, '0');
  return `${s.slice(0, -27) || '0'}.${s.slice(-27)}`.replace(/0+$/, '');
}

export interface MarketToken {
  mint: string;
  pool: string;
  platform: 'pumpfun' | 'launchlab';
  symbol: string;
  trades: TradeEvent[];
}

export interface SyntheticMarket {
  events: LaunchpadEvent[];
  tokens: MarketToken[];
}

/** `tokens` launches spread over the last `spanSeconds` before `now`, each with `tradesPerToken` trades after it. */
export function syntheticMarket(opts: { tokens: number; tradesPerToken: number; now?: number; spanSeconds?: number; seedSlot?: number }): SyntheticMarket {
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const span = opts.spanSeconds ?? 3000;
  const events: LaunchpadEvent[] = [];
  const tokens: MarketToken[] = [];
  let slot = opts.seedSlot ?? 380_000_000;
  for (let i = 0; i < opts.tokens; i++) {
    const platform = i % 3 === 2 ? 'launchlab' : 'pumpfun';
    const mint = key();
    const pool = key();
    const creator = key();
    const name = NAMES[i % NAMES.length]!;
    const symbol = name.split(' ').map((w) => w.slice(0, 3).toUpperCase()).join('').slice(0, 6) + (i >= NAMES.length ? String(i) : '');
    const launchedAt = now - span + Math.floor((i * span) / Math.max(1, opts.tokens));
    const created: TokenCreatedEvent = {
      type: 'token_created', program: platform, signature: signature(), slot: slot++, blockTime: launchedAt, ixIndex: 0, innerIxIndex: -1,
      mint, name, symbol, uri: `https://example.invalid/${symbol}.json`, creator, user: creator, bondingCurve: pool, quoteMint: SOL_MINT,
      tokenProgram: null, decimals: 6, totalSupply: 1_000_000_000_000_000n, virtualTokenReserves: 1_073_000_000_000_000n,
      virtualSolReserves: 30_000_000_000n, realTokenReserves: 793_100_000_000_000n, isMayhemMode: false, ixName: 'create',
    };
    events.push(created);
    let vSol = 30_000_000_000n;
    let vTok = 1_073_000_000_000_000n;
    const k = vSol * vTok;
    const trades: TradeEvent[] = [];
    for (let j = 0; j < opts.tradesPerToken; j++) {
      const side: 'buy' | 'sell' = j % 4 === 3 ? 'sell' : 'buy';
      const sol = BigInt(50_000_000 + ((i * 7919 + j * 104_729) % 900_000_000));
      let tokenAmount: bigint;
      if (side === 'buy') {
        const newTok = k / (vSol + sol);
        tokenAmount = vTok - newTok;
        vSol += sol;
        vTok = newTok;
      } else {
        const out = sol < vSol - 30_000_000_000n ? sol : (vSol - 30_000_000_000n) / 2n;
        const newTok = k / (vSol - out);
        tokenAmount = newTok - vTok;
        vSol -= out;
        vTok = newTok;
      }
      const realSol = vSol - 30_000_000_000n;
      const blockTime = Math.min(now - 1, launchedAt + 1 + Math.floor(((j + 1) * (now - launchedAt - 2)) / (opts.tradesPerToken + 1)));
      const t: TradeEvent = {
        type: 'trade', venue: 'curve', program: platform, signature: signature(), slot: slot++, blockTime, ixIndex: 1, innerIxIndex: -1,
        mint, quoteMint: SOL_MINT, pool, user: key(), side, solAmount: side === 'buy' ? sol : realSol >= 0n ? sol : 0n, tokenAmount,
        fee: sol / 100n, protocolFee: sol / 100n, creatorFee: 0n, platformFee: 0n, virtualSolReserves: vSol, virtualTokenReserves: vTok,
        realSolReserves: realSol, realTokenReserves: vTok - 279_900_000_000_000n, priceSol: curvePrice(vSol, vTok),
        progressPct: ((Number(realSol) / 85_000_000_000) * 100).toFixed(4), baseDecimals: 6, quoteDecimals: 9, ixName: side,
        completesCurve: false, trailingBytes: 0,
      };
      trades.push(t);
      events.push(t);
    }
    if (i === 0 && trades.length > 0) {
      const last = trades[trades.length - 1]!;
      const migrated: MigratedEvent = {
        type: 'migrated', program: platform, signature: signature(), slot: slot++, blockTime: last.blockTime, ixIndex: 0, innerIxIndex: -1,
        mint, quoteMint: SOL_MINT, pool, newPool: key(), lpMint: null, target: 'pumpswap', baseAmount: null, quoteAmount: null, ixName: 'migrate',
      };
      events.push(migrated);
    }
    tokens.push({ mint, pool, platform, symbol, trades });
  }
  return { events, tokens };
}

/** Each buyer holds what it bought (every trade has its own wallet), the creator holds nothing. */
export function holderBalances(market: SyntheticMarket): HolderBalanceRow[] {
  return market.tokens.flatMap((t) => t.trades.filter((x) => x.side === 'buy').map((x) => ({ mint: t.mint, owner: x.user, amount: x.tokenAmount, slot: x.slot })));
}
