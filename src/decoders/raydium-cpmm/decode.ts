import { discHex, DiscriminatorMap } from '../anchor.ts';
import { creationDeposit, impliedInputFee, pushAmmTrade, vaultBalance, vaultDelta, type AmmSwap } from '../amm.ts';
import { BorshError, BorshReader } from '../borsh.ts';
import type { DecodeContext, Invocation, ProgramDecoder } from '../context.ts';
import { isTokenSide } from '../quote-mints.ts';
import { CPMM_ACCOUNTS, CPMM_EVENT, CPMM_IX, RAYDIUM_CPMM_PROGRAM_ID, type CpmmIxName } from './constants.ts';
import { decodeCpmmLpChangeEvent, decodeCpmmSwapEvent, type CpmmLpChangeEvent, type CpmmSwapEvent } from './events.ts';

const IX_NAME_BY_DISC = new DiscriminatorMap<CpmmIxName>(CPMM_IX);
type EventKind = 'swap' | 'lp_change';
const EVENT_KIND = new DiscriminatorMap<EventKind>([
  [CPMM_EVENT.SwapEvent, 'swap'],
  [CPMM_EVENT.LpChangeEvent, 'lp_change'],
]);

const P = 'launchlab' as const;

/**
 * Raydium CPMM: pool creation (also CPI'd by LaunchLab `migrate_to_cpswap`), swaps after graduation, liquidity.
 * Events are `emit!` log lines (no event authority): locate.ts hands each invocation its `Program data:` lines.
 */
export const raydiumCpmmDecoder: ProgramDecoder = {
  programId: RAYDIUM_CPMM_PROGRAM_ID,
  platform: 'launchlab',
  eventAuthority: null,
  instructionName: (data) => IX_NAME_BY_DISC.get(data) ?? null,
  decode(inv: Invocation, ctx: DecodeContext): void {
    const ixName = inv.ix ? (IX_NAME_BY_DISC.get(inv.ix.data) ?? null) : null;
    if (ixName === 'initialize' || ixName === 'initialize_with_permission') onInitialize(ixName, inv, ctx);
    let known = false;
    for (const blob of inv.events) {
      const kind = EVENT_KIND.get(blob);
      if (kind === undefined) {
        ctx.problem(P, inv, 'unknown_discriminator', 'count', `Raydium CPMM event discriminator ${discHex(blob)}`);
        continue;
      }
      known = true;
      try {
        const r = new BorshReader(blob, 8);
        if (kind === 'swap') onSwapEvent(decodeCpmmSwapEvent(r), ixName, inv, ctx);
        else onLpChange(decodeCpmmLpChangeEvent(r), ixName, inv, ctx);
      } catch (err) {
        if (!(err instanceof BorshError)) throw err;
        ctx.problem(P, inv, 'malformed_event', 'quarantine', `Raydium CPMM event ${discHex(blob)}: ${err.message}`);
      }
    }
    if (known) return;
    // No event (logs absent or truncated): the vaults' balance changes are the only record.
    if (ixName === 'swap_base_input' || ixName === 'swap_base_output') swapFromVaults(ixName, inv, ctx);
    else if (ixName === 'deposit' || ixName === 'withdraw') liquidityFromVaults(ixName, inv, ctx);
  },
};

function countTrailing(ctx: DecodeContext, inv: Invocation, what: string, bytes: number): void {
  if (bytes > 0) ctx.problem(P, inv, 'trailing_bytes', 'count', `Raydium CPMM ${what}: ${bytes} unknown trailing bytes`);
}

function missingAccounts(ctx: DecodeContext, inv: Invocation, what: string, ixName: string | null): void {
  ctx.problem(P, inv, 'missing_accounts', 'quarantine', `Raydium CPMM ${what} under instruction ${ixName ?? 'unknown'}: pool accounts unknown`);
}

/** u64 argument `n` (0-based) after the 8-byte discriminator; null when the data is too short. */
function u64Arg(data: Uint8Array, n: number): bigint | null {
  const at = 8 + 8 * n;
  if (data.length < at + 8) return null;
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getBigUint64(at, true);
}

