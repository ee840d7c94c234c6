import type { RawTx } from '../../core/rawtx.ts';
import {
  LAUNCHLAB,
  PUMP,
  RENT_TOKEN_ACCOUNT,
  ROUTER,
  STATIC_LAMPORTS,
  TOKEN,
  TOKEN_2022,
  USD1,
  WSOL,
} from './accounts.ts';
import { instructionDisc } from '../../decoders/anchor.ts';
import { newKey, newSignature, type Key } from './keys.ts';
import { Ledger, type TokenAccount } from './ledger.ts';
import {
  constantCurveInit,
  initializeIx,
  LAUNCH_SUPPLY,
  LAUNCH_TOTAL_SELL,
  LAUNCHLAB_FEES,
  launchTradeIx,
  migrateIx as launchMigrateIx,
  quoteBuyExactIn,
  quoteBuyExactOut,
  quoteSellExactIn,
  quoteSellExactOut,
  type FeeRates,
  type LaunchPool,
  type LaunchQuote,
  type LaunchTradeLayout,
  type QuoteSpec,
} from './launchlab.ts';
import { computeUnitLimit, computeUnitPrice, createAtaIdempotent, systemTransfer } from './programs.ts';
import {
  createIx,
  migrateIx as pumpMigrateIx,
  PUMP_CURVE,
  quoteBuyExactSol,
  quoteBuyExactTokens,
  quoteSell,
  tokensForSol,
  tradeIx,
  type BuiltIx,
  type PumpCurve,
  type PumpTradeLayout,
  type TokenMeta,
} from './pumpfun.ts';
import { pumpSwapBaseOut, pumpSwapTradeIx, type PumpSwapMarket } from './pumpswap.ts';
import { Rng } from './rng.ts';
import type { ExpectedEvent } from './truth.ts';
import { TxBuilder, type Invocation, type LookupTable, type TxEnvelope } from './tx.ts';

/** How the simulated market behaves. Everything that shapes the data is here; pacing is the source's job. */
export interface MarketOptions {
  seed: number | string;
  startSlot: number;
  /** Unix seconds of `startSlot`. */
  startTime: number;
  slotsPerSecond: number;
  /** Mean transactions per (non-skipped) slot. */
  txPerSlot: number;
  /** Share of trade events written in an older layout (pump V3–V7/V9, LaunchLab L1). */
  legacyLayoutShare: number;
  /** Share of transactions that fail (slippage): no events, only the fee is paid. */
  failedShare: number;
  /**
   * Share of trade transactions that are bundles: 2–4 buy instructions of one token by one wallet. Raising it
   * packs more trades into each transaction (benchmarks that need many trades per generated transaction).
   */
  bundleShare: number;
  /**
   * Write `logMessages` (invoke/success pairs, `Program data:` copies of events). Off, `logMessages` is null,
   * as from a source without logs: the decoders read the self-CPI copies, and generation is cheaper.
   */
  logs: boolean;
}

export const DEFAULT_MARKET: MarketOptions = {
  seed: 1,
  startSlot: 380_000_000,
  startTime: 1_780_000_000,
  slotsPerSecond: 2.5,
  txPerSlot: 400,
  legacyLayoutShare: 0.05,
  failedShare: 0.02,
  bundleShare: 0.01,
  logs: true,
};

/** Leader slots without a block. */
const SKIPPED_SLOT_SHARE = 0.03;
/** Slots with a burst of activity, and how many times busier they are. */
const BURST_SHARE = 0.05;
const BURST_FACTOR = 3;

/**
 * The `txPerSlot` at which a source paced to `rate` transactions per second keeps chain time on the wall
 * clock: a produced slot holds txPerSlot × (0.5 + U[0,1)) × its burst factor transactions on average, and
 * a share of slots has no block.
 */
export function txPerSlotForRate(rate: number, slotsPerSecond: number): number {
  const meanPerBlock = 1 + BURST_SHARE * (BURST_FACTOR - 1);
  return Math.max(1, Math.round(rate / (slotsPerSecond * (1 - SKIPPED_SLOT_SHARE) * meanPerBlock)));
}

/** One simulated transaction: the normalized form, the wire-only parts, and what a decoder must find in it. */
export interface SimTx {
  tx: RawTx;
  envelope: TxEnvelope;
  events: ExpectedEvent[];
}

/** The compute budget a transaction requested and the priority fee it pays for it. */
interface ComputeBudget {
  cuLimit: number;
  priority: bigint;
}

interface Trader {
  key: Key;
  volumeAccumulator: Key | null;
  creatorVault: Key | null;
  quoteAccounts: Map<string, TokenAccount>;
}

interface SimToken {
  platform: 'pumpfun' | 'launchlab';
  mint: Key;
  curve: PumpCurve | null;
  pool: LaunchPool | null;
  createdSlot: number;
  /** Runners attract heavy buying and complete their curve; the rest fade out. */
  runner: boolean;
  tradesLeft: number;
  migrated: boolean;
  /** After a pump.fun migration: the PumpSwap pool it trades on, and how many trades it has left there. */
  amm: PumpSwapMarket | null;
  ammTradesLeft: number;
  holdings: Map<number, TokenAccount>;
  holders: number[];
}

