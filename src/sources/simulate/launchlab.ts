import { instructionDisc } from '../../decoders/anchor.ts';
import { LAUNCHLAB_EVENT, LAUNCHLAB_IX } from '../../decoders/launchlab/constants.ts';
import { ATA, LAUNCHLAB, METAPLEX, RENT, RENT_MINT, SYSTEM, TOKEN } from './accounts.ts';
import { BorshWriter, concatBytes } from './borsh.ts';
import type { Key } from './keys.ts';
import type { Ledger, TokenAccount } from './ledger.ts';
import { eventCpi, eventData, tokenTransfer } from './programs.ts';
import type { DraftEvent } from './truth.ts';
import type { TokenMeta, BuiltIx } from './pumpfun.ts';
import { r, w, ws, type Invocation } from './tx.ts';

/** Fee rates in parts per million (spec §3.6: protocol 0.25 %, platform 1 %, creator 0.05 %). */
export const LAUNCHLAB_FEES = { denominator: 1_000_000n, protocol: 2_500n, platform: 10_000n, creator: 500n } as const;

/** A quote mint with the global config tied to it (spec §3.7). */
export interface QuoteSpec {
  mint: Key;
  decimals: number;
  globalConfig: Key;
  /** The standard constant-product raise for this quote (85 SOL; 12 500 USD1). */
  fundRaising: bigint;
}

export const LAUNCH_SUPPLY = 1_000_000_000_000_000n;
export const LAUNCH_TOTAL_SELL = 793_100_000_000_000n;

/**
 * Virtual reserves of a constant-product curve, as the Raydium SDK's `getInitParam` computes them
 * (no locked amount, no migrate fee): 85 SOL gives 1 073 025 605 596 382 / 30 000 852 951 (spec §3.6).
 */
export function constantCurveInit(supply: bigint, totalSell: bigint, fundRaising: bigint): { virtualBase: bigint; virtualQuote: bigint } {
  const denominator = (fundRaising * totalSell) / (supply - totalSell) - fundRaising;
  const numerator = (fundRaising * totalSell * totalSell) / (supply - totalSell);
  return { virtualBase: numerator / denominator, virtualQuote: (fundRaising * fundRaising) / denominator };
}

export interface LaunchPool {
  pool: Key;
  mint: Key;
  quote: QuoteSpec;
  creator: Key;
  baseVault: TokenAccount;
  quoteVault: TokenAccount;
  platformFeeVault: Key;
  /** Quote token account that collects the creator fee (PDA [creator, quote_mint] on chain). */
  creatorFeeVault: TokenAccount;
  supply: bigint;
  totalBaseSell: bigint;
  virtualBase: bigint;
  virtualQuote: bigint;
  realBase: bigint;
  realQuote: bigint;
  /** 0 Fund · 1 Migrate (sold out) · 2 Trade (migrated). */
  status: 0 | 1 | 2;
  migrateType: 0 | 1;
}

export interface LaunchFees {
  total: bigint;
  protocol: bigint;
  platform: bigint;
  creator: bigint;
  share: bigint;
}

const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;

/** The per-trade rates that vary: the router's share fee, and the creator fee (absent before TradeEvent L2). */
export interface FeeRates {
  share: bigint;
  creator: bigint;
}

/** Total fee `ceil(amount·Σrates/1e6)`, split pro rata by rate, protocol taking the remainder (spec §3.6). */
export function launchFees(amount: bigint, rates: FeeRates): LaunchFees {
  const { denominator, protocol, platform } = LAUNCHLAB_FEES;
  const sum = protocol + platform + rates.creator + rates.share;
  const total = ceilDiv(amount * sum, denominator);
  const platformFee = (total * platform) / sum;
  const creatorFee = (total * rates.creator) / sum;
  const shareFee = (total * rates.share) / sum;
  return { total, protocol: total - platformFee - creatorFee - shareFee, platform: platformFee, creator: creatorFee, share: shareFee };
}

/** Smallest gross amount whose net (gross − fee) reaches `net`. */
function grossForNet(net: bigint, rates: FeeRates): bigint {
  const sum = LAUNCHLAB_FEES.protocol + LAUNCHLAB_FEES.platform + rates.creator + rates.share;
  let gross = ceilDiv(net * LAUNCHLAB_FEES.denominator, LAUNCHLAB_FEES.denominator - sum);
  while (gross - launchFees(gross, rates).total < net) gross += 1n;
  while (gross > 0n && gross - 1n - launchFees(gross - 1n, rates).total >= net) gross -= 1n;
  return gross;
}

