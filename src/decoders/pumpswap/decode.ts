import type { TradeEvent } from '../../core/events.ts';
import { discHex, DiscriminatorMap, eventDisc } from '../anchor.ts';
import { BorshError, BorshReader } from '../borsh.ts';
import type { DecodeContext, Invocation, ProgramDecoder } from '../context.ts';
import { WSOL_MINT } from '../launchlab/constants.ts';
import { pricePerToken } from '../math.ts';
import {
  PUMPSWAP_EVENT,
  PUMPSWAP_EVENT_AUTHORITY,
  PUMPSWAP_IGNORED_EVENTS,
  PUMPSWAP_IX,
  PUMPSWAP_PROGRAM_ID,
  QUOTE_MINTS,
  type PumpSwapIxName,
} from './constants.ts';
import {
  decodeCreatePoolEvent,
  decodeLiquidityEvent,
  decodeSwapEvent,
  type PumpSwapCreatePoolEvent,
  type PumpSwapLiquidityEvent,
  type PumpSwapSwapEvent,
} from './events.ts';

const TOKEN_DECIMALS = 6;
const SOL_DECIMALS = 9;

const IX_NAME_BY_DISC = new DiscriminatorMap<PumpSwapIxName>(PUMPSWAP_IX);

type EventKind = 'create_pool' | 'buy' | 'sell' | 'deposit' | 'withdraw' | 'ignored';
const EVENT_KIND = new DiscriminatorMap<EventKind>([
  [PUMPSWAP_EVENT.CreatePoolEvent, 'create_pool'],
  [PUMPSWAP_EVENT.BuyEvent, 'buy'],
  [PUMPSWAP_EVENT.SellEvent, 'sell'],
  [PUMPSWAP_EVENT.DepositEvent, 'deposit'],
  [PUMPSWAP_EVENT.WithdrawEvent, 'withdraw'],
  ...PUMPSWAP_IGNORED_EVENTS.map((name) => [eventDisc(name), 'ignored'] as const),
]);

/** Account positions (IDL) of the instructions that emit Buy/SellEvent; boost_buy_and_burn buys for the pool itself. */
const SWAP_ACCOUNTS: Partial<Record<PumpSwapIxName, { baseVault: number; quoteVault: number; userBase: number | null }>> = {
  buy: { baseVault: 7, quoteVault: 8, userBase: 5 },
  buy_exact_quote_in: { baseVault: 7, quoteVault: 8, userBase: 5 },
  sell: { baseVault: 7, quoteVault: 8, userBase: 5 },
  boost_buy_and_burn: { baseVault: 5, quoteVault: 6, userBase: null },
};
/** base_mint / quote_mint position in every swap and liquidity instruction. */
const BASE_MINT_ACCOUNT = 3;
const QUOTE_MINT_ACCOUNT = 4;
/** pool_base_token_account / pool_quote_token_account in create_pool. */
const CREATE_POOL_VAULTS = [9, 10] as const;

/**
 * True when the pool lists the token as its quote (base WSOL/USDC/USD1, quote anything else): such a pool is
 * read the other way round, so `mint` is always the token and `quoteMint` what it is priced in.
 */
function isFlipped(baseMint: string, quoteMint: string): boolean {
  return QUOTE_MINTS.has(baseMint) && !QUOTE_MINTS.has(quoteMint);
}

/** PumpSwap AMM: pool creation (also inside pump.fun migrate), trades after graduation, liquidity changes. */
export const pumpswapDecoder: ProgramDecoder = {
  programId: PUMPSWAP_PROGRAM_ID,
  platform: 'pumpfun',
  eventAuthority: PUMPSWAP_EVENT_AUTHORITY,
  instructionName: (data) => IX_NAME_BY_DISC.get(data) ?? null,
  decode(inv: Invocation, ctx: DecodeContext): void {
    const ixName = inv.ix ? (IX_NAME_BY_DISC.get(inv.ix.data) ?? null) : null;
    for (const blob of inv.events) {
      const kind = EVENT_KIND.get(blob);
      const r = new BorshReader(blob, 8);
      try {
        if (kind === 'buy' || kind === 'sell') onSwap(decodeSwapEvent(r, kind === 'buy'), ixName, inv, ctx);
        else if (kind === 'create_pool') onCreatePool(decodeCreatePoolEvent(r), ixName, inv, ctx);
        else if (kind === 'deposit' || kind === 'withdraw') onLiquidity(decodeLiquidityEvent(r), kind, ixName, inv, ctx);
        else if (kind !== 'ignored') {
          ctx.problem('pumpfun', inv, 'unknown_discriminator', 'count', `PumpSwap event discriminator ${discHex(blob)}`);
        }
      } catch (err) {
        if (!(err instanceof BorshError)) throw err;
        ctx.problem('pumpfun', inv, 'malformed_event', 'quarantine', `PumpSwap event ${discHex(blob)}: ${err.message}`);
      }
    }
  },
};