/** Jupiter-style `route` instruction data (discriminator only: the simulator never decodes it). */
const ROUTE_DISC = instructionDisc('route');
const CU_LIMITS = [200_000, 300_000, 400_000, 1_400_000] as const;
const LEGACY_PUMP_LAYOUTS = ['v3', 'v4', 'v6', 'v7', 'v9'] as const;
const TRADERS = 3_000;
/** Share of transactions that trade a graduated token on its AMM pool (while any is trading there). */
const AMM_TRADE_SHARE = 0.06;
/** Graduated tokens trading at once (the oldest stops first): memory stays flat however many graduate. */
const MAX_GRADUATED = 12;
const SNIPERS = 60;
const MAX_ACTIVE = 300;
const YOUNG_SLOTS = 6;
const LAMPORTS_PER_SOL = 1_000_000_000;
const SYLLABLES = ['moon', 'pepe', 'doge', 'cat', 'frog', 'bonk', 'wif', 'sol', 'ape', 'chad', 'based', 'giga', 'turbo', 'meme', 'pump', 'rizz', 'elon', 'trump', 'ai', 'gm'];

/**
 * A seedable launchpad market: launches on pump.fun and LaunchLab, ordinary traders, snipers in the first
 * slots, same-slot bundles (also several buys in one transaction), router CPIs, bursts, failed
 * transactions, curves completing and migrating. `next()` is deterministic for a given seed.
 */
export class Market {
  readonly options: MarketOptions;
  private readonly rng: Rng;
  private readonly ledger = new Ledger();
  private readonly traders: Trader[] = [];
  private readonly active: SimToken[] = [];
  private readonly runners: SimToken[] = [];
  private readonly migrations: Array<{ token: SimToken; dueSlot: number }> = [];
  /** Graduated tokens trading on their PumpSwap pool. */
  private readonly graduated: SimToken[] = [];
  private protocolFeeAccount: TokenAccount | null = null;
  private readonly lookupTable: LookupTable;
  private readonly quotes: { wsol: QuoteSpec; usd1: QuoteSpec };
  private slot: number;
  private txLeftInSlot = 0;
  private indexInSlot = 0;
  private blockhash = '';
  /** Transactions generated so far (the position in the stream). */
  produced = 0;

  constructor(options: Partial<MarketOptions> = {}) {
    this.options = { ...DEFAULT_MARKET, ...options };
    this.rng = new Rng(this.options.seed);
    this.slot = this.options.startSlot - 1;
    for (const [key, lamports] of STATIC_LAMPORTS) this.ledger.addLamports(key, lamports);
    this.lookupTable = { key: newKey(new Rng('megatron-sim:lookup-table')) };
    this.quotes = {
      wsol: { mint: WSOL, decimals: 9, globalConfig: LAUNCHLAB.globalConfigWsol, fundRaising: 85n * BigInt(LAMPORTS_PER_SOL) },
      usd1: { mint: USD1, decimals: 6, globalConfig: LAUNCHLAB.globalConfigUsd1, fundRaising: 12_500_000_000n },
    };
    const keys = this.rng.fork();
    for (let i = 0; i < TRADERS; i++) {
      const key = newKey(keys);
      this.ledger.addLamports(key, BigInt(keys.logUniform(5, 5_000)) * BigInt(LAMPORTS_PER_SOL));
      this.traders.push({ key, volumeAccumulator: null, creatorVault: null, quoteAccounts: new Map() });
    }
  }

  next(): SimTx {
    this.advanceSlot();
    this.ledger.begin();
    const built = this.pickAction();
    this.ledger.commit();
    this.produced++;
    return built;
  }

  private advanceSlot(): void {
    while (this.txLeftInSlot === 0) {
      this.slot++;
      this.indexInSlot = 0;
      const rng = this.rng;
      if (rng.chance(SKIPPED_SLOT_SHARE)) continue; // skipped leader slot: no block
      const burst = rng.chance(BURST_SHARE) ? BURST_FACTOR : 1;
      this.txLeftInSlot = Math.max(1, Math.floor(this.options.txPerSlot * burst * (0.5 + rng.float())));
      this.blockhash = newSignature(rng).slice(0, 44);
    }
    this.txLeftInSlot--;
  }

  private get blockTime(): number {
    return this.options.startTime + Math.floor((this.slot - this.options.startSlot) / this.options.slotsPerSecond);
  }

