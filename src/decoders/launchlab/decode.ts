import type { TradeEvent } from '../../core/events.ts';
import { discHex, DiscriminatorMap, eventDisc } from '../anchor.ts';
import { BorshError, BorshReader } from '../borsh.ts';
import type { DecodeContext, Invocation, ProgramDecoder } from '../context.ts';
import { abs, percent, pow10, pricePerToken, ratioToDecimal } from '../math.ts';
import {
  LAUNCHLAB_EVENT,
  LAUNCHLAB_EVENT_AUTHORITY,
  LAUNCHLAB_IX,
  LAUNCHLAB_PROGRAM_ID,
  USD1_MINT,
  WSOL_MINT,
} from './constants.ts';
import { decodeLaunchLabTradeEvent, decodePoolCreateEvent, type CurveType, type LaunchLabTradeEvent } from './events.ts';

const IX_NAME_BY_DISC = new DiscriminatorMap<string>(Object.entries(LAUNCHLAB_IX).map(([name, disc]) => [disc, name] as const));
const TRADE_IXS = new Set(['buy_exact_in', 'buy_exact_out', 'sell_exact_in', 'sell_exact_out']);
const EVENT_KIND = new DiscriminatorMap<'poolCreate' | 'trade' | 'ignored'>([
  [LAUNCHLAB_EVENT.PoolCreateEvent, 'poolCreate'],
  [LAUNCHLAB_EVENT.TradeEvent, 'trade'],
  ...['CreateVestingEvent', 'ClaimVestedEvent'].map((name) => [eventDisc(name), 'ignored'] as const),
]);

/** Trade instruction accounts (spec §3.2). */
const T = { user: 0, pool: 4, userBase: 5, baseVault: 7, quoteVault: 8, baseMint: 9, quoteMint: 10 } as const;
/** initialize* accounts; the base token program sits at 11, or 10 in the Token-2022 variant (no Metaplex). */
const I = { platformConfig: 3, pool: 5, baseMint: 6, quoteMint: 7, baseVault: 8, quoteVault: 9 } as const;
/** migrate_* accounts: [base mint, quote mint, pool state, new pool, lp mint]. */
const MIGRATE: Record<string, { pool: number; newPool: number; lpMint: number; target: 'raydium_amm_v4' | 'raydium_cpmm' }> = {
  migrate_to_amm: { pool: 23, newPool: 13, lpMint: 16, target: 'raydium_amm_v4' },
  migrate_to_cpswap: { pool: 17, newPool: 5, lpMint: 7, target: 'raydium_cpmm' },
};

const SPL_TOKEN_PROGRAM = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';

/** Quote decimals when the transaction's balances do not name the quote mint. */
const KNOWN_QUOTE_DECIMALS: Record<string, number> = { [WSOL_MINT]: 9, [USD1_MINT]: 6 };

/**
 * Raydium LaunchLab: pool creation, trades (both directions, exact in/out), curve completion and
 * migration (AMM v4 or CPMM; no event exists, the instruction is the evidence).
 */
export const launchlabDecoder: ProgramDecoder = {
  programId: LAUNCHLAB_PROGRAM_ID,
  platform: 'launchlab',
  eventAuthority: LAUNCHLAB_EVENT_AUTHORITY,
  instructionName: (data) => IX_NAME_BY_DISC.get(data) ?? null,
  decode(inv: Invocation, ctx: DecodeContext): void {
    const ixName = inv.ix ? (IX_NAME_BY_DISC.get(inv.ix.data) ?? null) : null;
    if (ixName !== null && ixName in MIGRATE) onMigrate(ixName, inv, ctx);
    for (const blob of inv.events) {
      const kind = EVENT_KIND.get(blob);
      const r = new BorshReader(blob, 8);
      try {
        if (kind === 'trade') onTrade(decodeLaunchLabTradeEvent(r), ixName, inv, ctx);
        else if (kind === 'poolCreate') onPoolCreate(r, ixName, inv, ctx);
        else if (kind !== 'ignored') ctx.problem('launchlab', inv, 'unknown_discriminator', 'count', `event discriminator ${discHex(blob)}`);
      } catch (err) {
        if (!(err instanceof BorshError)) throw err;
        ctx.problem('launchlab', inv, 'malformed_event', 'quarantine', `event ${discHex(blob)}: ${err.message}`);
      }
    }
  },
};

