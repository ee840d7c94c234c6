import { WSOL_MINT } from '../../decoders/launchlab/constants.ts';
import { PUMPFUN_EVENT, PUMPFUN_IX } from '../../decoders/pumpfun/constants.ts';
import { instructionDisc } from '../../decoders/anchor.ts';
import { ATA, METAPLEX, PUMP, RENT, RENT_MINT, SYSTEM, TOKEN_2022, WSOL } from './accounts.ts';
import { BorshWriter, concatBytes } from './borsh.ts';
import type { Key } from './keys.ts';
import type { Ledger, TokenAccount } from './ledger.ts';
import { eventCpi, eventData, systemTransfer, tokenTransfer } from './programs.ts';
import type { DraftEvent } from './truth.ts';
import { r, w, ws, type Invocation } from './tx.ts';

/** pump.fun standard curve constants (spec §2.6). */
export const PUMP_CURVE = {
  decimals: 6,
  totalSupply: 1_000_000_000_000_000n,
  initialVirtualToken: 1_073_000_000_000_000n,
  initialVirtualSol: 30_000_000_000n,
  initialRealToken: 793_100_000_000_000n,
  feeBps: 95n,
  creatorFeeBps: 30n,
  poolMigrationFee: 15_000_001n,
} as const;

/** TradeEvent layouts the simulator can write (spec §2.4): V3 ends at 250 bytes, V8 is SDK 2.0.0, V9 adds 8 unknown bytes. */
export type PumpTradeLayout = 'v3' | 'v4' | 'v6' | 'v7' | 'v8' | 'v9';

/** A pump.fun bonding curve and the accounts around it. */
export interface PumpCurve {
  mint: Key;
  bondingCurve: Key;
  curveAta: TokenAccount;
  creator: Key;
  creatorVault: Key;
  tokenProgram: Key;
  virtualToken: bigint;
  virtualSol: bigint;
  realToken: bigint;
  realSol: bigint;
  complete: boolean;
}

export interface PumpTrader {
  key: Key;
  volumeAccumulator: Key;
}

const ZERO_KEY = new Uint8Array(32);
const GET_FEES_DISC = instructionDisc('get_fees');
const CREATE_POOL_DISC = instructionDisc('create_pool');
const writer = new BorshWriter();
const GET_FEES_LOGS = ['Program log: Instruction: GetFees'];
const TRADE_LOGS: Record<PumpTradeIxName, string[]> = {
  buy: ['Program log: Instruction: Buy'],
  buy_exact_sol_in: ['Program log: Instruction: BuyExactSolIn'],
  sell: ['Program log: Instruction: Sell'],
};
const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;
const feeOf = (sol: bigint, bps: bigint): bigint => ceilDiv(sol * bps, 10_000n);

// ---------- curve math (spec §2.7) ----------

/** Tokens out for `sol` lamports net of fees. */
export const tokensForSol = (c: PumpCurve, sol: bigint): bigint => (sol * c.virtualToken) / (c.virtualSol + sol);
/** Lamports (net of fees) an exact token amount costs: the SDK's `amount·vS/(vT−amount) + 1`. */
export const solCostOfTokens = (c: PumpCurve, tokens: bigint): bigint => (tokens * c.virtualSol) / (c.virtualToken - tokens) + 1n;
/** Lamports (before fees) a sale of `tokens` returns. */
export const solForTokens = (c: PumpCurve, tokens: bigint): bigint => (tokens * c.virtualSol) / (c.virtualToken + tokens);

export interface PumpTradeQuote {
  isBuy: boolean;
  tokens: bigint;
  sol: bigint;
  fee: bigint;
  creatorFee: bigint;
}

