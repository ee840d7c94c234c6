import type { TradeEvent } from '../../core/events.ts';
import { discHex, DiscriminatorMap, eventDisc } from '../anchor.ts';
import { BorshError, BorshReader } from '../borsh.ts';
import type { DecodeContext, Invocation, ProgramDecoder } from '../context.ts';
import { WSOL_MINT } from '../launchlab/constants.ts';
import { percent, pricePerToken } from '../math.ts';
import { PUMPFUN_EVENT, PUMPFUN_EVENT_AUTHORITY, PUMPFUN_IX, PUMPFUN_PROGRAM_ID } from './constants.ts';
import {
  decodePumpCompleteEvent,
  decodePumpCreateEvent,
  decodePumpMigrationEvent,
  decodePumpTradeEvent,
  ZERO_KEY,
  type PumpTradeEvent,
} from './events.ts';

const SPL_TOKEN_PROGRAM = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
const TOKEN_DECIMALS = 6;
const SOL_DECIMALS = 9;
/** Standard coin (spec §2.6): tokens sold on the curve, and virtual − real token reserves (constant). */
const INITIAL_REAL_TOKEN_RESERVES = 793_100_000_000_000n;
const VIRTUAL_REAL_TOKEN_OFFSET = 279_900_000_000_000n;
/**
 * 2024 – 2025-05-12 the protocol fee was a flat 100 bps and events (V0/V1) did not carry it (spec §2.6). The
 * fee transfers of that era were floor(sol × 100 / 10 000) (the 0xjeffro fixtures' fee amounts).
 */
const LEGACY_FEE_BPS = 100n;

const IX_NAME_BY_DISC = new DiscriminatorMap<string>([
  ...Object.entries(PUMPFUN_IX).map(([name, disc]) => [disc, name] as const),
  [Uint8Array.from(Buffer.from('ea66c2cb96483ee5', 'hex')), 'extend_account'],
]);

/** Bonding-curve account position per trade instruction (spec §2.2). */
const CURVE_ACCOUNT: Record<string, number> = {
  buy: 3,
  sell: 3,
  buy_exact_sol_in: 3,
  buy_v2: 10,
  sell_v2: 10,
  buy_exact_quote_in_v2: 10,
};
/** lp_mint position in migrate / migrate_v2. */
const LP_MINT_ACCOUNT: Record<string, number> = { migrate: 15, migrate_v2: 15 };

/** Events the program emits that carry nothing this indexer stores: recognised, not counted as unknown. */
const IGNORED_EVENTS = [
  'SetParamsEvent',
  'ExtendAccountEvent',
  'CollectCreatorFeeEvent',
  'SetCreatorEvent',
  'SetMetaplexCreatorEvent',
  'UpdateMayhemVirtualParamsEvent',
  'ClaimCashbackEvent',
  'DistributeCreatorFeesEvent',
  'AdminCtoEvent',
  'InitUserVolumeAccumulatorEvent',
  'SyncUserVolumeAccumulatorEvent',
  'CloseUserVolumeAccumulatorEvent',
  'ClaimTokenIncentivesEvent',
];
const EVENT_KIND = new DiscriminatorMap<'create' | 'trade' | 'complete' | 'migration' | 'ignored'>([
  [PUMPFUN_EVENT.CreateEvent, 'create'],
  [PUMPFUN_EVENT.TradeEvent, 'trade'],
  [PUMPFUN_EVENT.CompleteEvent, 'complete'],
  [PUMPFUN_EVENT.CompletePumpAmmMigrationEvent, 'migration'],
  ...IGNORED_EVENTS.map((name) => [eventDisc(name), 'ignored'] as const),
]);

function quoteMintOf(key: string | null): string {
  return key === null || key === ZERO_KEY ? WSOL_MINT : key;
}

