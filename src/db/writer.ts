import type {
  AmmPoolCreatedEvent,
  CurveCompletedEvent,
  LiquidityEvent,
  LaunchpadEvent,
  MigratedEvent,
  Platform,
  PoolCreatedEvent,
  TokenCreatedEvent,
  TradeEvent,
} from '../core/events.ts';
import type { Checkpoint } from '../sources/types.ts';
import { getCheckpoint } from './checkpoints.ts';
import { quarantine, toJsonText, type QuarantineEntry } from './quarantine.ts';
import { applyLiquidity, untrackedMints, upsertAmmPools, type JsonRun } from './amm.ts';
import { recordCoverage, recordFlags, RECORD_FLAGS_SQL, type FlagEntry } from './flags.ts';
import type { InvocationCoverage } from '../core/events.ts';
import { invalidTradeReason, insertTradeRows, type TradeInsertResult } from './trades.ts';
import { tradeBytes, type TradeBytes } from './bytea.ts';
import { jsonParamBudget } from './capabilities.ts';
import { jsonArrayChunks } from './encode.ts';
import type { Capabilities, Db, Queryable } from './types.ts';

const ts = (unix: number | null): string | null => (unix === null ? null : new Date(unix * 1000).toISOString());
const num = (v: bigint | null): string | null => (v === null ? null : v.toString());
/** Postgres text cannot hold NUL; chain strings (Borsh, padded metadata) may. Everything else is kept as is. */
const chainText = (s: string): string => s.replaceAll('\u0000', '');

/** The first pool a token's trades arrive on: pump.fun's bonding curve, or the LaunchLab pool state. */
const curvePoolType = (platform: Platform): string => (platform === 'pumpfun' ? 'bonding_curve' : 'launchlab');
/** The pool type a trade's pool has: the launchpad's curve, or the AMM named by the trade's venue. */
const tradePoolType = (t: TradeEvent): string => (t.venue === 'curve' ? curvePoolType(t.program) : t.venue);

export interface WriteEventsResult extends TradeInsertResult {
  /** New trades per platform (sums to `inserted`). */
  insertedByPlatform: Record<Platform, number>;
  tokens: number;
  pools: number;
  /** Mints of AMM events dropped because Megatron does not track the token (no launchpad event ever named it). */
  untracked: ReadonlySet<string>;
  /** Liquidity changes newly stored. */
  liquidity: number;
}

interface StoredTrades {
  inserted: Record<Platform, number>;
  quarantined: number;
}

/** What a writer learned that stays true after commit: ids of stored tokens, stored pools, day partitions. */
interface WriterCache {
  tokenIds: Map<string, string>;
  pools: Set<string>;
  partitionDays: Set<string>;
}

/** What a minimal token row is made of (is_complete = false). */
interface TokenStub {
  mint: string;
  platform: Platform;
  decimals: number | null;
  quote_mint: string | null;
}

/** The curve pool a creation event opens. */
const creationPool = (e: TokenCreatedEvent | PoolCreatedEvent): string => (e.type === 'token_created' ? e.bondingCurve : e.pool);

/**
 * Splits `items` into rounds in which no key repeats (an item goes one round after the last round
 * holding any of its keys), keeping their order: a set-based statement per round touches each row once,
 * and rounds applied in order equal the items applied one by one.
 */
function rounds<T>(items: readonly T[], keys: (item: T) => readonly string[]): T[][] {
  const out: T[][] = [];
  const lastRound = new Map<string, number>();
  for (const item of items) {
    const ks = keys(item);
    const r = Math.max(-1, ...ks.map((k) => lastRound.get(k) ?? -1)) + 1;
    for (const k of ks) lastRound.set(k, r);
    (out[r] ??= []).push(item);
  }
  return out;
}

const emptyCache = (): WriterCache => ({ tokenIds: new Map(), pools: new Set(), partitionDays: new Set() });

/**
 * Stores launchpad events. Holds the mint → token id cache (as the seed's monitor integration did);
 * all writes happen through {@link EventWriter.transaction}, so what a transaction that rolls back
 * learned is never cached.
 */
export class EventWriter {
  private readonly cache = emptyCache();