function onPoolCreate(r: BorshReader, ixName: string | null, inv: Invocation, ctx: DecodeContext): void {
  const e = decodePoolCreateEvent(r);
  if (e.trailingBytes > 0) ctx.problem('launchlab', inv, 'trailing_bytes', 'count', `PoolCreateEvent: ${e.trailingBytes} unknown trailing bytes`);
  const mint = ixName?.startsWith('initialize') ? ctx.account(inv.ix, I.baseMint) : null;
  const quoteMint = mint === null ? null : ctx.account(inv.ix, I.quoteMint);
  if (mint === null || quoteMint === null) {
    ctx.problem('launchlab', inv, 'missing_accounts', 'quarantine', `PoolCreateEvent under ${ixName ?? 'unknown'}: mints unknown`);
    return;
  }
  ctx.curveTypes.set(e.poolState, e.curve.curveType);
  ctx.events.push({
    type: 'pool_created',
    pool: e.poolState,
    creator: e.creator,
    config: e.config,
    platformConfig: ctx.account(inv.ix, I.platformConfig),
    mint,
    quoteMint,
    baseVault: ctx.account(inv.ix, I.baseVault),
    quoteVault: ctx.account(inv.ix, I.quoteVault),
    name: e.mint.name,
    symbol: e.mint.symbol,
    uri: e.mint.uri,
    decimals: e.mint.decimals,
    curveType: e.curve.curveType,
    supply: e.curve.supply,
    totalBaseSell: e.curve.totalBaseSell,
    totalQuoteFundRaising: e.curve.totalQuoteFundRaising,
    migrateType: e.curve.migrateType,
    vestingTotalLocked: e.vestingTotalLocked,
    tokenProgram: ctx.account(inv.ix, ixName === 'initialize_with_token_2022' ? 10 : 11),
    ixName: ixName ?? 'unknown',
    ...ctx.location('launchlab', inv),
  });
}

function onTrade(e: LaunchLabTradeEvent, ixName: string | null, inv: Invocation, ctx: DecodeContext): void {
  if (e.trailingBytes > 0) ctx.problem('launchlab', inv, 'trailing_bytes', 'count', `TradeEvent: ${e.trailingBytes} unknown trailing bytes`);
  const ix = ixName !== null && TRADE_IXS.has(ixName) ? inv.ix : null;
  const user = ctx.account(ix, T.user);
  const mint = ctx.account(ix, T.baseMint);
  const quoteMint = ctx.account(ix, T.quoteMint);
  const pool = ctx.account(ix, T.pool);
  if (user === null || mint === null || quoteMint === null || pool === null) {
    ctx.problem('launchlab', inv, 'missing_accounts', 'quarantine', `TradeEvent under ${ixName ?? 'unknown'}: trade accounts unknown`);
    return;
  }
  if (pool !== e.poolState) {
    ctx.problem('launchlab', inv, 'malformed_instruction', 'quarantine', `instruction pool ${pool} ≠ event pool ${e.poolState}`);
    return;
  }
  const baseDecimals = ctx.mintDecimals(mint) ?? 6;
  const quoteDecimals = ctx.mintDecimals(quoteMint) ?? KNOWN_QUOTE_DECIMALS[quoteMint];
  if (quoteDecimals === undefined) {
    ctx.problem('launchlab', inv, 'missing_accounts', 'quarantine', `decimals of quote mint ${quoteMint} unknown`);
    return;
  }
  // The curve type lives in the global config, not in the trade: known only for pools created in this tx.
  const curveType = ctx.curveTypes.get(pool) ?? 'constant';
  const reserves = effectiveReserves(e, curveType);
  const completes = e.isBuy && e.poolStatus === 1;
  const trade: TradeEvent = {
    type: 'trade',
    venue: 'curve',
    mint,
    quoteMint,
    pool,
    user,
    side: e.isBuy ? 'buy' : 'sell',
    solAmount: abs(e.realQuoteAfter - e.realQuoteBefore),
    tokenAmount: abs(e.realBaseAfter - e.realBaseBefore),
    fee: e.protocolFee + e.platformFee + e.creatorFee + e.shareFee,
    protocolFee: e.protocolFee,
    creatorFee: e.creatorFee,
    platformFee: e.platformFee + e.shareFee,
    virtualSolReserves: reserves.quote,
    virtualTokenReserves: reserves.base,
    realSolReserves: e.realQuoteAfter,
    realTokenReserves: e.totalBaseSell - e.realBaseAfter,
    priceSol: curvePrice(e, curveType, baseDecimals, quoteDecimals),
    progressPct: percent(e.realBaseAfter, e.totalBaseSell),
    baseDecimals,
    quoteDecimals,
    ixName: ixName!,
    completesCurve: completes,
    trailingBytes: e.trailingBytes,
    ...ctx.location('launchlab', inv),
  };
  ctx.events.push(trade);
  ctx.tradeAccounts.set(trade, {
    baseHolder: { account: ctx.account(ix, T.baseVault)! },
    quoteHolder: ctx.account(ix, T.quoteVault) === null ? null : { account: ctx.account(ix, T.quoteVault)! },
    // Token-2022 transfer fees make the trader's receipt differ from the curve's amount: checked on SPL only.
    userBase: ctx.tokenProgramOf(mint) === SPL_TOKEN_PROGRAM ? ctx.account(ix, T.userBase) : null,
  });
  if (completes) ctx.events.push({ type: 'curve_completed', mint, pool, user, ...ctx.location('launchlab', inv) });
}