/** pump.fun bonding curve: create, trades (every flavour), curve completion, migration to PumpSwap. */
export const pumpfunDecoder: ProgramDecoder = {
  programId: PUMPFUN_PROGRAM_ID,
  platform: 'pumpfun',
  eventAuthority: PUMPFUN_EVENT_AUTHORITY,
  instructionName: (data) => IX_NAME_BY_DISC.get(data) ?? null,
  decode(inv: Invocation, ctx: DecodeContext): void {
    const ixName = inv.ix ? (IX_NAME_BY_DISC.get(inv.ix.data) ?? null) : null;
    if (ixName === 'create' || ixName === 'create_v2' || ixName === 'extend_account') {
      const curve = ctx.account(inv.ix, ixName === 'extend_account' ? 0 : 2);
      if (curve) ctx.rentTouched.add(curve);
    }
    let trade: TradeEvent | null = null;
    for (const blob of inv.events) {
      const kind = EVENT_KIND.get(blob);
      const r = new BorshReader(blob, 8);
      try {
        if (kind === 'trade') trade = onTrade(decodePumpTradeEvent(r), ixName, inv, ctx) ?? trade;
        else if (kind === 'create') onCreate(r, ixName, inv, ctx);
        else if (kind === 'complete') {
          const e = decodePumpCompleteEvent(r);
          countTrailing(ctx, inv, 'CompleteEvent', e.trailingBytes);
          if (trade) trade.completesCurve = true;
          ctx.events.push({
            type: 'curve_completed',
            mint: e.mint,
            pool: e.bondingCurve,
            user: e.user,
            ...ctx.location('pumpfun', inv, Number(e.timestamp)),
          });
        } else if (kind === 'migration') {
          const e = decodePumpMigrationEvent(r);
          countTrailing(ctx, inv, 'CompletePumpAmmMigrationEvent', e.trailingBytes);
          ctx.events.push({
            type: 'migrated',
            mint: e.mint,
            quoteMint: quoteMintOf(e.quoteMint),
            pool: e.bondingCurve,
            newPool: e.pool,
            lpMint: ixName && ixName in LP_MINT_ACCOUNT ? ctx.account(inv.ix, LP_MINT_ACCOUNT[ixName]!) : null,
            target: 'pumpswap',
            baseAmount: e.mintAmount,
            quoteAmount: e.solAmount,
            ixName: ixName ?? 'unknown',
            ...ctx.location('pumpfun', inv, Number(e.timestamp)),
          });
        } else if (kind !== 'ignored') {
          ctx.problem('pumpfun', inv, 'unknown_discriminator', 'count', `event discriminator ${discHex(blob)}`);
        }
      } catch (err) {
        if (!(err instanceof BorshError)) throw err;
        ctx.problem('pumpfun', inv, 'malformed_event', 'quarantine', `event ${discHex(blob)}: ${err.message}`);
      }
    }
  },
};

function countTrailing(ctx: DecodeContext, inv: Invocation, what: string, bytes: number): void {
  if (bytes > 0) ctx.problem('pumpfun', inv, 'trailing_bytes', 'count', `${what}: ${bytes} unknown trailing bytes`);
}

function onCreate(r: BorshReader, ixName: string | null, inv: Invocation, ctx: DecodeContext): void {
  const e = decodePumpCreateEvent(r);
  countTrailing(ctx, inv, 'CreateEvent', e.trailingBytes);
  // The event names the curve even when the create ran as a CPI read from logs only (no instruction accounts).
  ctx.rentTouched.add(e.bondingCurve);
  const tokenProgram =
    e.tokenProgram ?? (ixName === 'create' ? SPL_TOKEN_PROGRAM : ixName === 'create_v2' ? ctx.account(inv.ix, 7) : null);
  ctx.events.push({
    type: 'token_created',
    mint: e.mint,
    name: e.name,
    symbol: e.symbol,
    uri: e.uri,
    creator: e.creator ?? e.user,
    user: e.user,
    bondingCurve: e.bondingCurve,
    quoteMint: quoteMintOf(e.quoteMint),
    tokenProgram,
    decimals: ctx.mintDecimals(e.mint) ?? TOKEN_DECIMALS,
    totalSupply: e.tokenTotalSupply,
    virtualTokenReserves: e.virtualTokenReserves,
    virtualSolReserves: e.virtualQuoteReserves ?? e.virtualSolReserves,
    realTokenReserves: e.realTokenReserves,
    isMayhemMode: e.isMayhemMode,
    ixName: ixName ?? 'unknown',
    ...ctx.location('pumpfun', inv, e.timestamp === null ? null : Number(e.timestamp)),
  });
}