export type LaunchTradeIxName = 'buy_exact_in' | 'buy_exact_out' | 'sell_exact_in' | 'sell_exact_out';

/** A priced LaunchLab trade: the TradeEvent's amounts before they are applied. */
export interface LaunchQuote {
  ixName: LaunchTradeIxName;
  isBuy: boolean;
  /** Quote (buy) or base (sell) the user gives. */
  amountIn: bigint;
  /** Base (buy) or net quote (sell) the user gets. */
  amountOut: bigint;
  fees: LaunchFees;
  /** The change of real_quote (net of fees on a buy, gross on a sell). */
  quoteDelta: bigint;
  baseDelta: bigint;
  rates: FeeRates;
}

const quoteReserve = (p: LaunchPool): bigint => p.virtualQuote + p.realQuote;
const baseReserve = (p: LaunchPool): bigint => p.virtualBase - p.realBase;
const remainingBase = (p: LaunchPool): bigint => p.totalBaseSell - p.realBase;

/** Net quote needed for exactly `base` out on the x·y=k curve (rounded up, in the pool's favour). */
const netQuoteForBase = (p: LaunchPool, base: bigint): bigint => ceilDiv(base * quoteReserve(p), baseReserve(p) - base);

function buyForBase(p: LaunchPool, ixName: LaunchTradeIxName, base: bigint, rates: FeeRates): LaunchQuote {
  const gross = grossForNet(netQuoteForBase(p, base), rates);
  const fees = launchFees(gross, rates);
  return { ixName, isBuy: true, amountIn: gross, amountOut: base, fees, quoteDelta: gross - fees.total, baseDelta: base, rates };
}

/** `buy_exact_in`: spend `amountIn` quote (fees included); the sale's last buy is capped to the base left. */
export function quoteBuyExactIn(p: LaunchPool, amountIn: bigint, rates: FeeRates): LaunchQuote {
  const fees = launchFees(amountIn, rates);
  const net = amountIn - fees.total;
  const out = (net * baseReserve(p)) / (quoteReserve(p) + net);
  if (out >= remainingBase(p)) return buyForBase(p, 'buy_exact_in', remainingBase(p), rates);
  return { ixName: 'buy_exact_in', isBuy: true, amountIn, amountOut: out, fees, quoteDelta: net, baseDelta: out, rates };
}

/** `buy_exact_out`: receive exactly `amountOut` base (capped to the base left). */
export function quoteBuyExactOut(p: LaunchPool, amountOut: bigint, rates: FeeRates): LaunchQuote {
  const base = amountOut < remainingBase(p) ? amountOut : remainingBase(p);
  return buyForBase(p, 'buy_exact_out', base, rates);
}

/** `sell_exact_in`: sell `amountIn` base; the fee comes off the quote paid out. */
export function quoteSellExactIn(p: LaunchPool, amountIn: bigint, rates: FeeRates): LaunchQuote {
  const gross = (amountIn * quoteReserve(p)) / (baseReserve(p) + amountIn);
  const fees = launchFees(gross, rates);
  return { ixName: 'sell_exact_in', isBuy: false, amountIn, amountOut: gross - fees.total, fees, quoteDelta: gross, baseDelta: amountIn, rates };
}

/** `sell_exact_out`: receive at least `amountOut` net quote; the base needed is rounded up. */
export function quoteSellExactOut(p: LaunchPool, amountOut: bigint, rates: FeeRates): LaunchQuote {
  const gross = grossForNet(amountOut, rates);
  const fees = launchFees(gross, rates);
  const base = ceilDiv(gross * baseReserve(p), quoteReserve(p) - gross);
  return { ixName: 'sell_exact_out', isBuy: false, amountIn: base, amountOut: gross - fees.total, fees, quoteDelta: gross, baseDelta: base, rates };
}