  constructor(private readonly db: Db) {}

  /** Runs `fn` with a {@link TxWriter} in one database transaction; the cache learns only on commit. */
  async transaction<T>(fn: (w: TxWriter) => Promise<T>): Promise<T> {
    let writer: TxWriter | undefined;
    const result = await this.db.transaction(async (tx) => {
      writer = new TxWriter(tx, this.db.flavour === 'plain', this.db.capabilities, this.cache);
      return fn(writer);
    });
    if (writer) mergeCache(this.cache, writer.learned);
    return result;
  }

  /** Forgets cached ids (e.g. after rows were deleted behind the writer's back). */
  clearCache(): void {
    Object.assign(this.cache, emptyCache());
  }
}

function mergeCache(into: WriterCache, from: WriterCache): void {
  for (const [mint, id] of from.tokenIds) into.tokenIds.set(mint, id);
  for (const p of from.pools) into.pools.add(p);
  for (const d of from.partitionDays) into.partitionDays.add(d);
}

/** Writers bound to one open transaction. */
export class TxWriter {
  /** @internal What this transaction stored; merged into the shared cache on commit. */
  readonly learned = emptyCache();

  constructor(
    /** The transaction handle, for queries the writers do not cover. */
    readonly tx: Queryable,
    private readonly plainPartitions: boolean,
    private readonly capabilities: Capabilities,
    private readonly known: WriterCache,
  ) {}

  /** Runs `sql` with `items` as its JSON parameter $1, in as many chunks as the peer's message limit needs. */
  private async perJsonChunk<T>(sql: string, items: readonly unknown[]): Promise<T[]> {
    const rows: T[] = [];
    for (const chunk of jsonArrayChunks(items, jsonParamBudget(this.capabilities, sql))) {
      rows.push(...(await this.tx.query<T>(sql, [chunk])).rows);
    }
    return rows;
  }

  private hasPool(address: string): boolean {
    return this.known.pools.has(address) || this.learned.pools.has(address);
  }

  private cachedTokenId(mint: string): string | undefined {
    return this.learned.tokenIds.get(mint) ?? this.known.tokenIds.get(mint);
  }

  /**
   * Stores events in an order that satisfies references: creations, trades (bulk), then curve
   * completions and migrations — each kind as one set-based statement per batch, not one per event.
   * Returns what was written.
   */
  async writeEvents(events: readonly LaunchpadEvent[], source: string | null = null): Promise<WriteEventsResult> {
    const untracked = await untrackedMints(events, (m) => this.cachedTokenId(m) !== undefined, (m) => this.lookupTokens(m));
    const creations: Array<TokenCreatedEvent | PoolCreatedEvent> = [];
    const trades: TradeEvent[] = [];
    const ends: Array<CurveCompletedEvent | MigratedEvent> = [];
    const ammPools: AmmPoolCreatedEvent[] = [];
    const liquidity: LiquidityEvent[] = [];
    for (const e of events) {
      if (untracked.has(e.mint)) continue;
      if (e.type === 'token_created' || e.type === 'pool_created') creations.push(e);
      else if (e.type === 'trade') trades.push(e);
      else if (e.type === 'curve_completed' || e.type === 'migrated') ends.push(e);
      else if (e.type === 'amm_pool_created') ammPools.push(e);
      else liquidity.push(e);
    }
    // The same mint or pool twice in one batch (a source repeating itself) goes in a later round, so
    // each statement touches a row once and the rounds apply in event order.
    for (const round of rounds(creations, (e) => [e.mint, creationPool(e)])) {
      await this.upsertCreatedTokens(round);
      await this.upsertCreatedPools(round);
    }
    // AMM pools before their trades, so a trade's pool row has the AMM's type (not a curve stub's).
    await this.storeAmmPools(ammPools);
    const stored = await this.storeTrades(trades, source);
    await this.applyCurveEnds(ends);
    const liquidityStored = liquidity.length === 0 ? 0 : await this.storeLiquidity(liquidity);
    return {
      inserted: stored.inserted.pumpfun + stored.inserted.launchlab, insertedByPlatform: stored.inserted,
      quarantined: stored.quarantined, tokens: creations.length, pools: creations.length + ammPools.length, untracked, liquidity: liquidityStored,
    };
  }