  private pickAction(): SimTx {
    const rng = this.rng;
    const due = this.migrations[0];
    if (due && due.dueSlot <= this.slot) {
      this.migrations.shift();
      return this.migrate(due.token);
    }
    if (this.graduated.length > 0 && rng.chance(AMM_TRADE_SHARE)) return this.ammTrade(rng.pick(this.graduated));
    if (this.active.length < 5 || rng.chance(0.012)) return this.launch();
    const token = this.chooseToken();
    if (rng.chance(this.options.bundleShare)) return this.trade(token, rng.range(2, 4));
    return this.trade(token, 1);
  }

  private chooseToken(): SimToken {
    const rng = this.rng;
    const active = this.active;
    let young = 0;
    while (young < active.length && this.slot - active[active.length - 1 - young]!.createdSlot <= YOUNG_SLOTS) young++;
    if (young > 0 && rng.chance(0.3)) return active[active.length - 1 - rng.int(young)]!;
    if (this.runners.length > 0 && rng.chance(0.25)) return rng.pick(this.runners);
    return rng.pick(active);
  }

  // ---------- transactions ----------

  private begin(payer: Key): { b: TxBuilder; cu: ComputeBudget } {
    const b = new TxBuilder(this.ledger, payer);
    const cuLimit = this.rng.pick(CU_LIMITS);
    const microLamports = BigInt(this.rng.logUniform(1_000, 5_000_000));
    b.add(computeUnitLimit(cuLimit));
    b.add(computeUnitPrice(microLamports));
    return { b, cu: { cuLimit, priority: (microLamports * BigInt(cuLimit) + 999_999n) / 1_000_000n } };
  }

  private finish(b: TxBuilder, placed: Array<{ built: BuiltIx; ixIndex: number; innerIxIndex: number }>, signers: number, cu: ComputeBudget): SimTx {
    const fee = 5_000n * BigInt(signers) + cu.priority;
    this.ledger.addLamports(b.payer, -fee);
    const signatures: string[] = [];
    for (let i = 0; i < signers; i++) signatures.push(newSignature(this.rng));
    const { tx, envelope } = b.compile({
      signatures,
      slot: this.slot,
      blockTime: this.blockTime,
      indexInBlock: this.indexInSlot++,
      recentBlockhash: this.blockhash,
      lookupTable: this.rng.chance(0.3) ? this.lookupTable : null,
      fee,
      computeBudget: cu.cuLimit,
      withLogs: this.options.logs,
    });
    const events: ExpectedEvent[] = [];
    if (tx.err === null) {
      for (const p of placed) {
        for (const draft of p.built.events) {
          // Drafts are fresh objects per instruction: locate them in place.
          const { child } = draft;
          delete draft.child;
          const located = draft as ExpectedEvent;
          located.signature = tx.signature;
          located.slot = tx.slot;
          located.blockTime = tx.blockTime;
          located.ixIndex = p.ixIndex;
          // A CPI of a top-level instruction sits at its position in the inner list (the builders' CPIs are flat).
          located.innerIxIndex = child === undefined ? p.innerIxIndex : p.innerIxIndex + 1 + child;
          events.push(located);
        }
      }
    }
    return { tx, envelope, events };
  }

  private launch(): SimTx {
    const rng = this.rng;
    const creatorIndex = rng.int(TRADERS);
    const creator = this.traders[creatorIndex]!;
    const meta = this.tokenMeta();
    const pump = rng.chance(0.7);
    const runner = rng.chance(0.12);
    const { b, cu } = this.begin(creator.key);
    const placed: Array<{ built: BuiltIx; ixIndex: number; innerIxIndex: number }> = [];
    let token: SimToken;
    if (pump) {
      const v2 = rng.chance(0.8);
      const mint = newKey(rng, 'pump');
      const tokenProgram = v2 ? TOKEN_2022 : TOKEN;
      const bondingCurve = newKey(rng);
      const curve: PumpCurve = {
        mint,
        bondingCurve,
        curveAta: this.ledger.openToken({ address: newKey(rng), mint: mint.b58, owner: bondingCurve.b58, programId: tokenProgram.b58, decimals: 6 }),
        creator: creator.key,
        creatorVault: this.creatorVault(creator),
        tokenProgram,
        virtualToken: PUMP_CURVE.initialVirtualToken,
        virtualSol: PUMP_CURVE.initialVirtualSol,
        realToken: PUMP_CURVE.initialRealToken,
        realSol: 0n,
        complete: false,
      };
      // Now and then the curve PDA already holds lamports (sent to the address before the create).
      const prefunded = rng.chance(0.05) ? BigInt(rng.range(1, 1_500_000)) : 0n;
      if (prefunded > 0n) this.ledger.deposit(bondingCurve, prefunded);
      const built = createIx(this.ledger, curve, meta, creator.key, newKey(rng), v2, BigInt(this.blockTime), prefunded);
      b.add(built.ix);
      placed.push({ built, ixIndex: 2, innerIxIndex: -1 });
      token = this.register('pumpfun', mint, curve, null, runner);
    } else {
      const quote = rng.chance(0.25) ? this.quotes.usd1 : this.quotes.wsol;
      const mint = newKey(rng);
      const pool = newKey(rng);
      const init = constantCurveInit(LAUNCH_SUPPLY, LAUNCH_TOTAL_SELL, quote.fundRaising);
      const vault = (m: Key, decimals: number): TokenAccount =>
        this.ledger.openToken({ address: newKey(rng), mint: m.b58, owner: LAUNCHLAB.authority.b58, programId: TOKEN.b58, decimals });
      const p: LaunchPool = {
        pool,
        mint,
        quote,
        creator: creator.key,
        baseVault: vault(mint, 6),
        quoteVault: vault(quote.mint, quote.decimals),
        platformFeeVault: newKey(rng),
        creatorFeeVault: vault(quote.mint, quote.decimals),
        supply: LAUNCH_SUPPLY,
        totalBaseSell: LAUNCH_TOTAL_SELL,
        virtualBase: init.virtualBase,
        virtualQuote: init.virtualQuote,
        realBase: 0n,
        realQuote: 0n,
        status: 0,
        migrateType: rng.chance(0.7) ? 1 : 0,
      };
      const built = initializeIx(this.ledger, p, creator.key, meta, newKey(rng));
      b.add(built.ix);
      placed.push({ built, ixIndex: 2, innerIxIndex: -1 });
      token = this.register('launchlab', mint, null, p, runner);
    }
    // Rarely the dev buy takes the whole curve: create and completion in one transaction (issue 11's case).
    if (rng.chance(0.02)) this.addBuys(b, token, creatorIndex, 1, placed, false, 200 * LAMPORTS_PER_SOL);
    else if (rng.chance(0.65)) this.addBuys(b, token, creatorIndex, 1, placed, false);
    return this.finish(b, placed, 2, cu);
  }