/** initialize / initialize_with_permission → amm_pool_created from the accounts and init_amount_0 / init_amount_1. */
function onInitialize(ixName: 'initialize' | 'initialize_with_permission', inv: Invocation, ctx: DecodeContext): void {
  const at = CPMM_ACCOUNTS[ixName];
  const data = inv.ix!.data;
  const amount0 = u64Arg(data, 0);
  const amount1 = u64Arg(data, 1);
  if (amount0 === null || amount1 === null) {
    ctx.problem(P, inv, 'malformed_instruction', 'quarantine', `Raydium CPMM ${ixName}: ${data.length} bytes of data, init amounts missing`);
    return;
  }
  const pool = ctx.account(inv.ix, at.pool);
  const mint0 = ctx.account(inv.ix, at.mint0);
  const mint1 = ctx.account(inv.ix, at.mint1);
  if (pool === null || mint0 === null || mint1 === null) return missingAccounts(ctx, inv, ixName, ixName);
  const side0 = { mint: mint0, amount: amount0, vault: ctx.account(inv.ix, at.vault0) };
  const side1 = { mint: mint1, amount: amount1, vault: ctx.account(inv.ix, at.vault1) };
  const [token, quote] = isTokenSide(mint0, mint1) ? [side0, side1] : [side1, side0];
  ctx.events.push({
    type: 'amm_pool_created',
    venue: 'raydium_cpmm',
    pool,
    mint: token.mint,
    quoteMint: quote.mint,
    lpMint: ctx.account(inv.ix, at.lpMint),
    creator: ctx.account(inv.ix, at.creator),
    baseAmount: token.amount,
    quoteAmount: quote.amount,
    baseDecimals: ctx.mintDecimals(token.mint),
    quoteDecimals: ctx.mintDecimals(quote.mint),
    baseVault: token.vault,
    quoteVault: quote.vault,
    ixName,
    ...ctx.location(P, inv),
  });
}

/** The swap instruction's accounts; null when the invocation has no instruction bytes (a CPI read from logs). */
function swapAccounts(ixName: string | null, inv: Invocation, ctx: DecodeContext) {
  if (ixName !== 'swap_base_input' && ixName !== 'swap_base_output') return null;
  const at = CPMM_ACCOUNTS.swap;
  const user = ctx.account(inv.ix, at.user);
  const pool = ctx.account(inv.ix, at.pool);
  const inVault = ctx.account(inv.ix, at.inputVault);
  const outVault = ctx.account(inv.ix, at.outputVault);
  const inMint = ctx.account(inv.ix, at.inputMint);
  const outMint = ctx.account(inv.ix, at.outputMint);
  if (user === null || pool === null || inVault === null || outVault === null || inMint === null || outMint === null) return null;
  return { ixName, user, pool, inVault, outVault, inMint, outMint };
}

/**
 * SwapEvent → trade. input_amount entered the input vault and output_amount left the output vault (the fees stay
 * in the pool); the event's vault_before figures are the reserves before the swap, so the reserves after are
 * vault_before ± amounts. v2 events state trade_fee (input token) and creator_fee (input or output side); v1
 * events state no fee, it is estimated from the constant product.
 */
function onSwapEvent(e: CpmmSwapEvent, ixName: CpmmIxName | null, inv: Invocation, ctx: DecodeContext): void {
  countTrailing(ctx, inv, 'SwapEvent', e.trailingBytes);
  const a = swapAccounts(ixName, inv, ctx);
  if (a === null) return missingAccounts(ctx, inv, 'SwapEvent', ixName);
  if ((e.inputMint !== null && e.inputMint !== a.inMint) || (e.outputMint !== null && e.outputMint !== a.outMint) || e.pool !== a.pool) {
    ctx.problem(P, inv, 'malformed_event', 'quarantine', `Raydium CPMM SwapEvent names pool ${e.pool} / mints other than instruction ${ixName}'s accounts`);
    return;
  }
  const creatorFee = e.creatorFee ?? 0n;
  const swap: AmmSwap = {
    venue: 'raydium_cpmm',
    pool: a.pool,
    user: a.user,
    ixName: a.ixName,
    inMint: a.inMint,
    outMint: a.outMint,
    inVault: a.inVault,
    outVault: a.outVault,
    inAmount: e.inputAmount,
    outAmount: e.outputAmount,
    inReservesAfter: e.inputVaultBefore + e.inputAmount,
    outReservesAfter: e.outputVaultBefore > e.outputAmount ? e.outputVaultBefore - e.outputAmount : 0n,
    tradeFeeIn: e.tradeFee ?? impliedInputFee(e.inputAmount, e.outputAmount, e.inputVaultBefore, e.outputVaultBefore),
    creatorFeeIn: e.creatorFeeOnInput === false ? 0n : creatorFee,
    creatorFeeOut: e.creatorFeeOnInput === false ? creatorFee : 0n,
    trailingBytes: e.trailingBytes,
  };
  pushAmmTrade(ctx, swap, inv);
}

/**
 * No SwapEvent: the input / output vaults' pre → post token balances (weaker: the fee is an estimate, and the
 * reserves after are the vault balances, which include fees accrued to protocol, fund and creator).
 */