/** `buy`: an exact token amount (capped to what the curve still sells). */
export function quoteBuyExactTokens(c: PumpCurve, wanted: bigint): PumpTradeQuote {
  const tokens = wanted < c.realToken ? wanted : c.realToken;
  const sol = solCostOfTokens(c, tokens);
  return { isBuy: true, tokens, sol, fee: feeOf(sol, PUMP_CURVE.feeBps), creatorFee: feeOf(sol, PUMP_CURVE.creatorFeeBps) };
}

/** `buy_exact_sol_in`: spend at most `spendable` lamports including fees. */
export function quoteBuyExactSol(c: PumpCurve, spendable: bigint): PumpTradeQuote {
  let sol = (spendable * 10_000n) / (10_000n + PUMP_CURVE.feeBps + PUMP_CURVE.creatorFeeBps);
  while (sol + feeOf(sol, PUMP_CURVE.feeBps) + feeOf(sol, PUMP_CURVE.creatorFeeBps) > spendable) sol -= 1n;
  const tokens = tokensForSol(c, sol);
  if (tokens >= c.realToken) return quoteBuyExactTokens(c, c.realToken);
  return { isBuy: true, tokens, sol, fee: feeOf(sol, PUMP_CURVE.feeBps), creatorFee: feeOf(sol, PUMP_CURVE.creatorFeeBps) };
}

export function quoteSell(c: PumpCurve, tokens: bigint): PumpTradeQuote {
  const sol = solForTokens(c, tokens);
  return { isBuy: false, tokens, sol, fee: feeOf(sol, PUMP_CURVE.feeBps), creatorFee: feeOf(sol, PUMP_CURVE.creatorFeeBps) };
}

function applyQuote(c: PumpCurve, q: PumpTradeQuote): void {
  const sign = q.isBuy ? 1n : -1n;
  c.virtualSol += sign * q.sol;
  c.realSol += sign * q.sol;
  c.virtualToken -= sign * q.tokens;
  c.realToken -= sign * q.tokens;
  if (c.realToken === 0n) c.complete = true;
}

// ---------- events (spec §2.4) ----------

/** TradeEvent self-CPI data (tag, discriminator, payload). */
function tradeEventData(c: PumpCurve, q: PumpTradeQuote, user: Key, timestamp: bigint, ixName: string, layout: PumpTradeLayout): Uint8Array {
  const b = eventData(writer, PUMPFUN_EVENT.TradeEvent);
  b.bytes(c.mint.bytes).u64(q.sol).u64(q.tokens).bool(q.isBuy).bytes(user.bytes).i64(timestamp);
  b.u64(c.virtualSol).u64(c.virtualToken).u64(c.realSol).u64(c.realToken);
  b.bytes(PUMP.feeRecipient.bytes).u64(PUMP_CURVE.feeBps).u64(q.fee);
  b.bytes(c.creator.bytes).u64(PUMP_CURVE.creatorFeeBps).u64(q.creatorFee);
  b.bool(false).u64(0n).u64(0n).u64(0n).i64(0n); // volume tracking off
  if (layout === 'v3') return b.finish();
  b.string(ixName);
  if (layout === 'v4') return b.finish();
  b.bool(false).u64(0n).u64(0n); // mayhem_mode (V5), cashback bps + cashback (V6)
  if (layout === 'v6') return b.finish();
  b.u64(0n).u64(0n).u32(0).bytes(ZERO_KEY).u64(q.sol).u64(c.virtualSol).u64(c.realSol); // buyback, shareholders, quote leg (V7)
  if (layout === 'v7') return b.finish();
  b.u64(0n).u64(0n); // holder rewards (V8)
  if (layout === 'v9') b.u64(0n);
  return b.finish();
}