function countTrailing(ctx: DecodeContext, inv: Invocation, what: string, bytes: number): void {
  if (bytes > 0) ctx.problem('pumpfun', inv, 'trailing_bytes', 'count', `PumpSwap ${what}: ${bytes} unknown trailing bytes`);
}

/** The pool's mints, from the instruction's accounts (null when only logs carried it: no instruction bytes). */
function poolMints(ctx: DecodeContext, inv: Invocation): { base: string; quote: string } | null {
  const base = ctx.account(inv.ix, BASE_MINT_ACCOUNT);
  const quote = ctx.account(inv.ix, QUOTE_MINT_ACCOUNT);
  return base !== null && quote !== null ? { base, quote } : null;
}

function missingAccounts(ctx: DecodeContext, inv: Invocation, what: string, ixName: string | null): void {
  ctx.problem('pumpfun', inv, 'missing_accounts', 'quarantine', `PumpSwap ${what} under instruction ${ixName ?? 'unknown'}: pool accounts unknown`);
}

const decimalsOf = (ctx: DecodeContext, mint: string): number =>
  ctx.mintDecimals(mint) ?? (mint === WSOL_MINT ? SOL_DECIMALS : TOKEN_DECIMALS);

function onCreatePool(e: PumpSwapCreatePoolEvent, ixName: string | null, inv: Invocation, ctx: DecodeContext): void {
  countTrailing(ctx, inv, 'CreatePoolEvent', e.trailingBytes);
  const [baseVault, quoteVault] = ixName === 'create_pool' ? CREATE_POOL_VAULTS.map((n) => ctx.account(inv.ix, n)) : [null, null];
  const base = { mint: e.baseMint, amount: e.poolBaseAmount, decimals: e.baseDecimals, vault: baseVault ?? null };
  const quote = { mint: e.quoteMint, amount: e.poolQuoteAmount, decimals: e.quoteDecimals, vault: quoteVault ?? null };
  const [token, priced] = isFlipped(e.baseMint, e.quoteMint) ? [quote, base] : [base, quote];
  ctx.events.push({
    type: 'amm_pool_created',
    venue: 'pumpswap',
    pool: e.pool,
    mint: token.mint,
    quoteMint: priced.mint,
    lpMint: e.lpMint,
    creator: e.creator,
    baseAmount: token.amount,
    quoteAmount: priced.amount,
    baseDecimals: token.decimals,
    quoteDecimals: priced.decimals,
    baseVault: token.vault,
    quoteVault: priced.vault,
    ixName: ixName ?? 'create_pool',
    ...ctx.location('pumpfun', inv, Number(e.timestamp)),
  });
}

function onLiquidity(e: PumpSwapLiquidityEvent, kind: 'deposit' | 'withdraw', ixName: string | null, inv: Invocation, ctx: DecodeContext): void {
  countTrailing(ctx, inv, `${kind} event`, e.trailingBytes);
  const mints = ixName === kind ? poolMints(ctx, inv) : null;
  if (mints === null) return missingAccounts(ctx, inv, `${kind} event`, ixName);
  const sign = kind === 'deposit' ? 1n : -1n;
  const base = { mint: mints.base, amount: e.baseAmount, reserves: e.poolBaseReserves + sign * e.baseAmount };
  const quote = { mint: mints.quote, amount: e.quoteAmount, reserves: e.poolQuoteReserves + sign * e.quoteAmount };
  const [token, priced] = isFlipped(mints.base, mints.quote) ? [quote, base] : [base, quote];
  ctx.events.push({
    type: 'liquidity',
    venue: 'pumpswap',
    pool: e.pool,
    mint: token.mint,
    quoteMint: priced.mint,
    user: e.user,
    kind,
    baseAmount: token.amount,
    quoteAmount: priced.amount,
    lpAmount: e.lpAmount,
    baseReserves: token.reserves,
    quoteReserves: priced.reserves,
    ixName: ixName ?? kind,
    ...ctx.location('pumpfun', inv, Number(e.timestamp)),
  });
}

/** One side of a swap as the pool sees it. */
interface Leg {
  mint: string;
  vault: string;
  /** The swap amount on this side, fees excluded. */
  amount: bigint;
  /** The vault's change (the LP fee stays in the pool, so the fee side's change differs from `amount` by it). */
  delta: bigint;
  reserves: bigint;
  /** Reserves the price is computed on: + virtual quote reserves on a boosted pool's quote side. */
  pricing: bigint;
}

/**
 * Buy/SellEvent → trade (docs/decoding.md, "PumpSwap"). The event's pool reserves are the vault balances
 * BEFORE the trade; a buy takes base_amount_out from the base vault and puts quote_amount_in + lp_fee into
 * the quote vault, a sell the reverse (quote_amount_out − lp_fee leaves); the protocol and coin-creator fees
 * go to other accounts. solAmount is the quote swap amount without fees (what a buyer pays = solAmount + fee,
 * what a seller receives = solAmount − fee, as on the curve); fee = protocol + coin creator + LP fee, the LP
 * fee reported as platformFee.
 */