  private register(platform: SimToken['platform'], mint: Key, curve: PumpCurve | null, pool: LaunchPool | null, runner: boolean): SimToken {
    const token: SimToken = { platform, mint, curve, pool, createdSlot: this.slot, runner, tradesLeft: this.rng.range(5, 120), migrated: false, amm: null, ammTradesLeft: 0, holdings: new Map(), holders: [] };
    this.active.push(token);
    if (runner) this.runners.push(token);
    if (this.active.length > MAX_ACTIVE) {
      const oldest = this.active.findIndex((t) => !t.runner);
      if (oldest >= 0) this.retire(this.active[oldest]!);
    }
    return token;
  }

  /** A trade transaction: one trade, or a bundle of `buys` buy instructions by one wallet. */
  private trade(token: SimToken, buys: number): SimTx {
    const rng = this.rng;
    const young = this.slot - token.createdSlot <= YOUNG_SLOTS;
    let traderIndex = young && rng.chance(0.6) ? rng.int(SNIPERS) : rng.int(TRADERS);
    const buyShare = token.runner ? 0.85 : young ? 0.8 : 0.55;
    let sell = buys === 1 && !rng.chance(buyShare) && token.holders.length > 0;
    if (sell) {
      traderIndex = this.pickHolder(token) ?? traderIndex;
      sell = token.holdings.get(traderIndex)?.amount !== undefined && token.holdings.get(traderIndex)!.amount > 1_000_000n;
    }
    const trader = this.traders[traderIndex]!;
    const { b, cu } = this.begin(trader.key);
    const placed: Array<{ built: BuiltIx; ixIndex: number; innerIxIndex: number }> = [];
    const viaRouter = buys === 1 && rng.chance(0.06);
    const fails = buys === 1 && !viaRouter && rng.chance(this.options.failedShare);
    const snapshot = fails ? this.snapshot(token) : null;
    let migrated = false;
    if (sell) this.addSell(b, token, traderIndex, placed, viaRouter);
    else migrated = this.addBuys(b, token, traderIndex, buys, placed, viaRouter, undefined, !fails);
    if (snapshot) {
      // Slippage failure: undo every effect, keep the launchpad instruction without its CPIs.
      this.ledger.rollback();
      snapshot();
      const last = placed[placed.length - 1]!;
      const ix = last.built.ix;
      ix.children = [];
      ix.failure =
        token.platform === 'pumpfun'
          ? { code: 6002, logs: ['Program log: AnchorError thrown in programs/pump/src/lib.rs:0. Error Code: TooMuchSolRequired. Error Number: 6002. Error Message: slippage: Too much SOL required to buy the given amount of tokens..'] }
          : { code: 6005, logs: ['Program log: AnchorError occurred. Error Code: ExceededSlippage. Error Number: 6005. Error Message: Exceeds desired slippage limit.'] };
      return this.finish(b, placed, 1, cu);
    }
    const sim = this.finish(b, placed, 1, cu);
    if (migrated) this.graduate(token, sim.tx.err === null);
    else if (--token.tradesLeft <= 0 && !token.runner) this.retire(token);
    return sim;
  }