function createEventData(c: PumpCurve, meta: TokenMeta, user: Key, timestamp: bigint): Uint8Array {
  return eventData(writer, PUMPFUN_EVENT.CreateEvent)
    .string(meta.name)
    .string(meta.symbol)
    .string(meta.uri)
    .bytes(c.mint.bytes)
    .bytes(c.bondingCurve.bytes)
    .bytes(user.bytes)
    .bytes(c.creator.bytes)
    .i64(timestamp)
    .u64(c.virtualToken)
    .u64(c.virtualSol)
    .u64(c.realToken)
    .u64(PUMP_CURVE.totalSupply)
    .bytes(c.tokenProgram.bytes)
    .bool(false) // is_mayhem_mode
    .bool(false) // is_cashback_enabled
    .bytes(ZERO_KEY) // quote_mint: zeros for SOL
    .u64(c.virtualSol)
    .u64(PUMP_CURVE.creatorFeeBps)
    .bool(false) // is_holder_reward
    .finish();
}

// ---------- instructions ----------

export interface TokenMeta {
  name: string;
  symbol: string;
  uri: string;
}

export interface BuiltIx {
  ix: Invocation;
  events: DraftEvent[];
}

/**
 * `create` (SPL Token + Metaplex) or `create_v2` (Token-2022): opens the curve with the Global defaults and
 * mints the whole supply to the curve's token account. `curve` comes in with its accounts chosen.
 */
/**
 * `create` / `create_v2`. `prefunded`: lamports the curve PDA already held (anyone may send lamports to an address
 * before it exists); Anchor's `init` then transfers only rent − those, as on chain.
 */
