import { creationDeposit, pushAmmTrade, vaultBalance, vaultDelta, type VaultBalance } from '../amm.ts';
import type { DecodeContext, Invocation, ProgramDecoder } from '../context.ts';
import { isTokenSide } from '../quote-mints.ts';
import {
  AMM_IX_BY_TAG,
  INITIALIZE2_ACCOUNTS,
  LIQUIDITY_ACCOUNTS,
  RAY_LOG,
  RAY_LOG_PREFIX,
  RAYDIUM_AMM_V4_PROGRAM_ID,
  SWAP_ACCOUNTS_17,
  SWAP_ACCOUNTS_18,
  SWAP_ACCOUNTS_V2,
  SWAP_FEE_DENOMINATOR,
  SWAP_FEE_NUMERATOR,
  type AmmSwapAccounts,
} from './constants.ts';
import { decodeRaySwapLog, rayDepositLpMinted, RayLogError, type RaySwapLog } from './logs.ts';

const P = 'launchlab' as const;

const nameOf = (data: Uint8Array): string | null => (data.length === 0 ? null : (AMM_IX_BY_TAG[data[0]!] ?? null));

/**
 * Raydium AMM v4: initialize2 (pool creation, also CPI'd by LaunchLab `migrate_to_amm`), swaps, deposits and
 * withdrawals. The program emits no event: amounts come from the pool vaults' token balance changes, checked
 * against the `ray_log` swap record when the logs carry it (docs/decoding.md, "Raydium AMM v4").
 */
export const raydiumAmmDecoder: ProgramDecoder = {
  programId: RAYDIUM_AMM_V4_PROGRAM_ID,
  platform: 'launchlab',
  eventAuthority: null,
  logEventPrefix: RAY_LOG_PREFIX,
  instructionName: nameOf,
  decode(inv: Invocation, ctx: DecodeContext): void {
    if (inv.ix === null) {
      // A CPI read from logs only: no accounts, so no pool or vaults.
      if (inv.events.some((b) => b[0] === RAY_LOG.swapBaseIn || b[0] === RAY_LOG.swapBaseOut)) missingAccounts(ctx, inv, 'swap ray_log', null);
      return;
    }
    const name = nameOf(inv.ix.data);
    switch (name) {
      case 'initialize2':
        return onInitialize2(inv, ctx);
      case 'swap_base_in':
      case 'swap_base_out':
      case 'swap_base_in_v2':
      case 'swap_base_out_v2':
        return onSwap(name, inv, ctx);
      case 'deposit':
      case 'withdraw':
        return onLiquidity(name, inv, ctx);
      default:
        return;
    }
  },
};

function missingAccounts(ctx: DecodeContext, inv: Invocation, what: string, ixName: string | null, why = 'pool accounts unknown'): void {
  ctx.problem(P, inv, 'missing_accounts', 'quarantine', `Raydium AMM v4 ${what} under instruction ${ixName ?? 'unknown'}: ${why}`);
}

function u64At(data: Uint8Array, at: number): bigint {
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getBigUint64(at, true);
}

/** initialize2 (tag 1; nonce u8, open_time u64, init_pc_amount u64, init_coin_amount u64) → amm_pool_created. */
function onInitialize2(inv: Invocation, ctx: DecodeContext): void {
  const data = inv.ix!.data;
  if (data.length < 26) {
    ctx.problem(P, inv, 'malformed_instruction', 'quarantine', `Raydium AMM v4 initialize2: ${data.length} bytes of data, 26 expected`);
    return;
  }
  const at = INITIALIZE2_ACCOUNTS;
  const pool = ctx.account(inv.ix, at.pool);
  const coinMint = ctx.account(inv.ix, at.coinMint);
  const pcMint = ctx.account(inv.ix, at.pcMint);
  if (pool === null || coinMint === null || pcMint === null) return missingAccounts(ctx, inv, 'initialize2', 'initialize2');
  const coin = { mint: coinMint, amount: u64At(data, 18), vault: ctx.account(inv.ix, at.coinVault) };
  const pc = { mint: pcMint, amount: u64At(data, 10), vault: ctx.account(inv.ix, at.pcVault) };
  const [token, quote] = isTokenSide(coinMint, pcMint) ? [coin, pc] : [pc, coin];
  ctx.events.push({
    type: 'amm_pool_created',
    venue: 'raydium_amm_v4',
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
    ixName: 'initialize2',
    ...ctx.location(P, inv),
  });
}

/** Account positions of a swap: v2 swaps have 8; v1 swaps 18 with target orders, 17 without. */
function swapAccounts(name: string, count: number): AmmSwapAccounts | null {
  if (name === 'swap_base_in_v2' || name === 'swap_base_out_v2') return count >= 8 ? SWAP_ACCOUNTS_V2 : null;
  return count >= 18 ? SWAP_ACCOUNTS_18 : count === 17 ? SWAP_ACCOUNTS_17 : null;
}

/** The invocation's swap ray_log, null when the logs carry none; a corrupt one is a problem (undefined). */
function swapLog(inv: Invocation, ctx: DecodeContext): RaySwapLog | null | undefined {
  for (const blob of inv.events) {
    if (blob[0] !== RAY_LOG.swapBaseIn && blob[0] !== RAY_LOG.swapBaseOut) continue;
    try {
      return decodeRaySwapLog(blob);
    } catch (err) {
      if (!(err instanceof RayLogError)) throw err;
      ctx.problem(P, inv, 'malformed_event', 'quarantine', `Raydium AMM v4 ray_log: ${err.message}`);
      return undefined;
    }
  }
  return null;
}