  /** Saves the token's curve state so a failed transaction can restore it (the ledger restores itself). */
  private snapshot(token: SimToken): () => void {
    const curve = token.curve ? { ...token.curve } : null;
    const pool = token.pool ? { ...token.pool } : null;
    const holders = token.holders.length;
    const holdingKeys = new Set(token.holdings.keys());
    return () => {
      if (curve) Object.assign(token.curve!, curve);
      if (pool) Object.assign(token.pool!, pool);
      token.holders.length = holders;
      for (const k of [...token.holdings.keys()]) if (!holdingKeys.has(k)) token.holdings.delete(k);
      if (!this.active.includes(token) && !(token.curve?.complete ?? token.pool?.status === 1)) this.active.push(token);
      const pending = this.migrations.findIndex((m) => m.token === token);
      if (pending >= 0 && !(token.curve?.complete ?? token.pool!.status === 1)) this.migrations.splice(pending, 1);
    };
  }

  private pickHolder(token: SimToken): number | null {
    for (let tries = 0; tries < 4 && token.holders.length > 0; tries++) {
      const at = this.rng.int(token.holders.length);
      const idx = token.holders[at]!;
      if ((token.holdings.get(idx)?.amount ?? 0n) > 0n) return idx;
      token.holders[at] = token.holders[token.holders.length - 1]!;
      token.holders.pop();
    }
    return null;
  }

  /** Lamports for a buy of this token by this kind of trader. */
  private buySize(token: SimToken, sniper: boolean): number {
    const rng = this.rng;
    if (token.runner) return rng.logUniform(LAMPORTS_PER_SOL / 2, 8 * LAMPORTS_PER_SOL);
    if (sniper) return rng.logUniform(LAMPORTS_PER_SOL / 4, 5 * LAMPORTS_PER_SOL);
    return rng.logUniform(LAMPORTS_PER_SOL / 100, 3 * LAMPORTS_PER_SOL);
  }

  /**
   * `count` buys by one trader; `sizeLamports` fixes the size of each (default: by trader kind). With
   * `mayMigrate`, a buy that completes a pump.fun curve is sometimes followed by its `migrate` in the same
   * transaction (permissionless: the buyer calls it); returns true when it was.
   */
  private addBuys(
    b: TxBuilder, token: SimToken, traderIndex: number, count: number, placed: Array<{ built: BuiltIx; ixIndex: number; innerIxIndex: number }>,
    viaRouter: boolean, sizeLamports?: number, mayMigrate = false,
  ): boolean {
    const rng = this.rng;
    const trader = this.traders[traderIndex]!;
    const tokenProgram = token.curve ? token.curve.tokenProgram : TOKEN;
    const ataKey = token.holdings.get(traderIndex)?.address ?? newKey(rng);
    const ata = createAtaIdempotent(this.ledger, trader.key, ataKey, trader.key, token.mint, tokenProgram, 6);
    if (!viaRouter) b.add(ata.ix);
    if (!token.holdings.has(traderIndex)) {
      token.holdings.set(traderIndex, ata.account);
      token.holders.push(traderIndex);
    }
    for (let i = 0; i < count; i++) {
      if (token.curve?.complete || (token.pool && token.pool.status !== 0)) break;
      const size = sizeLamports ?? this.buySize(token, traderIndex < SNIPERS);
      this.ensureFunds(trader, size);
      const built = token.curve ? this.pumpBuy(token.curve, trader, ata.account, size) : this.launchBuy(token.pool!, trader, ata.account, size, viaRouter);
      this.place(b, built, placed, viaRouter, trader, viaRouter ? ata.ix : null);
      this.afterTrade(token);
      if (mayMigrate && !viaRouter && token.curve?.complete && rng.chance(0.3)) {
        const due = this.migrations.findIndex((m) => m.token === token);
        if (due >= 0) this.migrations.splice(due, 1);
        const migration = this.migrationIx(token, trader.key);
        placed.push({ built: migration, ixIndex: b.instructionCount, innerIxIndex: -1 });
        b.add(migration.ix);
        return true;
      }
    }
    return false;
  }

  private addSell(b: TxBuilder, token: SimToken, traderIndex: number, placed: Array<{ built: BuiltIx; ixIndex: number; innerIxIndex: number }>, viaRouter: boolean): void {
    const rng = this.rng;
    const trader = this.traders[traderIndex]!;
    const holding = token.holdings.get(traderIndex)!;
    const fraction = rng.chance(0.3) ? 1 : 0.1 + 0.8 * rng.float();
    const amount = fraction === 1 ? holding.amount : (holding.amount * BigInt(Math.floor(fraction * 1_000_000))) / 1_000_000n;
    let built: BuiltIx;
    if (token.curve) {
      const q = quoteSell(token.curve, amount);
      built = tradeIx(this.ledger, token.curve, this.pumpTrader(trader), holding, 'sell', q, ((q.sol - q.fee - q.creatorFee) * 95n) / 100n, BigInt(this.blockTime), this.pumpLayout());
    } else {
      const p = token.pool!;
      const rates = this.launchRates(viaRouter);
      let q: LaunchQuote = quoteSellExactIn(p, amount, rates);
      if (rng.chance(0.25)) {
        const exactOut = quoteSellExactOut(p, (q.amountOut * 9n) / 10n, rates);
        if (exactOut.amountIn <= holding.amount) q = exactOut;
      }
      const limit = q.ixName === 'sell_exact_in' ? (q.amountOut * 95n) / 100n : (q.amountIn * 105n) / 100n;
      built = launchTradeIx(this.ledger, p, trader.key, holding, this.quoteAccount(trader, p.quote), q, limit, this.launchLayout(rates));
    }
    this.place(b, built, placed, viaRouter, trader, null);
  }