const writer = new BorshWriter();
const TRADE_LOGS: Record<LaunchTradeIxName, string[]> = {
  buy_exact_in: ['Program log: Instruction: BuyExactIn'],
  buy_exact_out: ['Program log: Instruction: BuyExactOut'],
  sell_exact_in: ['Program log: Instruction: SellExactIn'],
  sell_exact_out: ['Program log: Instruction: SellExactOut'],
};
const CPMM_INITIALIZE_DISC = instructionDisc('initialize');

/** LaunchLab TradeEvent layouts (spec §3.4): L1 (130 bytes, no creator fee), L3 (139 bytes, current). */
export type LaunchTradeLayout = 'l1' | 'l3';

/** TradeEvent self-CPI data (tag, discriminator, payload). */
function tradeEventData(p: LaunchPool, q: LaunchQuote, baseBefore: bigint, quoteBefore: bigint, layout: LaunchTradeLayout): Uint8Array {
  const b = eventData(writer, LAUNCHLAB_EVENT.TradeEvent);
  b.bytes(p.pool.bytes).u64(p.totalBaseSell).u64(p.virtualBase).u64(p.virtualQuote);
  b.u64(baseBefore).u64(quoteBefore).u64(p.realBase).u64(p.realQuote);
  b.u64(q.amountIn).u64(q.amountOut).u64(q.fees.protocol).u64(q.fees.platform);
  if (layout === 'l3') b.u64(q.fees.creator);
  b.u64(q.fees.share).u8(q.isBuy ? 0 : 1).u8(p.status);
  if (layout === 'l3') b.bool(q.ixName.endsWith('_in'));
  return b.finish();
}

/**
 * A LaunchLab trade: applies the quote to the pool and the ledger and returns the instruction with its CPIs
 * (TradeEvent self-CPI first, as on chain, then the two token transfers). Fees stay in the quote vault.
 */
export function launchTradeIx(
  ledger: Ledger,
  p: LaunchPool,
  user: Key,
  userBase: TokenAccount,
  userQuote: TokenAccount,
  q: LaunchQuote,
  limitArg: bigint,
  layout: LaunchTradeLayout,
): BuiltIx {
  const baseBefore = p.realBase;
  const quoteBefore = p.realQuote;
  if (q.isBuy) {
    p.realBase += q.baseDelta;
    p.realQuote += q.quoteDelta;
    if (p.realBase === p.totalBaseSell) p.status = 1;
  } else {
    p.realBase -= q.baseDelta;
    p.realQuote -= q.quoteDelta;
  }
  const quoteProgram = TOKEN;
  const children: Invocation[] = [
    eventCpi(LAUNCHLAB.program, LAUNCHLAB.eventAuthority, tradeEventData(p, q, baseBefore, quoteBefore, layout), true),
  ];
  if (q.isBuy) {
    children.push(tokenTransfer(ledger, userQuote, p.quoteVault, p.quote.mint, user, q.amountIn));
    children.push(tokenTransfer(ledger, p.baseVault, userBase, p.mint, LAUNCHLAB.authority, q.amountOut));
  } else {
    children.push(tokenTransfer(ledger, userBase, p.baseVault, p.mint, user, q.amountIn));
    children.push(tokenTransfer(ledger, p.quoteVault, userQuote, p.quote.mint, LAUNCHLAB.authority, q.amountOut));
  }
  // The creator fee leaves the quote vault for the creator's fee vault; protocol and platform fees accrue in it.
  if (q.fees.creator > 0n) children.push(tokenTransfer(ledger, p.quoteVault, p.creatorFeeVault, p.quote.mint, LAUNCHLAB.authority, q.fees.creator));
  const firstArg = q.ixName.endsWith('_in') ? q.amountIn : q.amountOut;
  const data = writer.reset().bytes(LAUNCHLAB_IX[q.ixName]).u64(firstArg).u64(limitArg).u64(q.rates.share).finish();
  const accounts = [
    ws(user), r(LAUNCHLAB.authority), r(p.quote.globalConfig), r(LAUNCHLAB.platformConfig), w(p.pool), w(userBase.address), w(userQuote.address),
    w(p.baseVault.address), w(p.quoteVault.address), r(p.mint), r(p.quote.mint), r(TOKEN), r(quoteProgram), r(LAUNCHLAB.eventAuthority), r(LAUNCHLAB.program),
    r(SYSTEM), w(p.platformFeeVault), w(p.creatorFeeVault.address),
  ];
  const events: DraftEvent[] = [
    {
      type: 'trade',
      program: 'launchlab',
      mint: p.mint.b58,
      quoteMint: p.quote.mint.b58,
      pool: p.pool.b58,
      user: user.b58,
      side: q.isBuy ? 'buy' : 'sell',
      solAmount: q.quoteDelta,
      tokenAmount: q.baseDelta,
      fee: q.fees.total,
      protocolFee: q.fees.protocol,
      creatorFee: q.fees.creator,
      platformFee: q.fees.platform + q.fees.share,
      virtualSolReserves: p.virtualQuote + p.realQuote,
      virtualTokenReserves: p.virtualBase - p.realBase,
      realSolReserves: p.realQuote,
      realTokenReserves: p.totalBaseSell - p.realBase,
      baseDecimals: 6,
      quoteDecimals: p.quote.decimals,
      ixName: q.ixName,
      completesCurve: q.isBuy && p.status === 1,
    },
  ];
  if (q.isBuy && p.status === 1) events.push({ type: 'curve_completed', program: 'launchlab', mint: p.mint.b58, pool: p.pool.b58, user: user.b58 });
  return { ix: { program: LAUNCHLAB.program, accounts, data, logs: TRADE_LOGS[q.ixName], children, cu: 40_000 }, events };
}