  private readonly runJson: JsonRun = (sql, items) => this.perJsonChunk(sql, items);

  /** Ids of the stored tokens among `mints` (learned into the cache); the set of those found. */
  private async lookupTokens(mints: string[]): Promise<Set<string>> {
    const { rows } = await this.tx.query<{ id: string; mint_address: string }>('SELECT id, mint_address FROM tokens WHERE mint_address = ANY($1::text[])', [mints]);
    for (const r of rows) this.learned.tokenIds.set(r.mint_address, r.id);
    return new Set(rows.map((r) => r.mint_address));
  }

  private async storeAmmPools(events: readonly AmmPoolCreatedEvent[]): Promise<void> {
    if (events.length === 0) return;
    // The token may be named in this batch only by its migration (applied later): a minimal row first.
    await this.ensureTokens(events.map((e) => ({ mint: e.mint, platform: e.program, decimals: e.baseDecimals, quote_mint: e.quoteMint })));
    for (const pool of await upsertAmmPools(this.runJson, events, (m) => this.cachedTokenId(m)!)) this.learned.pools.add(pool);
  }

  private async storeLiquidity(events: readonly LiquidityEvent[]): Promise<number> {
    await this.ensureTokens(events.map((e) => ({ mint: e.mint, platform: e.program, decimals: null, quote_mint: e.quoteMint })));
    return applyLiquidity(this.runJson, events, (m) => this.cachedTokenId(m)!);
  }

  /**
   * Upserts the tokens of creation events (keys unique in `events`) and learns their ids. Later facts
   * fill earlier gaps (a token first seen through a trade gets its name, creator, … here), never the
   * reverse: a value already stored is kept.
   */
  private async upsertCreatedTokens(events: ReadonlyArray<TokenCreatedEvent | PoolCreatedEvent>): Promise<void> {
    const input = events.map((e) => ({
      mint: e.mint, symbol: chainText(e.symbol), name: chainText(e.name), uri: chainText(e.uri), decimals: e.decimals,
      platform: e.program, signature: e.signature, at: ts(e.blockTime), slot: e.slot, creator: e.creator,
      supply: num(e.type === 'token_created' ? e.totalSupply : e.supply), quote_mint: e.quoteMint, token_program: e.tokenProgram,
      metadata: toJsonText(
        e.type === 'pool_created'
          ? { config: e.config, platformConfig: e.platformConfig, curveType: e.curveType, migrateType: e.migrateType, vestingTotalLocked: e.vestingTotalLocked }
          : { bondingCurve: e.bondingCurve, user: e.user, isMayhemMode: e.isMayhemMode },
      ),
    }));
    const rows = await this.perJsonChunk<{ id: string; mint_address: string }>(
      `INSERT INTO tokens (mint_address, symbol, name, uri, decimals, platform, creation_signature, creation_timestamp,
                           creation_slot, creator_address, initial_supply, quote_mint, token_program, metadata, is_complete)
       SELECT mint, symbol, name, uri, decimals, platform, signature, at, slot, creator, supply, quote_mint, token_program,
              metadata::jsonb, TRUE
       FROM json_to_recordset($1::json) AS x(mint text, symbol text, name text, uri text, decimals int, platform text,
                                             signature text, at timestamptz, slot bigint, creator text, supply numeric,
                                             quote_mint text, token_program text, metadata text)
       ON CONFLICT (mint_address) DO UPDATE SET
         symbol = COALESCE(tokens.symbol, EXCLUDED.symbol),
         name = COALESCE(tokens.name, EXCLUDED.name),
         uri = COALESCE(tokens.uri, EXCLUDED.uri),
         decimals = COALESCE(tokens.decimals, EXCLUDED.decimals),
         creation_signature = COALESCE(tokens.creation_signature, EXCLUDED.creation_signature),
         creation_timestamp = COALESCE(tokens.creation_timestamp, EXCLUDED.creation_timestamp),
         creation_slot = COALESCE(tokens.creation_slot, EXCLUDED.creation_slot),
         creator_address = COALESCE(tokens.creator_address, EXCLUDED.creator_address),
         initial_supply = COALESCE(tokens.initial_supply, EXCLUDED.initial_supply),
         quote_mint = COALESCE(tokens.quote_mint, EXCLUDED.quote_mint),
         token_program = COALESCE(tokens.token_program, EXCLUDED.token_program),
         metadata = COALESCE(tokens.metadata, EXCLUDED.metadata),
         is_complete = TRUE,
         updated_at = now()
       RETURNING id, mint_address`,
      input,
    );
    for (const r of rows) this.learned.tokenIds.set(r.mint_address, r.id);
  }

