import type { TradeEvent } from '../core/events.ts';
import type { RawTokenBalance } from '../core/rawtx.ts';
import type { DecodeContext, Invocation } from './context.ts';
import { WSOL_MINT } from './launchlab/constants.ts';
import { pricePerToken } from './math.ts';
import { isTokenSide } from './quote-mints.ts';

/** Shared by the Raydium CPMM and AMM v4 decoders: vault balances, fee estimates, the oriented trade. */

/** A pool vault as the transaction's token balances report it (pre null: the account did not exist before). */
export interface VaultBalance {
  account: string;
  mint: string;
  pre: bigint | null;
  post: bigint;
}

function balanceAt(list: RawTokenBalance[], accountIndex: number): RawTokenBalance | null {
  for (const b of list) if (b.accountIndex === accountIndex) return b;
  return null;
}

/** The balances of instruction account `n` (a token account); null when the instruction or the balances lack it. */
export function vaultBalance(ctx: DecodeContext, ix: { accounts: number[] } | null, n: number): VaultBalance | null {
  const index = ix?.accounts[n];
  if (index === undefined) return null;
  const post = balanceAt(ctx.tx.postTokenBalances, index);
  const pre = balanceAt(ctx.tx.preTokenBalances, index);
  const account = ctx.tx.accountKeys[index];
  const mint = post?.mint ?? pre?.mint;
  if (account === undefined || mint === undefined || post === null) return null;
  return { account, mint, pre: pre?.amount ?? null, post: post.amount };
}

export const vaultDelta = (v: VaultBalance): bigint => v.post - (v.pre ?? 0n);

const TOKEN_DECIMALS = 6;
const SOL_DECIMALS = 9;

/** Decimals from the token balances, else 9 for WSOL and 6 for anything else (launchpad tokens). */
export const decimalsOf = (ctx: DecodeContext, mint: string): number =>
  ctx.mintDecimals(mint) ?? (mint === WSOL_MINT ? SOL_DECIMALS : TOKEN_DECIMALS);

/** A fee charged in the token, in quote units at the trade's own price (floor). */
export const feeInQuote = (fee: bigint, quoteAmount: bigint, tokenAmount: bigint): bigint =>
  tokenAmount === 0n ? 0n : (fee * quoteAmount) / tokenAmount;

/**
 * The input-side fee a constant-product swap must have charged: the smallest net input that buys `out` from
 * reserves (inBefore, outBefore) is ⌈out·inBefore / (outBefore − out)⌉; the rest of `input` is fee. An estimate
 * (rounding, and reserves that include fees accrued but not yet collected), for sources that do not state the fee.
 */
export function impliedInputFee(input: bigint, out: bigint, inBefore: bigint, outBefore: bigint): bigint {
  if (out <= 0n || outBefore <= out || input <= 0n) return 0n;
  const num = out * inBefore;
  const den = outBefore - out;
  const net = (num + den - 1n) / den;
  return input > net ? input - net : 0n;
}

const NO_DEPOSIT = { base: 0n, quote: 0n };

/**
 * The initial liquidity of a pool created earlier in this transaction: its vaults' pre-balances predate it,
 * so the first trade on the pool expects it on top of its own change (later trades add only theirs).
 */
export function creationDeposit(ctx: DecodeContext, pool: string): { base: bigint; quote: bigint } {
  let deposit = NO_DEPOSIT;
  for (const ev of ctx.events) {
    if (ev.type === 'amm_pool_created' && ev.pool === pool) deposit = { base: ev.baseAmount ?? 0n, quote: ev.quoteAmount ?? 0n };
    else if (ev.type === 'trade' && ev.pool === pool) deposit = NO_DEPOSIT;
  }
  return deposit;
}