export function createIx(ledger: Ledger, curve: PumpCurve, meta: TokenMeta, user: Key, metadata: Key, v2: boolean, timestamp: bigint, prefunded = 0n): BuiltIx {
  const tokenProgram = curve.tokenProgram;
  const data = concatBytes(
    v2 ? PUMPFUN_IX.create_v2 : PUMPFUN_IX.create,
    writer.reset().string(meta.name).string(meta.symbol).string(meta.uri).bytes(curve.creator.bytes).finish(),
    v2 ? Uint8Array.of(0, 0) : new Uint8Array(0), // is_mayhem_mode = false, is_cashback_enabled = OptionBool(false)
  );
  const mintSigner = ws(curve.mint);
  const accounts = v2
    ? [mintSigner, r(PUMP.mintAuthority), w(curve.bondingCurve), w(curve.curveAta.address), r(PUMP.global), ws(user), r(SYSTEM), r(tokenProgram), r(ATA),
       w(PUMP.mayhemProgram), r(PUMP.globalParams), w(PUMP.solVault), w(PUMP.mayhemState), w(PUMP.mayhemTokenVault), r(PUMP.eventAuthority), r(PUMP.program)]
    : [mintSigner, r(PUMP.mintAuthority), w(curve.bondingCurve), w(curve.curveAta.address), r(PUMP.global), r(METAPLEX), w(metadata), ws(user), r(SYSTEM),
       r(tokenProgram), r(ATA), r(RENT), r(PUMP.eventAuthority), r(PUMP.program)];

  // Rent for the mint, the curve, the curve's token account (and the Metaplex metadata account).
  const curveRent = (128n + 151n) * 6_960n; // rent exemption of the 151-byte curve account
  const ataRent = v2 ? 2_074_080n : 2_039_280n;
  const metadataRent = v2 ? 0n : 15_616_720n;
  const mintRent = v2 ? 3_700_000n : RENT_MINT;
  const curveTopUp = curveRent - prefunded;
  ledger.addLamports(user, -(curveTopUp + ataRent + metadataRent + mintRent));
  ledger.addLamports(curve.mint, mintRent);
  ledger.addLamports(curve.bondingCurve, curveTopUp);
  ledger.addLamports(curve.curveAta.address, ataRent);
  if (!v2) ledger.addLamports(metadata, metadataRent);
  ledger.mintTokens(curve.curveAta, PUMP_CURVE.totalSupply);

  const children: Invocation[] = [
    { program: SYSTEM, accounts: [ws(user), w(curve.mint)], data: writer.reset().u32(0).u64(mintRent).u64(82n).bytes(tokenProgram.bytes).finish() },
    { program: tokenProgram, accounts: [w(curve.mint)], data: concatBytes(Uint8Array.of(20, 6), PUMP.mintAuthority.bytes, Uint8Array.of(0)), logs: ['Program log: Instruction: InitializeMint2'], cu: 1_497 },
    // A pre-funded PDA is topped up (system transfer) instead of created; allocate / assign follow on chain.
    prefunded > 0n
      ? { program: SYSTEM, accounts: [ws(user), w(curve.bondingCurve)], data: writer.reset().u32(2).u64(curveTopUp).finish() }
      : { program: SYSTEM, accounts: [ws(user), w(curve.bondingCurve)], data: writer.reset().u32(0).u64(curveRent).u64(151n).bytes(PUMP.program.bytes).finish() },
    { program: ATA, accounts: [ws(user), w(curve.curveAta.address), r(curve.bondingCurve), r(curve.mint), r(SYSTEM), r(tokenProgram)], data: new Uint8Array(0), logs: ['Program log: Create'], cu: 19_324 },
    ...(v2 ? [] : [{ program: METAPLEX, accounts: [w(metadata), r(curve.mint), r(PUMP.mintAuthority), ws(user), r(PUMP.mintAuthority), r(SYSTEM)], data: Uint8Array.of(33), logs: ['Program log: IX: Create Metadata Accounts v3'], cu: 46_459 }]),
    { program: tokenProgram, accounts: [w(curve.mint), w(curve.curveAta.address), r(PUMP.mintAuthority)], data: writer.reset().u8(7).u64(PUMP_CURVE.totalSupply).finish(), logs: ['Program log: Instruction: MintTo'], cu: 4_492 },
    { program: tokenProgram, accounts: [w(curve.mint), r(PUMP.mintAuthority)], data: Uint8Array.of(6, 0, 0), logs: ['Program log: Instruction: SetAuthority'], cu: 2_911 },
    eventCpi(PUMP.program, PUMP.eventAuthority, createEventData(curve, meta, user, timestamp), true),
  ];
  const ixName = v2 ? 'create_v2' : 'create';
  return {
    ix: { program: PUMP.program, accounts, data, logs: [`Program log: Instruction: ${v2 ? 'CreateV2' : 'Create'}`], children, cu: 60_000 },
    events: [
      {
        type: 'token_created',
        program: 'pumpfun',
        mint: curve.mint.b58,
        name: meta.name,
        symbol: meta.symbol,
        uri: meta.uri,
        creator: curve.creator.b58,
        user: user.b58,
        bondingCurve: curve.bondingCurve.b58,
        decimals: PUMP_CURVE.decimals,
        totalSupply: PUMP_CURVE.totalSupply,
        tokenProgram: tokenProgram.b58,
        ixName,
      },
    ],
  };
}

export type PumpTradeIxName = 'buy' | 'buy_exact_sol_in' | 'sell';

/**
 * A buy or sell on the curve: moves tokens and lamports in the ledger, updates the curve, and returns the
 * instruction with its CPIs (fee lookup, token transfer, SOL transfers, TradeEvent self-CPI, and the
 * CompleteEvent when this buy empties the curve).
 */