  /**
   * Upserts the curve pools of creation events (pump.fun bonding curve or LaunchLab pool state; keys
   * unique in `events`, tokens stored). Creation facts fill gaps; the initial reserves are applied only
   * while no trade has set the state.
   */
  private async upsertCreatedPools(events: ReadonlyArray<TokenCreatedEvent | PoolCreatedEvent>): Promise<void> {
    const input = events.map((e) => {
      const ll = e.type === 'pool_created' ? e : null;
      const pf = e.type === 'token_created' ? e : null;
      return {
        pool: creationPool(e), token_id: this.cachedTokenId(e.mint)!, mint: e.mint, quote_mint: e.quoteMint, platform: e.program,
        pool_type: curvePoolType(e.program), creator: e.creator, decimals: e.decimals,
        vsr: num(pf?.virtualSolReserves ?? null), vtr: num(pf?.virtualTokenReserves ?? null), rtr: num(pf?.realTokenReserves ?? null),
        config: ll?.config ?? null, platform_config: ll?.platformConfig ?? null, curve_type: ll?.curveType ?? null,
        migrate_type: ll?.migrateType ?? null, total_base_sell: num(ll?.totalBaseSell ?? null),
        total_quote_fund_raising: num(ll?.totalQuoteFundRaising ?? null), base_vault: ll?.baseVault ?? null, quote_vault: ll?.quoteVault ?? null,
      };
    });
    await this.perJsonChunk(
      `INSERT INTO pools (pool_address, token_id, base_mint, quote_mint, platform, pool_type, creator_address,
                          virtual_sol_reserves, virtual_token_reserves, real_token_reserves, initial_price,
                          config_address, platform_config, curve_type, migrate_type, total_base_sell,
                          total_quote_fund_raising, base_vault, quote_vault)
       SELECT pool, token_id, mint, quote_mint, platform, pool_type, creator, vsr, vtr, rtr,
              vsr / NULLIF(vtr, 0) * (10::numeric ^ (decimals - 9)),
              config, platform_config, curve_type, migrate_type, total_base_sell, total_quote_fund_raising, base_vault, quote_vault
       FROM json_to_recordset($1::json) AS x(pool text, token_id uuid, mint text, quote_mint text, platform text, pool_type text,
                                             creator text, decimals int, vsr numeric, vtr numeric, rtr numeric, config text,
                                             platform_config text, curve_type text, migrate_type text, total_base_sell numeric,
                                             total_quote_fund_raising numeric, base_vault text, quote_vault text)
       ON CONFLICT (pool_address) DO UPDATE SET
         creator_address = COALESCE(pools.creator_address, EXCLUDED.creator_address),
         initial_price = COALESCE(pools.initial_price, EXCLUDED.initial_price),
         virtual_sol_reserves = CASE WHEN pools.last_slot IS NULL THEN COALESCE(EXCLUDED.virtual_sol_reserves, pools.virtual_sol_reserves) ELSE pools.virtual_sol_reserves END,
         virtual_token_reserves = CASE WHEN pools.last_slot IS NULL THEN COALESCE(EXCLUDED.virtual_token_reserves, pools.virtual_token_reserves) ELSE pools.virtual_token_reserves END,
         real_token_reserves = CASE WHEN pools.last_slot IS NULL THEN COALESCE(EXCLUDED.real_token_reserves, pools.real_token_reserves) ELSE pools.real_token_reserves END,
         config_address = COALESCE(pools.config_address, EXCLUDED.config_address),
         platform_config = COALESCE(pools.platform_config, EXCLUDED.platform_config),
         curve_type = COALESCE(pools.curve_type, EXCLUDED.curve_type),
         migrate_type = COALESCE(pools.migrate_type, EXCLUDED.migrate_type),
         total_base_sell = COALESCE(pools.total_base_sell, EXCLUDED.total_base_sell),
         total_quote_fund_raising = COALESCE(pools.total_quote_fund_raising, EXCLUDED.total_quote_fund_raising),
         base_vault = COALESCE(pools.base_vault, EXCLUDED.base_vault),
         quote_vault = COALESCE(pools.quote_vault, EXCLUDED.quote_vault),
         updated_at = now()`,
      input,
    );
    for (const r of input) this.learned.pools.add(r.pool);
  }

