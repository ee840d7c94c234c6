import { instructionDisc } from '../../decoders/anchor.ts';
import { WSOL_MINT } from '../../decoders/launchlab/constants.ts';
import { PUMPSWAP_EVENT } from '../../decoders/pumpswap/constants.ts';
import { ATA, PUMP, SYSTEM, TOKEN, WSOL } from './accounts.ts';
import { BorshWriter, concatBytes } from './borsh.ts';
import type { Key } from './keys.ts';
import type { Ledger, TokenAccount } from './ledger.ts';
import type { BuiltIx } from './pumpfun.ts';
import { eventCpi, eventData, tokenTransfer } from './programs.ts';
import { r, w, ws, type Invocation } from './tx.ts';

/**
 * PumpSwap after graduation: the canonical pool a pump.fun migration created keeps the token trading. Buys and
 * sells are constant product on the pool's two vaults with the program's fees (LP 20 bps stays in the pool,
 * protocol 5 bps and coin creator 5 bps go out), and emit BuyEvent / SellEvent through the event authority
 * (the 2025 layout with coin-creator fee: what the decoder reads, src/decoders/pumpswap/events.ts).
 */
export interface PumpSwapMarket {
  pool: Key;
  mint: Key;
  tokenProgram: Key;
  base: TokenAccount;
  quote: TokenAccount;
  coinCreator: Key;
  coinCreatorVaultAuthority: Key;
  coinCreatorVault: TokenAccount;
  protocolFeeRecipient: Key;
  protocolFeeAccount: TokenAccount;
}

export const PUMPSWAP_FEES = { lpBps: 20n, protocolBps: 5n, creatorBps: 5n } as const;

const BUY_DISC = instructionDisc('buy');
const SELL_DISC = instructionDisc('sell');
const writer = new BorshWriter();
const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;
const bps = (v: bigint, rate: bigint): bigint => ceilDiv(v * rate, 10_000n);

/** Tokens a buy of `quoteBudget` (fees included) takes out of the pool. */
export function pumpSwapBaseOut(m: PumpSwapMarket, quoteBudget: bigint): bigint {
  const { lpBps, protocolBps, creatorBps } = PUMPSWAP_FEES;
  const net = (quoteBudget * 10_000n) / (10_000n + lpBps + protocolBps + creatorBps);
  return (m.base.amount * net) / (m.quote.amount + net);
}