function onTrade(e: PumpTradeEvent, ixName: string | null, inv: Invocation, ctx: DecodeContext): TradeEvent | null {
  countTrailing(ctx, inv, 'TradeEvent', e.trailingBytes);
  const curveIndex = ixName === null ? undefined : CURVE_ACCOUNT[ixName];
  const pool = curveIndex === undefined ? null : ctx.account(inv.ix, curveIndex);
  if (pool === null) {
    ctx.problem('pumpfun', inv, 'missing_accounts', 'quarantine', `TradeEvent under instruction ${ixName ?? 'unknown'}: bonding curve unknown`);
    return null;
  }
  // From V7 the quote_* fields are authoritative for the quote leg (non-SOL quote mints).
  const quoteIsSol = e.quoteMint === null || e.quoteMint === ZERO_KEY;
  const quoteMint = quoteMintOf(e.quoteMint);
  const solAmount = quoteIsSol ? e.solAmount : (e.quoteAmount ?? e.solAmount);
  const virtualSol = quoteIsSol ? e.virtualSolReserves : (e.virtualQuoteReserves ?? e.virtualSolReserves);
  const realSol = quoteIsSol ? e.realSolReserves : (e.realQuoteReserves ?? e.realSolReserves);
  const baseDecimals = ctx.mintDecimals(e.mint) ?? TOKEN_DECIMALS;
  const quoteDecimals = quoteIsSol ? SOL_DECIMALS : (ctx.mintDecimals(quoteMint) ?? TOKEN_DECIMALS);
  const protocolFee = e.fee ?? (solAmount * LEGACY_FEE_BPS) / 10_000n;
  const creatorFee = e.creatorFee ?? 0n;
  const standardCurve =
    e.realTokenReserves !== null && e.virtualTokenReserves - e.realTokenReserves === VIRTUAL_REAL_TOKEN_OFFSET;
  const trade: TradeEvent = {
    type: 'trade',
    venue: 'curve',
    mint: e.mint,
    quoteMint,
    pool,
    user: e.user,
    side: e.isBuy ? 'buy' : 'sell',
    solAmount,
    tokenAmount: e.tokenAmount,
    fee: protocolFee + creatorFee,
    protocolFee,
    creatorFee,
    platformFee: 0n,
    virtualSolReserves: virtualSol,
    virtualTokenReserves: e.virtualTokenReserves,
    realSolReserves: realSol,
    realTokenReserves: e.realTokenReserves,
    priceSol: pricePerToken(virtualSol, e.virtualTokenReserves, baseDecimals, quoteDecimals),
    progressPct: standardCurve
      ? percent(INITIAL_REAL_TOKEN_RESERVES - e.realTokenReserves!, INITIAL_REAL_TOKEN_RESERVES)
      : null,
    baseDecimals,
    quoteDecimals,
    ixName: ixName ?? e.ixName ?? 'unknown',
    completesCurve: e.realTokenReserves === 0n,
    trailingBytes: e.trailingBytes,
    ...ctx.location('pumpfun', inv, Number(e.timestamp)),
  };
  ctx.events.push(trade);
  ctx.tradeAccounts.set(trade, {
    baseHolder: { owner: pool },
    quoteHolder: quoteIsSol ? { lamportsOf: pool } : { owner: pool },
    userBase: ctx.account(inv.ix, curveIndex === 3 ? 5 : 14),
  });
  return trade;
}