  /**
   * Bulk-inserts trades (duplicate-safe; bad rows quarantined, see {@link insertTradeRows}). Trades of a
   * token never seen before create a minimal token (`is_complete = false`) and pool row from the trade
   * itself; the creation event fills the rest when it arrives. Each pool's curve state then moves to its
   * latest trade in the batch — forward-only by slot.
   */
  async insertTrades(trades: readonly TradeEvent[], source: string | null = null): Promise<TradeInsertResult> {
    const stored = await this.storeTrades(trades, source);
    return { inserted: stored.inserted.pumpfun + stored.inserted.launchlab, quarantined: stored.quarantined };
  }

  /** {@link insertTrades} with the new trades counted per platform (one bulk insert per platform present). */
  private async storeTrades(trades: readonly TradeEvent[], source: string | null): Promise<StoredTrades> {
    const valid: TradeEvent[] = [];
    const keys: TradeBytes[] = [];
    const stored: StoredTrades = { inserted: { pumpfun: 0, launchlab: 0 }, quarantined: 0 };
    for (const t of trades) {
      const bytes = tradeBytes(t);
      const reason = typeof bytes === 'string' ? bytes : invalidTradeReason(t);
      if (reason === null) {
        valid.push(t);
        keys.push(bytes as TradeBytes);
      } else {
        await quarantine(this.tx, { kind: 'trade', reason, raw: t, signature: t.signature, slot: t.slot, source });
        stored.quarantined++;
      }
    }
    if (valid.length === 0) return stored;
    await this.ensureTradeTokensAndPools(valid);
    if (this.plainPartitions) await this.ensurePartitions(valid);
    const result = await insertTradeRows(this.tx, valid.map((t, i) => ({ event: t, tokenId: this.cachedTokenId(t.mint)!, bytes: keys[i]! })), source);
    stored.inserted = result.inserted;
    stored.quarantined += result.quarantined;
    if (this.plainPartitions) await this.markCandleBuckets(valid);
    await this.applyPoolState(valid);
    return stored;
  }

  /** Minimal token and pool rows for trades whose token or pool is not stored yet; fills the id cache. */
  private async ensureTradeTokensAndPools(trades: readonly TradeEvent[]): Promise<void> {
    const unseen: TokenStub[] = [];
    for (const t of trades) {
      if (!this.cachedTokenId(t.mint)) unseen.push({ mint: t.mint, platform: t.program, decimals: t.baseDecimals, quote_mint: t.quoteMint });
    }
    await this.ensureTokens(unseen);
    const firstByPool = new Map<string, TradeEvent>();
    for (const t of trades) if (!this.hasPool(t.pool) && !firstByPool.has(t.pool)) firstByPool.set(t.pool, t);
    if (firstByPool.size > 0) {
      const stubs = [...firstByPool.values()].map((t) => ({
        pool: t.pool, token_id: this.cachedTokenId(t.mint)!, mint: t.mint, quote_mint: t.quoteMint,
        platform: t.program, pool_type: tradePoolType(t),
      }));
      await this.perJsonChunk(
        `INSERT INTO pools (pool_address, token_id, base_mint, quote_mint, platform, pool_type)
         SELECT pool, token_id, mint, quote_mint, platform, pool_type
         FROM json_to_recordset($1::json) AS x(pool text, token_id uuid, mint text, quote_mint text, platform text, pool_type text)
         ON CONFLICT (pool_address) DO NOTHING`,
        stubs,
      );
      for (const s of stubs) this.learned.pools.add(s.pool);
    }
  }