function swapFromVaults(ixName: 'swap_base_input' | 'swap_base_output', inv: Invocation, ctx: DecodeContext): void {
  const a = swapAccounts(ixName, inv, ctx);
  const inV = vaultBalance(ctx, inv.ix, CPMM_ACCOUNTS.swap.inputVault);
  const outV = vaultBalance(ctx, inv.ix, CPMM_ACCOUNTS.swap.outputVault);
  if (a === null || inV === null || outV === null) return missingAccounts(ctx, inv, `${ixName} without SwapEvent`, ixName);
  // A pool created earlier in this transaction: its vaults' changes include the initial deposit.
  const deposit = creationDeposit(ctx, a.pool);
  const inIsToken = isTokenSide(a.inMint, a.outMint);
  const inAmount = vaultDelta(inV) - (inIsToken ? deposit.base : deposit.quote);
  const outAmount = (inIsToken ? deposit.quote : deposit.base) - vaultDelta(outV);
  if (inAmount <= 0n || outAmount <= 0n) {
    ctx.problem(P, inv, 'missing_accounts', 'quarantine', `Raydium CPMM ${ixName} without SwapEvent: vault changes ${inAmount} in / ${outAmount} out do not show one swap`);
    return;
  }
  pushAmmTrade(
    ctx,
    {
      venue: 'raydium_cpmm',
      pool: a.pool,
      user: a.user,
      ixName,
      inMint: a.inMint,
      outMint: a.outMint,
      inVault: a.inVault,
      outVault: a.outVault,
      inAmount,
      outAmount,
      inReservesAfter: inV.post,
      outReservesAfter: outV.post,
      tradeFeeIn: impliedInputFee(inAmount, outAmount, inV.pre ?? 0n, outV.pre ?? 0n),
      creatorFeeIn: 0n,
      creatorFeeOut: 0n,
      trailingBytes: 0,
    },
    inv,
  );
}

interface LiquiditySide {
  mint: string;
  amount: bigint;
  reserves: bigint | null;
}

function pushLiquidity(ctx: DecodeContext, inv: Invocation, kind: 'deposit' | 'withdraw', pool: string, s0: LiquiditySide, s1: LiquiditySide, lpAmount: bigint | null): void {
  const [token, quote] = isTokenSide(s0.mint, s1.mint) ? [s0, s1] : [s1, s0];
  ctx.events.push({
    type: 'liquidity',
    venue: 'raydium_cpmm',
    pool,
    mint: token.mint,
    quoteMint: quote.mint,
    user: ctx.account(inv.ix, CPMM_ACCOUNTS.liquidity.user) ?? ctx.tx.accountKeys[0] ?? '',
    kind,
    baseAmount: token.amount,
    quoteAmount: quote.amount,
    lpAmount,
    baseReserves: token.reserves,
    quoteReserves: quote.reserves,
    ixName: kind,
    ...ctx.location(P, inv),
  });
}

/** LpChangeEvent → liquidity: amounts from the event, reserves after = before ± amounts, LP amount = the instruction's lp_token_amount. */
function onLpChange(e: CpmmLpChangeEvent, ixName: CpmmIxName | null, inv: Invocation, ctx: DecodeContext): void {
  countTrailing(ctx, inv, 'LpChangeEvent', e.trailingBytes);
  const mint0 = ixName === e.kind ? ctx.account(inv.ix, CPMM_ACCOUNTS.liquidity.mint0) : null;
  const mint1 = ixName === e.kind ? ctx.account(inv.ix, CPMM_ACCOUNTS.liquidity.mint1) : null;
  if (mint0 === null || mint1 === null) return missingAccounts(ctx, inv, 'LpChangeEvent', ixName);
  const sign = e.kind === 'deposit' ? 1n : -1n;
  pushLiquidity(
    ctx,
    inv,
    e.kind,
    e.pool,
    { mint: mint0, amount: e.amount0, reserves: e.vault0Before + sign * e.amount0 },
    { mint: mint1, amount: e.amount1, reserves: e.vault1Before + sign * e.amount1 },
    u64Arg(inv.ix!.data, 0),
  );
}

/** deposit / withdraw without LpChangeEvent: the vaults' balance changes; reserves after = their post balances. */
function liquidityFromVaults(kind: 'deposit' | 'withdraw', inv: Invocation, ctx: DecodeContext): void {
  const at = CPMM_ACCOUNTS.liquidity;
  const pool = ctx.account(inv.ix, at.pool);
  const v0 = vaultBalance(ctx, inv.ix, at.vault0);
  const v1 = vaultBalance(ctx, inv.ix, at.vault1);
  if (pool === null || v0 === null || v1 === null) return missingAccounts(ctx, inv, `${kind} without LpChangeEvent`, kind);
  const sign = kind === 'deposit' ? 1n : -1n;
  const d0 = sign * vaultDelta(v0);
  const d1 = sign * vaultDelta(v1);
  if (d0 < 0n || d1 < 0n) {
    ctx.problem(P, inv, 'missing_accounts', 'quarantine', `Raydium CPMM ${kind} without LpChangeEvent: vault changes ${d0} / ${d1} do not show one ${kind}`);
    return;
  }
  pushLiquidity(ctx, inv, kind, pool, { mint: v0.mint, amount: d0, reserves: v0.post }, { mint: v1.mint, amount: d1, reserves: v1.post }, inv.ix ? u64Arg(inv.ix.data, 0) : null);
}