/** A `buy` (exact base out) or `sell` (exact base in) of `baseAmount` by `user`, with its expected trade. */
export function pumpSwapTradeIx(
  ledger: Ledger,
  m: PumpSwapMarket,
  user: Key,
  userBase: TokenAccount,
  userQuote: TokenAccount,
  isBuy: boolean,
  baseAmount: bigint,
  timestamp: bigint,
): BuiltIx {
  const B = m.base.amount;
  const Q = m.quote.amount;
  const quote = isBuy ? ceilDiv(Q * baseAmount, B - baseAmount) : (Q * baseAmount) / (B + baseAmount);
  const lpFee = bps(quote, PUMPSWAP_FEES.lpBps);
  const protocolFee = bps(quote, PUMPSWAP_FEES.protocolBps);
  const creatorFee = bps(quote, PUMPSWAP_FEES.creatorBps);
  // Buy: quote + LP fee into the pool; sell: quote − LP fee out of it (the LP fee stays in the pool either way).
  const vaultQuote = isBuy ? quote + lpFee : quote - lpFee;
  const userQuoteAmount = isBuy ? quote + lpFee + protocolFee + creatorFee : quote - lpFee - protocolFee - creatorFee;
  const limit = isBuy ? (userQuoteAmount * 105n) / 100n : (userQuoteAmount * 95n) / 100n;
  const children: Invocation[] = isBuy
    ? [
        tokenTransfer(ledger, userQuote, m.quote, WSOL, user, vaultQuote),
        tokenTransfer(ledger, userQuote, m.protocolFeeAccount, WSOL, user, protocolFee),
        tokenTransfer(ledger, userQuote, m.coinCreatorVault, WSOL, user, creatorFee),
        tokenTransfer(ledger, m.base, userBase, m.mint, m.pool, baseAmount),
      ]
    : [
        tokenTransfer(ledger, userBase, m.base, m.mint, user, baseAmount),
        tokenTransfer(ledger, m.quote, userQuote, WSOL, m.pool, userQuoteAmount),
        tokenTransfer(ledger, m.quote, m.protocolFeeAccount, WSOL, m.pool, protocolFee),
        tokenTransfer(ledger, m.quote, m.coinCreatorVault, WSOL, m.pool, creatorFee),
      ];
  const event = eventData(writer, isBuy ? PUMPSWAP_EVENT.BuyEvent : PUMPSWAP_EVENT.SellEvent)
    .i64(timestamp)
    .u64(baseAmount)
    .u64(limit)
    .u64(userBase.amount)
    .u64(userQuote.amount)
    .u64(B)
    .u64(Q)
    .u64(quote)
    .u64(PUMPSWAP_FEES.lpBps)
    .u64(lpFee)
    .u64(PUMPSWAP_FEES.protocolBps)
    .u64(protocolFee)
    .u64(vaultQuote)
    .u64(userQuoteAmount)
    .bytes(m.pool.bytes)
    .bytes(user.bytes)
    .bytes(userBase.address.bytes)
    .bytes(userQuote.address.bytes)
    .bytes(m.protocolFeeRecipient.bytes)
    .bytes(m.protocolFeeAccount.address.bytes)
    .bytes(m.coinCreator.bytes)
    .u64(PUMPSWAP_FEES.creatorBps)
    .u64(creatorFee)
    .finish();
  children.push(eventCpi(PUMP.amm, PUMP.ammEventAuthority, event, false));
  const accounts = [
    w(m.pool), ws(user), r(PUMP.ammGlobalConfig), r(m.mint), r(WSOL), w(userBase.address), w(userQuote.address), w(m.base.address), w(m.quote.address),
    r(m.protocolFeeRecipient), w(m.protocolFeeAccount.address), r(m.tokenProgram), r(TOKEN), r(SYSTEM), r(ATA), r(PUMP.ammEventAuthority), r(PUMP.amm),
    w(m.coinCreatorVault.address), r(m.coinCreatorVaultAuthority), ...(isBuy ? [w(PUMP.globalVolumeAccumulator)] : []), r(PUMP.feeConfig), r(PUMP.feeProgram),
  ];
  const data = concatBytes(isBuy ? BUY_DISC : SELL_DISC, writer.reset().u64(baseAmount).u64(limit).finish());
  const quoteAfter = Q + (isBuy ? vaultQuote : -vaultQuote);
  const baseAfter = B + (isBuy ? -baseAmount : baseAmount);
  return {
    ix: { program: PUMP.amm, accounts, data, logs: [`Program log: Instruction: ${isBuy ? 'Buy' : 'Sell'}`], children, cu: 45_000 },
    events: [
      {
        type: 'trade',
        program: 'pumpfun',
        venue: 'pumpswap',
        mint: m.mint.b58,
        quoteMint: WSOL_MINT,
        pool: m.pool.b58,
        user: user.b58,
        side: isBuy ? 'buy' : 'sell',
        solAmount: quote,
        tokenAmount: baseAmount,
        fee: lpFee + protocolFee + creatorFee,
        protocolFee,
        creatorFee,
        platformFee: lpFee,
        virtualSolReserves: quoteAfter,
        virtualTokenReserves: baseAfter,
        realSolReserves: quoteAfter,
        realTokenReserves: baseAfter,
        baseDecimals: 6,
        quoteDecimals: 9,
        ixName: isBuy ? 'buy' : 'sell',
        completesCurve: false,
      },
    ],
  };
}