  /**
   * The ids of the stubs' mints, creating minimal tokens (`is_complete = false`) for those not stored;
   * the first stub of a mint tells what is known. One statement for the whole batch.
   */
  private async ensureTokens(stubs: readonly TokenStub[]): Promise<void> {
    const missing = new Map<string, TokenStub>();
    for (const s of stubs) if (!this.cachedTokenId(s.mint) && !missing.has(s.mint)) missing.set(s.mint, s);
    if (missing.size === 0) return;
    const rows = await this.perJsonChunk<{ id: string; mint_address: string }>(
      `WITH input AS (
         SELECT * FROM json_to_recordset($1::json) AS x(mint text, platform text, decimals int, quote_mint text)
       ), inserted AS (
         INSERT INTO tokens (mint_address, platform, decimals, quote_mint, is_complete)
         SELECT mint, platform, decimals, quote_mint, FALSE FROM input
         ON CONFLICT (mint_address) DO NOTHING
         RETURNING id, mint_address
       )
       SELECT id, mint_address FROM inserted
       UNION ALL
       SELECT t.id, t.mint_address FROM tokens t JOIN input ON t.mint_address = input.mint`,
      [...missing.values()],
    );
    for (const r of rows) this.learned.tokenIds.set(r.mint_address, r.id);
    // A concurrent writer may have inserted a mint after this statement's snapshot: read it now.
    const late = [...missing.keys()].filter((m) => !this.cachedTokenId(m));
    if (late.length > 0) {
      const again = await this.tx.query<{ id: string; mint_address: string }>(
        'SELECT id, mint_address FROM tokens WHERE mint_address = ANY($1::text[])',
        [late],
      );
      for (const r of again.rows) this.learned.tokenIds.set(r.mint_address, r.id);
    }
  }