export function tradeIx(
  ledger: Ledger,
  c: PumpCurve,
  trader: PumpTrader,
  userAta: TokenAccount,
  ixName: PumpTradeIxName,
  q: PumpTradeQuote,
  limitArg: bigint,
  timestamp: bigint,
  layout: PumpTradeLayout,
): BuiltIx {
  const user = trader.key;
  const isBuy = q.isBuy;
  const children: Invocation[] = [
    { program: PUMP.feeProgram, accounts: [r(PUMP.feeConfig)], data: GET_FEES_DISC, logs: GET_FEES_LOGS, cu: 3_119 },
  ];
  if (isBuy) {
    children.push(tokenTransfer(ledger, c.curveAta, userAta, c.mint, c.bondingCurve, q.tokens));
    children.push(systemTransfer(ledger, user, c.bondingCurve, q.sol));
    children.push(systemTransfer(ledger, user, PUMP.feeRecipient, q.fee));
    children.push(systemTransfer(ledger, user, c.creatorVault, q.creatorFee));
  } else {
    children.push(tokenTransfer(ledger, userAta, c.curveAta, c.mint, user, q.tokens));
    // The program debits its own curve account directly: no system transfer for the payout.
    ledger.addLamports(c.bondingCurve, -q.sol);
    ledger.addLamports(user, q.sol - q.fee - q.creatorFee);
    ledger.addLamports(PUMP.feeRecipient, q.fee);
    ledger.addLamports(c.creatorVault, q.creatorFee);
  }
  applyQuote(c, q);
  children.push(eventCpi(PUMP.program, PUMP.eventAuthority, tradeEventData(c, q, user, timestamp, ixName, layout), true));
  const events: DraftEvent[] = [
    {
      type: 'trade',
      program: 'pumpfun',
      mint: c.mint.b58,
      quoteMint: WSOL_MINT,
      pool: c.bondingCurve.b58,
      user: user.b58,
      side: isBuy ? 'buy' : 'sell',
      solAmount: q.sol,
      tokenAmount: q.tokens,
      fee: q.fee + q.creatorFee,
      protocolFee: q.fee,
      creatorFee: q.creatorFee,
      platformFee: 0n,
      virtualSolReserves: c.virtualSol,
      virtualTokenReserves: c.virtualToken,
      realSolReserves: c.realSol,
      realTokenReserves: c.realToken,
      baseDecimals: PUMP_CURVE.decimals,
      quoteDecimals: 9,
      ixName,
      completesCurve: c.complete && isBuy,
    },
  ];
  if (isBuy && c.complete) {
    const data = eventData(writer, PUMPFUN_EVENT.CompleteEvent).bytes(user.bytes).bytes(c.mint.bytes).bytes(c.bondingCurve.bytes).i64(timestamp).bytes(ZERO_KEY).finish();
    children.push(eventCpi(PUMP.program, PUMP.eventAuthority, data, false));
    events.push({ type: 'curve_completed', program: 'pumpfun', mint: c.mint.b58, pool: c.bondingCurve.b58, user: user.b58 });
  }

  const args = writer.reset().bytes(PUMPFUN_IX[ixName]).u64(isBuy && ixName === 'buy_exact_sol_in' ? limitArg : q.tokens);
  if (ixName === 'buy') args.u64(limitArg).u8(1); // max_sol_cost, track_volume = OptionBool(true)
  else if (ixName === 'buy_exact_sol_in') args.u64(q.tokens).u8(1); // min_tokens_out
  else args.u64(limitArg); // min_sol_output
  const data = args.finish();
  const accounts = isBuy
    ? [r(PUMP.global), w(PUMP.feeRecipient), r(c.mint), w(c.bondingCurve), w(c.curveAta.address), w(userAta.address), ws(user), r(SYSTEM),
       r(c.tokenProgram), w(c.creatorVault), r(PUMP.eventAuthority), r(PUMP.program), w(PUMP.globalVolumeAccumulator), w(trader.volumeAccumulator), r(PUMP.feeConfig), r(PUMP.feeProgram)]
    : [r(PUMP.global), w(PUMP.feeRecipient), r(c.mint), w(c.bondingCurve), w(c.curveAta.address), w(userAta.address), ws(user), r(SYSTEM),
       w(c.creatorVault), r(c.tokenProgram), r(PUMP.eventAuthority), r(PUMP.program), r(PUMP.feeConfig), r(PUMP.feeProgram)];
  return { ix: { program: PUMP.program, accounts, data, logs: TRADE_LOGS[ixName], children, cu: 30_000 }, events };
}