/** `initialize_v2`: a constant-product pool with the standard config, base supply minted to the base vault. */
export function initializeIx(ledger: Ledger, p: LaunchPool, payer: Key, meta: TokenMeta, metadata: Key): BuiltIx {
  const fundRaising = p.quote.fundRaising;
  const curveParams = writer.reset().u8(0).u64(p.supply).u64(p.totalBaseSell).u64(fundRaising).u8(p.migrateType).finish();
  const mintParams = writer.reset().u8(6).string(meta.name).string(meta.symbol).string(meta.uri).finish();
  const vesting = writer.reset().u64(0n).u64(0n).u64(0n).finish();
  const data = concatBytes(LAUNCHLAB_IX.initialize_v2, mintParams, curveParams, vesting, Uint8Array.of(0));
  const event = eventData(writer, LAUNCHLAB_EVENT.PoolCreateEvent).bytes(p.pool.bytes).bytes(p.creator.bytes).bytes(p.quote.globalConfig.bytes);
  const eventBytes = event.bytes(mintParams).bytes(curveParams).bytes(vesting).u8(0).finish();

  const poolRent = (128n + 429n) * 6_960n; // rent exemption of the 429-byte pool state
  const vaultRent = 2_039_280n;
  const metadataRent = 15_115_600n;
  ledger.addLamports(payer, -(poolRent + 2n * vaultRent + metadataRent + RENT_MINT));
  ledger.addLamports(p.pool, poolRent);
  ledger.addLamports(p.baseVault.address, vaultRent);
  ledger.addLamports(p.quoteVault.address, vaultRent);
  ledger.addLamports(metadata, metadataRent);
  ledger.addLamports(p.mint, RENT_MINT);
  ledger.mintTokens(p.baseVault, p.supply);

  const children: Invocation[] = [
    { program: SYSTEM, accounts: [ws(payer), w(p.pool)], data: writer.reset().u32(0).u64(poolRent).u64(429n).bytes(LAUNCHLAB.program.bytes).finish() },
    { program: SYSTEM, accounts: [ws(payer), w(p.mint)], data: writer.reset().u32(0).u64(RENT_MINT).u64(82n).bytes(TOKEN.bytes).finish() },
    { program: TOKEN, accounts: [w(p.mint)], data: concatBytes(Uint8Array.of(20, 6), LAUNCHLAB.authority.bytes, Uint8Array.of(0)), logs: ['Program log: Instruction: InitializeMint2'], cu: 2_780 },
    { program: TOKEN, accounts: [w(p.baseVault.address), r(p.mint)], data: concatBytes(Uint8Array.of(18), LAUNCHLAB.authority.bytes), logs: ['Program log: Instruction: InitializeAccount3'], cu: 4_214 },
    { program: TOKEN, accounts: [w(p.quoteVault.address), r(p.quote.mint)], data: concatBytes(Uint8Array.of(18), LAUNCHLAB.authority.bytes), logs: ['Program log: Instruction: InitializeAccount3'], cu: 4_214 },
    { program: METAPLEX, accounts: [w(metadata), r(p.mint), r(LAUNCHLAB.authority), ws(payer), r(SYSTEM)], data: Uint8Array.of(33), logs: ['Program log: IX: Create Metadata Accounts v3'], cu: 46_459 },
    { program: TOKEN, accounts: [w(p.mint), w(p.baseVault.address), r(LAUNCHLAB.authority)], data: writer.reset().u8(7).u64(p.supply).finish(), logs: ['Program log: Instruction: MintTo'], cu: 4_492 },
    eventCpi(LAUNCHLAB.program, LAUNCHLAB.eventAuthority, eventBytes, false),
  ];
  const accounts = [
    ws(payer), r(p.creator), r(p.quote.globalConfig), r(LAUNCHLAB.platformConfig), r(LAUNCHLAB.authority), w(p.pool), ws(p.mint), r(p.quote.mint),
    w(p.baseVault.address), w(p.quoteVault.address), w(metadata), r(TOKEN), r(TOKEN), r(METAPLEX), r(SYSTEM), r(RENT), r(LAUNCHLAB.eventAuthority), r(LAUNCHLAB.program),
  ];
  return {
    ix: { program: LAUNCHLAB.program, accounts, data, logs: ['Program log: Instruction: InitializeV2'], children, cu: 70_000 },
    events: [
      {
        type: 'pool_created',
        program: 'launchlab',
        pool: p.pool.b58,
        creator: p.creator.b58,
        config: p.quote.globalConfig.b58,
        mint: p.mint.b58,
        quoteMint: p.quote.mint.b58,
        name: meta.name,
        symbol: meta.symbol,
        uri: meta.uri,
        decimals: 6,
        curveType: 'constant',
        supply: p.supply,
        totalBaseSell: p.totalBaseSell,
        totalQuoteFundRaising: fundRaising,
        migrateType: p.migrateType === 0 ? 'amm' : 'cpmm',
        ixName: 'initialize_v2',
      },
    ],
  };
}