function onSwap(e: PumpSwapSwapEvent, ixName: PumpSwapIxName | null, inv: Invocation, ctx: DecodeContext): void {
  const what = e.isBuy ? 'BuyEvent' : 'SellEvent';
  countTrailing(ctx, inv, what, e.trailingBytes);
  const at = ixName === null ? undefined : SWAP_ACCOUNTS[ixName];
  const mints = at ? poolMints(ctx, inv) : null;
  const baseVault = at ? ctx.account(inv.ix, at.baseVault) : null;
  const quoteVault = at ? ctx.account(inv.ix, at.quoteVault) : null;
  if (ixName === null || at === undefined || mints === null || baseVault === null || quoteVault === null) {
    return missingAccounts(ctx, inv, what, ixName);
  }
  const baseDelta = e.isBuy ? -e.baseAmount : e.baseAmount;
  const quoteDelta = e.isBuy ? e.quoteVaultAmount : -e.quoteVaultAmount;
  const quoteAfter = e.poolQuoteReserves + quoteDelta;
  const poolBase: Leg = { mint: mints.base, vault: baseVault, amount: e.baseAmount, delta: baseDelta, reserves: e.poolBaseReserves + baseDelta, pricing: e.poolBaseReserves + baseDelta };
  const poolQuote: Leg = {
    mint: mints.quote,
    vault: quoteVault,
    amount: e.isBuy ? e.quoteVaultAmount - e.lpFee : e.quoteVaultAmount + e.lpFee,
    delta: quoteDelta,
    reserves: quoteAfter,
    pricing: quoteAfter + (e.virtualQuoteReserves ?? 0n),
  };
  const flipped = isFlipped(mints.base, mints.quote);
  const [token, quote] = flipped ? [poolQuote, poolBase] : [poolBase, poolQuote];
  // Fees are charged on the pool's quote side: in a flipped pool that is the token, converted at the trade's own price.
  const inQuote = (fee: bigint): bigint => (!flipped ? fee : token.amount === 0n ? 0n : (fee * quote.amount) / token.amount);
  const protocolFee = inQuote(e.protocolFee);
  const creatorFee = inQuote(e.coinCreatorFee ?? 0n);
  const platformFee = inQuote(e.lpFee);
  const baseDecimals = decimalsOf(ctx, token.mint);
  const quoteDecimals = decimalsOf(ctx, quote.mint);
  const trade: TradeEvent = {
    type: 'trade',
    venue: 'pumpswap',
    mint: token.mint,
    quoteMint: quote.mint,
    pool: e.pool,
    user: e.user,
    side: e.isBuy !== flipped ? 'buy' : 'sell',
    solAmount: quote.amount,
    tokenAmount: token.amount,
    fee: protocolFee + creatorFee + platformFee,
    protocolFee,
    creatorFee,
    platformFee,
    virtualSolReserves: quote.pricing,
    virtualTokenReserves: token.pricing,
    realSolReserves: quote.reserves,
    realTokenReserves: token.reserves,
    priceSol: pricePerToken(quote.pricing, token.pricing, baseDecimals, quoteDecimals),
    progressPct: null,
    baseDecimals,
    quoteDecimals,
    ixName,
    completesCurve: false,
    trailingBytes: e.trailingBytes,
    ...ctx.location('pumpfun', inv, Number(e.timestamp)),
  };
  const deposit = creationDeposit(ctx, e.pool);
  ctx.events.push(trade);
  ctx.tradeAccounts.set(trade, {
    baseHolder: { account: token.vault },
    quoteHolder: { account: quote.vault },
    // In a flipped pool the trader's token leg carries the fees: only the vaults are checked.
    userBase: flipped || at.userBase === null ? null : ctx.account(inv.ix, at.userBase),
    poolDelta: { base: token.delta + deposit.base, quote: quote.delta + deposit.quote },
  });
}

const NO_DEPOSIT = { base: 0n, quote: 0n };

/**
 * The initial liquidity of a pool created earlier in this transaction: its vaults' pre-balances predate it,
 * so the first trade on the pool expects it on top of its own change (later trades add only theirs).
 */
function creationDeposit(ctx: DecodeContext, pool: string): { base: bigint; quote: bigint } {
  let deposit = NO_DEPOSIT;
  for (const ev of ctx.events) {
    if (ev.type === 'amm_pool_created' && ev.pool === pool) deposit = { base: ev.baseAmount ?? 0n, quote: ev.quoteAmount ?? 0n };
    else if (ev.type === 'trade' && ev.pool === pool) deposit = NO_DEPOSIT;
  }
  return deposit;
}