  private pumpBuy(c: PumpCurve, trader: Trader, ata: TokenAccount, size: number): BuiltIx {
    const rng = this.rng;
    const layout = this.pumpLayout();
    if (rng.chance(0.35)) {
      const q = quoteBuyExactSol(c, BigInt(size));
      return tradeIx(this.ledger, c, this.pumpTrader(trader), ata, 'buy_exact_sol_in', q, BigInt(size), BigInt(this.blockTime), layout);
    }
    const q = quoteBuyExactTokens(c, tokensForSol(c, BigInt(size)));
    const maxCost = ((q.sol + q.fee + q.creatorFee) * 110n) / 100n;
    return tradeIx(this.ledger, c, this.pumpTrader(trader), ata, 'buy', q, maxCost, BigInt(this.blockTime), layout);
  }

  private launchBuy(p: LaunchPool, trader: Trader, ata: TokenAccount, size: number, viaRouter: boolean): BuiltIx {
    const rates = this.launchRates(viaRouter);
    // USD1 pools: SOL priced at 150 USD1, 6 decimals.
    const amount = p.quote.decimals === 9 ? BigInt(size) : (BigInt(size) * 150n) / 1_000n;
    let q: LaunchQuote = quoteBuyExactIn(p, amount, rates);
    if (this.rng.chance(0.25) && q.ixName === 'buy_exact_in') q = quoteBuyExactOut(p, q.amountOut, rates);
    const limit = q.ixName === 'buy_exact_in' ? (q.amountOut * 95n) / 100n : (q.amountIn * 105n) / 100n;
    const userQuote = this.quoteAccount(trader, p.quote);
    return launchTradeIx(this.ledger, p, trader.key, ata, userQuote, q, limit, this.launchLayout(rates));
  }

  /**
   * Puts a launchpad instruction at the top level, or inside a router instruction (stack height 2),
   * sometimes after a router fee transfer so the launchpad call is not the router's first CPI.
   */
  private place(b: TxBuilder, built: BuiltIx, placed: Array<{ built: BuiltIx; ixIndex: number; innerIxIndex: number }>, viaRouter: boolean, trader: Trader, ataIx: Invocation | null): void {
    const ixIndex = b.instructionCount;
    if (!viaRouter) {
      b.add(built.ix);
      placed.push({ built, ixIndex, innerIxIndex: -1 });
      return;
    }
    const children: Invocation[] = [];
    const preamble: Invocation[] = ataIx ? [ataIx] : [];
    if (this.rng.chance(0.5)) preamble.push(systemTransfer(this.ledger, trader.key, PUMP.feeRecipient, 10_000n));
    // The launchpad call's position in the router's pre-order inner list.
    let innerIxIndex = 0;
    for (const p of preamble) {
      children.push(p);
      innerIxIndex += 1 + countDescendants(p);
    }
    children.push(built.ix);
    b.add({
      program: ROUTER,
      accounts: [{ key: trader.key, signer: true, writable: true }, { key: built.ix.program, signer: false, writable: false }, ...built.ix.accounts],
      data: ROUTE_DISC,
      logs: ['Program log: Instruction: Route'],
      children,
      cu: 25_000,
    });
    placed.push({ built, ixIndex, innerIxIndex });
  }

  private afterTrade(token: SimToken): void {
    const done = token.curve ? token.curve.complete : token.pool!.status === 1;
    if (!done) return;
    this.dropFromActive(token);
    this.migrations.push({ token, dueSlot: this.slot + this.rng.range(2, 40) });
    this.migrations.sort((a, b) => a.dueSlot - b.dueSlot);
  }

  private migrate(token: SimToken): SimTx {
    const payer = token.curve ? PUMP.migrationKeeper : LAUNCHLAB.migrator;
    const placed: Array<{ built: BuiltIx; ixIndex: number; innerIxIndex: number }> = [];
    const built = this.migrationIx(token, payer);
    const { b, cu } = this.begin(payer);
    b.add(built.ix);
    placed.push({ built, ixIndex: 2, innerIxIndex: -1 });
    const sim = this.finish(b, placed, 1, cu);
    this.graduate(token, sim.tx.err === null);
    return sim;
  }