/** The pool a migration creates and its accounts (CPMM or AMM v4). */
export interface LaunchAmmPool {
  pool: Key;
  lpMint: Key;
  baseVault: TokenAccount;
  quoteVault: TokenAccount;
  /** Accounts the instruction lists that the simulator does not model further (market, observation, …). */
  filler: Key[];
}

/**
 * `migrate_to_cpswap` (migrate_type 1) or `migrate_to_amm` (0): moves the unsold base and all quote to the
 * new pool; the pool state goes to status Trade. LaunchLab emits no event for it (spec §4).
 */
export function migrateIx(ledger: Ledger, p: LaunchPool, payer: Key, amm: LaunchAmmPool): BuiltIx {
  const baseAmount = p.baseVault.amount;
  const quoteAmount = p.quoteVault.amount;
  const children: Invocation[] = [
    tokenTransfer(ledger, p.baseVault, amm.baseVault, p.mint, LAUNCHLAB.authority, baseAmount),
    tokenTransfer(ledger, p.quoteVault, amm.quoteVault, p.quote.mint, LAUNCHLAB.authority, quoteAmount),
  ];
  p.status = 2;
  const [f0, f1, f2, f3, f4, f5, f6, f7, f8, f9] = amm.filler as [Key, Key, Key, Key, Key, Key, Key, Key, Key, Key];
  const cpmm = p.migrateType === 1;
  let accounts;
  let data: Uint8Array;
  if (cpmm) {
    children.push({
      program: LAUNCHLAB.cpmm,
      // CPMM initialize's account list (raydium-cp-swap): 3 pool, 4/5 token mints, 6 lp mint, 10/11 vaults.
      accounts: [
        ws(payer), r(LAUNCHLAB.cpmmConfig), r(LAUNCHLAB.cpmmAuthority), w(amm.pool), r(p.mint), r(p.quote.mint), w(amm.lpMint), w(f0), w(f1), w(f2),
        w(amm.baseVault.address), w(amm.quoteVault.address), w(f3), w(f4), r(TOKEN), r(TOKEN), r(TOKEN), r(ATA), r(SYSTEM), r(RENT),
      ],
      data: concatBytes(CPMM_INITIALIZE_DISC, writer.reset().u64(baseAmount).u64(quoteAmount).u64(0n).finish()),
      logs: ['Program log: Instruction: Initialize'],
      cu: 60_000,
    });
    accounts = [
      ws(payer), r(p.mint), r(p.quote.mint), r(LAUNCHLAB.platformConfig), r(LAUNCHLAB.cpmm), w(amm.pool), r(LAUNCHLAB.cpmmAuthority), w(amm.lpMint),
      w(amm.baseVault.address), w(amm.quoteVault.address), r(LAUNCHLAB.cpmmConfig), w(f0), w(f1), r(f2), r(f3), w(f4), r(LAUNCHLAB.authority), w(p.pool),
      r(p.quote.globalConfig), w(p.baseVault.address), w(p.quoteVault.address), w(f5), r(TOKEN), r(TOKEN), r(ATA), r(SYSTEM), r(RENT), r(METAPLEX),
    ];
    data = LAUNCHLAB_IX.migrate_to_cpswap;
  } else {
    children.push({
      program: LAUNCHLAB.ammV4,
      // initialize2's account list (raydium-amm instruction.rs): 4 amm, 5 authority, 7 lp mint, 8 coin, 9 pc, 10/11 vaults, 17 user wallet.
      accounts: [
        r(TOKEN), r(ATA), r(SYSTEM), r(RENT), w(amm.pool), r(LAUNCHLAB.ammAuthority), w(f1), w(amm.lpMint), r(p.mint), r(p.quote.mint),
        w(amm.baseVault.address), w(amm.quoteVault.address), w(f2), r(f3), w(f4), r(f6), w(f7), r(LAUNCHLAB.authority), w(f8), w(f9), w(f0),
      ],
      data: writer.reset().u8(1).u8(254).u64(0n).u64(quoteAmount).u64(baseAmount).finish(),
      logs: ['Program log: initialize2: InitializeInstruction2 { nonce: 254, open_time: 0 }'],
      cu: 60_000,
    });
    accounts = [
      ws(payer), r(p.mint), r(p.quote.mint), r(f0), w(f1), w(f2), w(f3), w(f4), w(f5), r(f6), w(f7), w(f8), r(LAUNCHLAB.ammV4), w(amm.pool),
      r(LAUNCHLAB.ammAuthority), w(f9), w(amm.lpMint), w(amm.baseVault.address), w(amm.quoteVault.address), w(f9), r(LAUNCHLAB.cpmmConfig), w(f0),
      r(LAUNCHLAB.authority), w(p.pool), r(p.quote.globalConfig), w(p.baseVault.address), w(p.quoteVault.address), w(f5), r(TOKEN), r(ATA), r(SYSTEM), r(RENT),
    ];
    data = concatBytes(LAUNCHLAB_IX.migrate_to_amm, writer.reset().u64(1_000_000n).u64(10_000n).u8(0).finish());
  }
  const ixName = cpmm ? 'migrate_to_cpswap' : 'migrate_to_amm';
  return {
    ix: { program: LAUNCHLAB.program, accounts, data, logs: [`Program log: Instruction: ${cpmm ? 'MigrateToCpswap' : 'MigrateToAmm'}`], children, cu: 90_000 },
    events: [
      {
        type: 'migrated',
        program: 'launchlab',
        mint: p.mint.b58,
        quoteMint: p.quote.mint.b58,
        pool: p.pool.b58,
        newPool: amm.pool.b58,
        lpMint: amm.lpMint.b58,
        target: cpmm ? 'raydium_cpmm' : 'raydium_amm_v4',
        baseAmount: null,
        quoteAmount: null,
        ixName,
      },
      {
        type: 'amm_pool_created',
        program: 'launchlab',
        venue: cpmm ? 'raydium_cpmm' : 'raydium_amm_v4',
        pool: amm.pool.b58,
        mint: p.mint.b58,
        quoteMint: p.quote.mint.b58,
        lpMint: amm.lpMint.b58,
        baseAmount,
        quoteAmount,
        baseVault: amm.baseVault.address.b58,
        quoteVault: amm.quoteVault.address.b58,
        ixName: cpmm ? 'initialize' : 'initialize2',
        child: 2,
      },
    ],
  };
}