  /** Plain flavour: the day partitions a batch needs (backfills reach days the scheduler never created). */
  private async ensurePartitions(trades: readonly TradeEvent[]): Promise<void> {
    // Day numbers first: one date string per distinct day, not one per trade.
    const dayNumbers = new Set<number>();
    for (const t of trades) dayNumbers.add(Math.floor(t.blockTime! / 86_400));
    const days = [...dayNumbers].map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10));
    const missing = days.filter((d) => !this.known.partitionDays.has(d) && !this.learned.partitionDays.has(d)).sort();
    if (missing.length === 0) return;
    for (const d of missing) {
      // Day by day: a batch spanning a backfill and live data must not create every day in between.
      await this.tx.query('SELECT megatron_ensure_transaction_partitions($1::date, $1::date)', [d]);
      this.learned.partitionDays.add(d);
    }
  }

  /**
   * Plain flavour: records the 1m candle buckets these trades fall in (`candle_dirty`), so the next candle
   * refresh recomputes them. The writer is the one place trades are inserted, so it marks them from the
   * batch (one row per token and minute) instead of a statement trigger reading every inserted row back
   * from a transition table. Marking a bucket whose trades turned out to be duplicates or quarantined only
   * costs its recomputation. Buckets align as `date_bin('1 minute', …, '2000-01-03')` does: that origin is
   * a whole number of minutes after the Unix epoch.
   */
  private async markCandleBuckets(trades: readonly TradeEvent[]): Promise<void> {
    const minutesByMint = new Map<string, Set<number>>();
    for (const t of trades) {
      const minutes = minutesByMint.get(t.mint);
      if (minutes) minutes.add(Math.floor(t.blockTime! / 60));
      else minutesByMint.set(t.mint, new Set([Math.floor(t.blockTime! / 60)]));
    }
    const tokens = [...minutesByMint].map(([mint, minutes]) => ({ token_id: this.cachedTokenId(mint)!, minutes: [...minutes] }));
    // One JSON record per token with its minutes: a batch spread over time marks several minutes per token.
    // candle_dirty has no key (migration 0062): a plain insert, duplicates across batches are merged by the refresh.
    await this.perJsonChunk(
      `INSERT INTO candle_dirty (token_id, bucket)
       SELECT x.token_id, to_timestamp(m.minute * 60)
       FROM json_to_recordset($1::json) AS x(token_id uuid, minutes bigint[]), unnest(x.minutes) AS m(minute)`,
      tokens,
    );
  }

  /** Moves each pool's curve state to its latest trade here, unless a later slot was already applied. */
  private async applyPoolState(trades: readonly TradeEvent[]): Promise<void> {
    const latest = new Map<string, TradeEvent>();
    for (const t of trades) {
      const prev = latest.get(t.pool);
      if (!prev || t.slot >= prev.slot) latest.set(t.pool, t);
    }
    const state = [...latest.values()].map((t) => ({
      pool: t.pool, slot: t.slot, signature: t.signature, vsr: num(t.virtualSolReserves), vtr: num(t.virtualTokenReserves),
      rsr: num(t.realSolReserves), rtr: num(t.realTokenReserves), price: t.priceSol, progress: t.progressPct,
      complete: t.completesCurve,
    }));
    await this.perJsonChunk(
      `UPDATE pools p SET
         virtual_sol_reserves = x.vsr, virtual_token_reserves = x.vtr,
         real_sol_reserves = COALESCE(x.rsr, p.real_sol_reserves), real_token_reserves = COALESCE(x.rtr, p.real_token_reserves),
         latest_price = x.price, bonding_curve_progress = COALESCE(x.progress, p.bonding_curve_progress),
         status = CASE WHEN x.complete AND p.status = 'active' THEN 'complete' ELSE p.status END,
         last_slot = x.slot, last_signature = x.signature, updated_at = now()
       FROM json_to_recordset($1::json) AS x(pool text, slot bigint, signature text, vsr numeric, vtr numeric,
                                             rsr numeric, rtr numeric, price numeric, progress numeric, complete boolean)
       WHERE p.pool_address = x.pool AND (p.last_slot IS NULL OR x.slot >= p.last_slot)`,
      state,
    );
  }

  /**
   * Curve completions and graduations, in three statements for the whole batch. A completed curve's
   * pool becomes `complete` (never backwards) and its token's curve_completed_at is set once; a
   * graduation marks the token graduated (first graduation facts kept), its curve pool `migrated`
   * pointing at the new AMM pool, and creates the AMM pool row. Per token and per pool the first event
   * (chain order) supplies the facts, as the first-fact-wins COALESCEs would applied one by one.
   */
  private async applyCurveEnds(events: ReadonlyArray<CurveCompletedEvent | MigratedEvent>): Promise<void> {
    if (events.length === 0) return;
    await this.ensureTokens(events.map((e) => ({ mint: e.mint, platform: e.program, decimals: null, quote_mint: null })));
    const tokens = new Map<string, { mint: string; completed_at: string | null; graduated: boolean; grad_at: string | null; grad_sig: string | null; grad_target: string | null }>();
    const curvePools = new Map<string, { pool: string; migrated_to: string | null }>();
    const ammPools = new Map<string, Record<string, unknown>>();
    for (const e of events) {
      const token = tokens.get(e.mint) ?? { mint: e.mint, completed_at: ts(e.blockTime), graduated: false, grad_at: null, grad_sig: null, grad_target: null };
      tokens.set(e.mint, token);
      const pool = curvePools.get(e.pool) ?? { pool: e.pool, migrated_to: null };
      curvePools.set(e.pool, pool);
      if (e.type !== 'migrated') continue;
      if (!token.graduated) Object.assign(token, { graduated: true, grad_at: ts(e.blockTime), grad_sig: e.signature, grad_target: e.target });
      pool.migrated_to ??= e.newPool;
      if (!ammPools.has(e.newPool)) {
        ammPools.set(e.newPool, {
          pool: e.newPool, token_id: this.cachedTokenId(e.mint)!, mint: e.mint, quote_mint: e.quoteMint, platform: e.program,
          pool_type: e.target, lp_mint: e.lpMint, base: num(e.baseAmount), quote: num(e.quoteAmount), slot: e.slot,
        });
      }
    }
    // A NULL block time means "now", as when the event is applied (same as the per-event statements did).
    await this.perJsonChunk(
      `UPDATE tokens t SET
         curve_completed_at = COALESCE(t.curve_completed_at, x.completed_at, now()),
         is_graduated = t.is_graduated OR x.graduated,
         graduation_timestamp = CASE WHEN x.graduated THEN COALESCE(t.graduation_timestamp, x.grad_at, now()) ELSE t.graduation_timestamp END,
         graduation_signature = CASE WHEN x.graduated THEN COALESCE(t.graduation_signature, x.grad_sig) ELSE t.graduation_signature END,
         graduation_target = CASE WHEN x.graduated THEN COALESCE(t.graduation_target, x.grad_target) ELSE t.graduation_target END,
         updated_at = now()
       FROM json_to_recordset($1::json) AS x(mint text, completed_at timestamptz, graduated boolean, grad_at timestamptz, grad_sig text, grad_target text)
       WHERE t.mint_address = x.mint`,
      [...tokens.values()],
    );
    await this.perJsonChunk(
      `UPDATE pools p SET
         status = CASE WHEN x.migrated_to IS NOT NULL THEN 'migrated' ELSE 'complete' END,
         migrated_to_pool = COALESCE(p.migrated_to_pool, x.migrated_to),
         updated_at = now()
       FROM json_to_recordset($1::json) AS x(pool text, migrated_to text)
       WHERE p.pool_address = x.pool AND (x.migrated_to IS NOT NULL OR p.status = 'active')`,
      [...curvePools.values()],
    );
    if (ammPools.size === 0) return;
    await this.perJsonChunk(
      `INSERT INTO pools (pool_address, token_id, base_mint, quote_mint, platform, pool_type, lp_mint,
                          initial_base_liquidity, initial_quote_liquidity, created_slot)
       SELECT pool, token_id, mint, quote_mint, platform, pool_type, lp_mint, base, quote, slot
       FROM json_to_recordset($1::json) AS x(pool text, token_id uuid, mint text, quote_mint text, platform text, pool_type text,
                                             lp_mint text, base numeric, quote numeric, slot bigint)
       ON CONFLICT (pool_address) DO UPDATE SET
         created_slot = LEAST(pools.created_slot, EXCLUDED.created_slot),
         lp_mint = COALESCE(pools.lp_mint, EXCLUDED.lp_mint),
         initial_base_liquidity = COALESCE(pools.initial_base_liquidity, EXCLUDED.initial_base_liquidity),
         initial_quote_liquidity = COALESCE(pools.initial_quote_liquidity, EXCLUDED.initial_quote_liquidity),
         updated_at = now()`,
      [...ammPools.values()],
    );
    for (const p of ammPools.keys()) this.learned.pools.add(p);
  }

  /** Stores one input that cannot be trusted as decoded. */
  quarantine(entry: QuarantineEntry): Promise<void> {
    return quarantine(this.tx, entry);
  }

  /** Records transactions stored despite a self-check disagreement (table decode_flags). */
  recordFlags(entries: readonly FlagEntry[]): Promise<void> {
    return recordFlags(this.tx, entries, jsonParamBudget(this.capabilities, RECORD_FLAGS_SQL));
  }

  /** Adds invocation outcomes to the coverage table. */
  recordCoverage(samples: readonly InvocationCoverage[]): Promise<void> {
    return recordCoverage(this.tx, samples);
  }

  getCheckpoint(source: string): Promise<Checkpoint | null> {
    return getCheckpoint(this.tx, source);
  }

  /**
   * Moves the checkpoint to `next` unless the stored one is at a later slot (one statement), in the same
   * transaction as the batch it closes; returns `next` when written, null when the stored one was ahead
   * (a replayed batch, the slower monitor of a pair).
   */
  async advanceCheckpoint(source: string, next: Checkpoint): Promise<Checkpoint | null> {
    const res = await this.tx.query(
      `INSERT INTO checkpoints (source, slot, signature) VALUES ($1, $2, $3)
       ON CONFLICT (source) DO UPDATE SET slot = EXCLUDED.slot, signature = EXCLUDED.signature, updated_at = now()
       WHERE checkpoints.slot <= EXCLUDED.slot`,
      [source, next.slot, next.signature],
    );
    return res.rowCount > 0 ? next : null;
  }
}