  /** The migration instruction of a completed curve (pump.fun → PumpSwap, LaunchLab → CPMM / AMM v4), paid by `payer`. */
  private migrationIx(token: SimToken, payer: Key): BuiltIx {
    const rng = this.rng;
    const tokenAccount = (mint: Key, owner: Key, programId: Key, decimals: number): TokenAccount =>
      this.ledger.openToken({ address: newKey(rng), mint: mint.b58, owner: owner.b58, programId: programId.b58, decimals });
    if (token.curve) {
      const c = token.curve;
      const pool = newKey(rng);
      const poolBase = tokenAccount(c.mint, pool, c.tokenProgram, 6);
      const poolQuote = tokenAccount(WSOL, pool, TOKEN, 9);
      token.amm = this.pumpSwapMarket(c, pool, poolBase, poolQuote);
      return pumpMigrateIx(
        this.ledger,
        c,
        payer,
        {
          pool,
          poolAuthority: newKey(rng),
          lpMint: newKey(rng),
          poolBase,
          poolQuote,
          userPoolToken: newKey(rng),
          poolAuthorityMintAccount: newKey(rng),
          poolAuthorityWsolAccount: newKey(rng),
        },
        BigInt(this.blockTime),
      );
    }
    const p = token.pool!;
    const pool = newKey(rng);
    const filler: Key[] = [];
    for (let i = 0; i < 10; i++) filler.push(newKey(rng));
    return launchMigrateIx(this.ledger, p, payer, {
      pool,
      lpMint: newKey(rng),
      baseVault: tokenAccount(p.mint, pool, TOKEN, 6),
      quoteVault: tokenAccount(p.quote.mint, pool, TOKEN, p.quote.decimals),
      filler,
    });
  }

  /** After its migration: a pump.fun token trades on in its PumpSwap pool for a while; the rest are retired. */
  private graduate(token: SimToken, succeeded: boolean): void {
    token.migrated = true;
    if (token.amm && succeeded) {
      this.dropFromActive(token);
      token.ammTradesLeft = this.rng.range(10, 80);
      this.graduated.push(token);
      if (this.graduated.length > MAX_GRADUATED) this.retire(this.graduated[0]!);
    } else this.retire(token);
  }

  /** A buy or sell of a graduated token on its PumpSwap pool, sometimes through a router. */
  private ammTrade(token: SimToken): SimTx {
    const rng = this.rng;
    const m = token.amm!;
    let traderIndex = rng.int(TRADERS);
    let sell = token.holders.length > 0 && rng.chance(0.45);
    if (sell) {
      traderIndex = this.pickHolder(token) ?? traderIndex;
      sell = (token.holdings.get(traderIndex)?.amount ?? 0n) > 1_000_000n;
    }
    const trader = this.traders[traderIndex]!;
    const { b, cu } = this.begin(trader.key);
    const placed: Array<{ built: BuiltIx; ixIndex: number; innerIxIndex: number }> = [];
    const viaRouter = rng.chance(0.1);
    const userQuote = this.quoteAccount(trader, this.quotes.wsol);
    let built: BuiltIx;
    let ataIx: Invocation | null = null;
    if (sell) {
      const holding = token.holdings.get(traderIndex)!;
      const amount = rng.chance(0.3) ? holding.amount : (holding.amount * BigInt(rng.range(10, 90))) / 100n;
      built = pumpSwapTradeIx(this.ledger, m, trader.key, holding, userQuote, false, amount, BigInt(this.blockTime));
    } else {
      const ata = createAtaIdempotent(this.ledger, trader.key, token.holdings.get(traderIndex)?.address ?? newKey(rng), trader.key, token.mint, m.tokenProgram, 6);
      if (viaRouter) ataIx = ata.ix;
      else b.add(ata.ix);
      if (!token.holdings.has(traderIndex)) {
        token.holdings.set(traderIndex, ata.account);
        token.holders.push(traderIndex);
      }
      const size = BigInt(Math.floor(this.buySize(token, false)));
      built = pumpSwapTradeIx(this.ledger, m, trader.key, ata.account, userQuote, true, pumpSwapBaseOut(m, size), BigInt(this.blockTime));
    }
    this.place(b, built, placed, viaRouter, trader, ataIx);
    const sim = this.finish(b, placed, 1, cu);
    if (--token.ammTradesLeft <= 0) this.retire(token);
    return sim;
  }

  /** The PumpSwap pool a pump.fun migration creates, with the fee accounts its trades pay into. */
  private pumpSwapMarket(c: PumpCurve, pool: Key, base: TokenAccount, quote: TokenAccount): PumpSwapMarket {
    const rng = this.rng;
    const protocolFeeRecipient = PUMP.feeRecipient;
    this.protocolFeeAccount ??= this.ledger.openExisting({ address: newKey(rng), mint: WSOL.b58, owner: protocolFeeRecipient.b58, programId: TOKEN.b58, decimals: 9 }, 0n, RENT_TOKEN_ACCOUNT);
    const coinCreatorVaultAuthority = newKey(rng);
    const coinCreatorVault = this.ledger.openExisting({ address: newKey(rng), mint: WSOL.b58, owner: coinCreatorVaultAuthority.b58, programId: TOKEN.b58, decimals: 9 }, 0n, RENT_TOKEN_ACCOUNT);
    return {
      pool, mint: c.mint, tokenProgram: c.tokenProgram, base, quote, coinCreator: c.creator, coinCreatorVaultAuthority, coinCreatorVault,
      protocolFeeRecipient, protocolFeeAccount: this.protocolFeeAccount,
    };
  }