/**
 * The reserves the curve prices with after the trade (spec §3.6). Constant product trades on
 * (virtual_quote + real_quote, virtual_base − real_base); fixed and linear curves have no such pair, so
 * their raw parameters are reported.
 */
function effectiveReserves(e: LaunchLabTradeEvent, curve: CurveType): { quote: bigint; base: bigint } {
  if (curve === 'constant') return { quote: e.virtualQuote + e.realQuoteAfter, base: e.virtualBase - e.realBaseAfter };
  return { quote: e.virtualQuote, base: e.virtualBase };
}

function curvePrice(e: LaunchLabTradeEvent, curve: CurveType, baseDecimals: number, quoteDecimals: number): string {
  if (curve === 'constant') {
    return pricePerToken(e.virtualQuote + e.realQuoteAfter, e.virtualBase - e.realBaseAfter, baseDecimals, quoteDecimals);
  }
  if (curve === 'fixed') return pricePerToken(e.virtualQuote, e.virtualBase, baseDecimals, quoteDecimals);
  // linear: raw price = virtual_base (Q64 slope) × real_base / 2^64, scaled by 10^(bd − qd)
  const num = e.virtualBase * e.realBaseAfter * pow10(baseDecimals);
  const den = (1n << 64n) * pow10(quoteDecimals);
  return ratioToDecimal(num, den) ?? '0';
}

function onMigrate(ixName: string, inv: Invocation, ctx: DecodeContext): void {
  const at = MIGRATE[ixName]!;
  const mint = ctx.account(inv.ix, 1);
  const quoteMint = ctx.account(inv.ix, 2);
  const pool = ctx.account(inv.ix, at.pool);
  const newPool = ctx.account(inv.ix, at.newPool);
  if (mint === null || quoteMint === null || pool === null || newPool === null) {
    ctx.problem('launchlab', inv, 'malformed_instruction', 'quarantine', `${ixName} has ${inv.ix?.accounts.length ?? 0} accounts`);
    return;
  }
  ctx.events.push({
    type: 'migrated',
    mint,
    quoteMint,
    pool,
    newPool,
    lpMint: ctx.account(inv.ix, at.lpMint),
    target: at.target,
    baseAmount: null,
    quoteAmount: null,
    ixName,
    ...ctx.location('launchlab', inv),
  });
}