const standardFee = (amountIn: bigint): bigint => (amountIn * SWAP_FEE_NUMERATOR + SWAP_FEE_DENOMINATOR - 1n) / SWAP_FEE_DENOMINATOR;

/**
 * Swap → trade. With a `ray_log` swap record the amounts and the pre-swap pool totals are the record's (the vault
 * self-check then compares them with the balances); without one, the coin / pc vaults' pre → post changes are the
 * amounts and their post balances the reserves. The fee is the standard 0.25 % of the input (not stated anywhere).
 */
function onSwap(name: string, inv: Invocation, ctx: DecodeContext): void {
  const at = swapAccounts(name, inv.ix!.accounts.length);
  const pool = at ? ctx.account(inv.ix, at.pool) : null;
  const user = at ? ctx.account(inv.ix, at.user) : null;
  const coin = at ? vaultBalance(ctx, inv.ix, at.coinVault) : null;
  const pc = at ? vaultBalance(ctx, inv.ix, at.pcVault) : null;
  if (pool === null || user === null || coin === null || pc === null) {
    return missingAccounts(ctx, inv, name, name, at === null ? `${inv.ix!.accounts.length} accounts` : 'vault balances absent');
  }
  const log = swapLog(inv, ctx);
  if (log === undefined) return;
  let coinIn: boolean;
  let inAmount: bigint;
  let outAmount: bigint;
  let coinAfter: bigint;
  let pcAfter: bigint;
  let trailingBytes = 0;
  if (log !== null) {
    ({ coinIn, inAmount, outAmount, trailingBytes } = log);
    coinAfter = coinIn ? log.poolCoin + inAmount : log.poolCoin - outAmount;
    pcAfter = coinIn ? log.poolPc - outAmount : log.poolPc + inAmount;
    if (trailingBytes > 0) ctx.problem(P, inv, 'trailing_bytes', 'count', `Raydium AMM v4 swap ray_log: ${trailingBytes} unknown trailing bytes`);
  } else {
    const moved = vaultMoves(ctx, pool, coin, pc);
    if (moved === null) return missingAccounts(ctx, inv, name, name, 'vault changes do not show one swap');
    ({ coinIn, inAmount, outAmount } = moved);
    coinAfter = coin.post;
    pcAfter = pc.post;
  }
  const [inV, outV] = coinIn ? [coin, pc] : [pc, coin];
  pushAmmTrade(
    ctx,
    {
      venue: 'raydium_amm_v4',
      pool,
      user,
      ixName: name,
      inMint: inV.mint,
      outMint: outV.mint,
      inVault: inV.account,
      outVault: outV.account,
      inAmount,
      outAmount,
      inReservesAfter: coinIn ? coinAfter : pcAfter,
      outReservesAfter: coinIn ? pcAfter : coinAfter,
      tradeFeeIn: standardFee(inAmount),
      creatorFeeIn: 0n,
      creatorFeeOut: 0n,
      trailingBytes,
    },
    inv,
  );
}

/** The swap the vault changes show (less a deposit of a pool created earlier in this transaction); null when they show none. */
function vaultMoves(ctx: DecodeContext, pool: string, coin: VaultBalance, pc: VaultBalance): { coinIn: boolean; inAmount: bigint; outAmount: bigint } | null {
  const deposit = creationDeposit(ctx, pool);
  const coinIsToken = isTokenSide(coin.mint, pc.mint);
  const dCoin = vaultDelta(coin) - (coinIsToken ? deposit.base : deposit.quote);
  const dPc = vaultDelta(pc) - (coinIsToken ? deposit.quote : deposit.base);
  if (dCoin > 0n && dPc < 0n) return { coinIn: true, inAmount: dCoin, outAmount: -dPc };
  if (dCoin < 0n && dPc > 0n) return { coinIn: false, inAmount: dPc, outAmount: -dCoin };
  return null;
}

/** deposit / withdraw → liquidity from the vaults' changes; LP amount = withdraw's argument or the deposit ray_log's mint_lp. */
function onLiquidity(kind: 'deposit' | 'withdraw', inv: Invocation, ctx: DecodeContext): void {
  const at = LIQUIDITY_ACCOUNTS[kind];
  const pool = ctx.account(inv.ix, at.pool);
  const coin = vaultBalance(ctx, inv.ix, at.coinVault);
  const pc = vaultBalance(ctx, inv.ix, at.pcVault);
  if (pool === null || coin === null || pc === null) return missingAccounts(ctx, inv, kind, kind);
  const sign = kind === 'deposit' ? 1n : -1n;
  const dCoin = sign * vaultDelta(coin);
  const dPc = sign * vaultDelta(pc);
  if (dCoin < 0n || dPc < 0n) return missingAccounts(ctx, inv, kind, kind, `vault changes ${dCoin} / ${dPc} do not show one ${kind}`);
  const data = inv.ix!.data;
  let lpAmount: bigint | null = null;
  if (kind === 'withdraw') lpAmount = data.length >= 9 ? u64At(data, 1) : null;
  else for (const blob of inv.events) if (blob[0] === RAY_LOG.deposit) lpAmount = rayDepositLpMinted(blob);
  const coinSide = { mint: coin.mint, amount: dCoin, reserves: coin.post };
  const pcSide = { mint: pc.mint, amount: dPc, reserves: pc.post };
  const [token, quote] = isTokenSide(coin.mint, pc.mint) ? [coinSide, pcSide] : [pcSide, coinSide];
  ctx.events.push({
    type: 'liquidity',
    venue: 'raydium_amm_v4',
    pool,
    mint: token.mint,
    quoteMint: quote.mint,
    user: ctx.account(inv.ix, at.user) ?? ctx.tx.accountKeys[0] ?? '',
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