  // ---------- bookkeeping ----------

  private dropFromActive(token: SimToken): void {
    const at = this.active.indexOf(token);
    if (at >= 0) this.active.splice(at, 1);
    const r = this.runners.indexOf(token);
    if (r >= 0) this.runners.splice(r, 1);
  }

  /** Forgets a token that stopped trading (or migrated) so memory stays flat over long runs. */
  private retire(token: SimToken): void {
    this.dropFromActive(token);
    const g = this.graduated.indexOf(token);
    if (g >= 0) this.graduated.splice(g, 1);
    if (token.amm) for (const key of [token.amm.base.address, token.amm.quote.address, token.amm.coinCreatorVault.address]) this.ledger.forget(key);
    if (!token.migrated && (token.curve?.complete || token.pool?.status === 1)) return; // still waiting for its migration
    for (const h of token.holdings.values()) this.ledger.forget(h.address);
    const c = token.curve;
    const p = token.pool;
    const owned = c ? [c.mint, c.bondingCurve, c.curveAta.address] : p ? [p.mint, p.pool, p.baseVault.address, p.quoteVault.address, p.platformFeeVault, p.creatorFeeVault.address] : [];
    for (const key of owned) this.ledger.forget(key);
    token.holdings.clear();
    token.holders.length = 0;
  }

  private ensureFunds(trader: Trader, size: number): void {
    // A deposit from outside the launchpads (an exchange withdrawal) that the indexer never sees.
    const need = BigInt(size) * 2n + 100_000_000n;
    if (this.ledger.lamportsOf(trader.key) < need) this.ledger.deposit(trader.key, need + 100n * BigInt(LAMPORTS_PER_SOL));
  }

  private pumpTrader(trader: Trader): { key: Key; volumeAccumulator: Key } {
    trader.volumeAccumulator ??= newKey(this.rng);
    return { key: trader.key, volumeAccumulator: trader.volumeAccumulator };
  }

  private creatorVault(trader: Trader): Key {
    trader.creatorVault ??= newKey(this.rng);
    return trader.creatorVault;
  }

  /** The trader's quote token account (wrapped SOL or USD1), funded before the simulation starts. */
  private quoteAccount(trader: Trader, quote: QuoteSpec): TokenAccount {
    let account = trader.quoteAccounts.get(quote.mint.b58);
    if (!account) {
      const funds = quote.decimals === 9 ? 10_000n * BigInt(LAMPORTS_PER_SOL) : 2_000_000_000_000n;
      const address = newKey(this.rng);
      const owner = trader.key.b58;
      const lamports = RENT_TOKEN_ACCOUNT + (quote.decimals === 9 ? funds : 0n);
      account = this.ledger.openExisting({ address, mint: quote.mint.b58, owner, programId: TOKEN.b58, decimals: quote.decimals }, funds, lamports);
      trader.quoteAccounts.set(quote.mint.b58, account);
    }
    if (account.amount < 100_000_000_000n) this.ledger.depositTokens(account, 1_000_000_000_000n);
    return account;
  }

  private pumpLayout(): PumpTradeLayout {
    return this.rng.chance(this.options.legacyLayoutShare) ? this.rng.pick(LEGACY_PUMP_LAYOUTS) : 'v8';
  }

  private launchRates(viaRouter: boolean): FeeRates {
    const legacy = this.rng.chance(this.options.legacyLayoutShare);
    return { share: viaRouter ? 1_000n : 0n, creator: legacy ? 0n : LAUNCHLAB_FEES.creator };
  }

  /** L1 events have no creator fee field, so trades priced without a creator fee use it. */
  private launchLayout(rates: FeeRates): LaunchTradeLayout {
    return rates.creator === 0n ? 'l1' : 'l3';
  }

  private tokenMeta(): TokenMeta {
    const rng = this.rng;
    const a = rng.pick(SYLLABLES);
    const c = rng.pick(SYLLABLES);
    const name = `${a[0]!.toUpperCase()}${a.slice(1)} ${c[0]!.toUpperCase()}${c.slice(1)}`;
    const symbol = (a.slice(0, 3) + c.slice(0, 2)).toUpperCase();
    return { name, symbol, uri: `https://ipfs.io/ipfs/Qm${newSignature(rng).slice(0, 44)}` };
  }
}

function countDescendants(node: Invocation): number {
  let n = 0;
  for (const c of node.children ?? []) n += 1 + countDescendants(c);
  return n;
}