/** One swap on a two-vault AMM pool, as the pool saw it (input vault gained, output vault lost). */
export interface AmmSwap {
  venue: 'raydium_cpmm' | 'raydium_amm_v4';
  pool: string;
  user: string;
  ixName: string;
  inMint: string;
  outMint: string;
  inVault: string;
  outVault: string;
  /** Into the input vault / out of the output vault. */
  inAmount: bigint;
  outAmount: bigint;
  /** The pool's reserves after the swap, per side. */
  inReservesAfter: bigint;
  outReservesAfter: bigint;
  /** Fees in the input token (part of inAmount) and the creator fee kept from the output (not part of outAmount). */
  tradeFeeIn: bigint;
  creatorFeeIn: bigint;
  creatorFeeOut: bigint;
  trailingBytes: number;
}

/**
 * AMM swap → trade oriented to the token (docs/decoding.md, "Raydium CPMM"): the side that is not a quote mint
 * is `mint`; buy = the token left the pool. sol_amount is the quote swap amount without the fees charged in quote
 * (a buyer pays sol_amount + fee when every fee is in quote); fees charged in the token are converted at the
 * trade's own price. platform_fee = the pool's trade fee (LP, protocol and fund shares together), creator_fee the
 * CPMM creator fee, protocol_fee 0. The vault check expects exactly the vault changes of the swap.
 */
export function pushAmmTrade(ctx: DecodeContext, s: AmmSwap, inv: Invocation): TradeEvent {
  const sell = isTokenSide(s.inMint, s.outMint);
  let solAmount: bigint;
  let tokenAmount: bigint;
  let platformFee: bigint;
  let creatorFee: bigint;
  if (sell) {
    tokenAmount = s.inAmount;
    solAmount = s.outAmount + s.creatorFeeOut;
    platformFee = feeInQuote(s.tradeFeeIn, solAmount, tokenAmount);
    creatorFee = s.creatorFeeOut + feeInQuote(s.creatorFeeIn, solAmount, tokenAmount);
  } else {
    tokenAmount = s.outAmount;
    const net = s.inAmount - s.tradeFeeIn - s.creatorFeeIn;
    solAmount = net < 0n ? 0n : net;
    platformFee = s.tradeFeeIn;
    creatorFee = s.creatorFeeIn + feeInQuote(s.creatorFeeOut, solAmount, tokenAmount);
  }
  const mint = sell ? s.inMint : s.outMint;
  const quoteMint = sell ? s.outMint : s.inMint;
  const tokenReserves = sell ? s.inReservesAfter : s.outReservesAfter;
  const quoteReserves = sell ? s.outReservesAfter : s.inReservesAfter;
  const baseDecimals = decimalsOf(ctx, mint);
  const quoteDecimals = decimalsOf(ctx, quoteMint);
  const trade: TradeEvent = {
    type: 'trade',
    venue: s.venue,
    mint,
    quoteMint,
    pool: s.pool,
    user: s.user,
    side: sell ? 'sell' : 'buy',
    solAmount,
    tokenAmount,
    fee: platformFee + creatorFee,
    protocolFee: 0n,
    creatorFee,
    platformFee,
    virtualSolReserves: quoteReserves,
    virtualTokenReserves: tokenReserves,
    realSolReserves: quoteReserves,
    realTokenReserves: tokenReserves,
    priceSol: pricePerToken(quoteReserves, tokenReserves, baseDecimals, quoteDecimals),
    progressPct: null,
    baseDecimals,
    quoteDecimals,
    ixName: s.ixName,
    completesCurve: false,
    trailingBytes: s.trailingBytes,
    ...ctx.location('launchlab', inv),
  };
  const deposit = creationDeposit(ctx, s.pool);
  ctx.events.push(trade);
  ctx.tradeAccounts.set(trade, {
    baseHolder: { account: sell ? s.inVault : s.outVault },
    quoteHolder: { account: sell ? s.outVault : s.inVault },
    // Token-2022 transfer fees and routers make the trader's own accounts unreliable: only the vaults are checked.
    userBase: null,
    poolDelta: { base: (sell ? s.inAmount : -s.outAmount) + deposit.base, quote: (sell ? -s.outAmount : s.inAmount) + deposit.quote },
  });
  return trade;
}