/** Accounts a migration creates on the PumpSwap side. */
export interface PumpSwapPool {
  pool: Key;
  poolAuthority: Key;
  lpMint: Key;
  poolBase: TokenAccount;
  poolQuote: TokenAccount;
  userPoolToken: Key;
  poolAuthorityMintAccount: Key;
  poolAuthorityWsolAccount: Key;
}

/**
 * `migrate`: moves the curve's remaining tokens and SOL (minus the migration fee) into a new PumpSwap pool
 * and emits CompletePumpAmmMigrationEvent.
 */
export function migrateIx(ledger: Ledger, c: PumpCurve, keeper: Key, amm: PumpSwapPool, timestamp: bigint): BuiltIx {
  const mintAmount = c.curveAta.amount;
  const solAmount = c.realSol - PUMP_CURVE.poolMigrationFee;
  const children: Invocation[] = [tokenTransfer(ledger, c.curveAta, amm.poolBase, c.mint, c.bondingCurve, mintAmount)];
  ledger.addLamports(c.bondingCurve, -c.realSol);
  ledger.addLamports(PUMP.withdrawAuthority, PUMP_CURVE.poolMigrationFee);
  ledger.mintTokens(amm.poolQuote, solAmount); // wrapped by the AMM's CPIs, which the simulator folds into one step
  children.push({
    program: PUMP.amm,
    accounts: [w(amm.pool), r(PUMP.ammGlobalConfig), r(amm.poolAuthority), r(c.mint), r(WSOL), w(amm.lpMint), w(amm.poolBase.address), w(amm.poolQuote.address)],
    data: concatBytes(CREATE_POOL_DISC, writer.reset().u16(0).u64(mintAmount).u64(solAmount).bytes(c.creator.bytes).finish()),
    logs: ['Program log: Instruction: CreatePool'],
    cu: 80_000,
  });
  const eventBytes = eventData(writer, PUMPFUN_EVENT.CompletePumpAmmMigrationEvent)
    .bytes(keeper.bytes)
    .bytes(c.mint.bytes)
    .u64(mintAmount)
    .u64(solAmount)
    .u64(PUMP_CURVE.poolMigrationFee)
    .bytes(c.bondingCurve.bytes)
    .i64(timestamp)
    .bytes(amm.pool.bytes)
    .bytes(ZERO_KEY)
    .finish();
  children.push(eventCpi(PUMP.program, PUMP.eventAuthority, eventBytes, false));
  c.realSol = 0n;
  c.virtualToken = 0n;
  const accounts = [
    w(PUMP.global), w(PUMP.withdrawAuthority), r(c.mint), w(c.bondingCurve), w(c.curveAta.address), ws(keeper), r(SYSTEM), r(c.tokenProgram), r(PUMP.amm),
    w(amm.pool), w(amm.poolAuthority), w(amm.poolAuthorityMintAccount), w(amm.poolAuthorityWsolAccount), r(PUMP.ammGlobalConfig), r(WSOL), w(amm.lpMint),
    w(amm.userPoolToken), w(amm.poolBase.address), w(amm.poolQuote.address), r(TOKEN_2022), r(ATA), r(PUMP.ammEventAuthority), r(PUMP.eventAuthority),
    r(PUMP.program), r(RENT),
  ];
  return {
    ix: { program: PUMP.program, accounts, data: PUMPFUN_IX.migrate, logs: ['Program log: Instruction: Migrate'], children, cu: 120_000 },
    events: [
      {
        type: 'migrated',
        program: 'pumpfun',
        mint: c.mint.b58,
        quoteMint: WSOL_MINT,
        pool: c.bondingCurve.b58,
        newPool: amm.pool.b58,
        lpMint: amm.lpMint.b58,
        target: 'pumpswap',
        baseAmount: mintAmount,
        quoteAmount: solAmount,
        ixName: 'migrate',
      },
    ],
  };
}
