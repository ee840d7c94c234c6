import type {
  CurveCompletedEvent,
  LaunchpadEvent,
  MigratedEvent,
  Platform,
  PoolCreatedEvent,
  TokenCreatedEvent,
  TradeEvent,
} from '../core/events.ts';
import type { Checkpoint } from '../sources/types.ts';
import { getCheckpoint, setCheckpoint } from './checkpoints.ts';
import { quarantine, toJsonText, type QuarantineEntry } from './quarantine.ts';
import { invalidTradeReason, insertTradeRows, tradeRow, type PreparedTrade, type TradeInsertResult } from './trades.ts';
import { jsonParamBudget } from './capabilities.ts';
import { jsonArrayChunks } from './encode.ts';
import type { Capabilities, Db, Queryable } from './types.ts';

const ts = (unix: number | null): string | null => (unix === null ? null : new Date(unix * 1000).toISOString());
const num = (v: bigint | null): string | null => (v === null ? null : v.toString());
/** Postgres text cannot hold NUL; chain strings (Borsh, padded metadata) may. Everything else is kept as is. */
const chainText = (s: string): string => s.replaceAll('\u0000', '');

/** The first pool a token's trades arrive on: pump.fun's bonding curve, or the LaunchLab pool state. */
const curvePoolType = (platform: Platform): string => (platform === 'pumpfun' ? 'bonding_curve' : 'launchlab');

export interface WriteEventsResult extends TradeInsertResult {
  tokens: number;
  pools: number;
}

/** What a writer learned that stays true after commit: ids of stored tokens, stored pools, day partitions. */
interface WriterCache {
  tokenIds: Map<string, string>;
  pools: Set<string>;
  partitionDays: Set<string>;
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
   * completions and migrations. Returns what was written.
   */
  async writeEvents(events: readonly LaunchpadEvent[], source: string | null = null): Promise<WriteEventsResult> {
    let tokens = 0;
    let pools = 0;
    const trades: TradeEvent[] = [];
    for (const e of events) {
      if (e.type === 'token_created' || e.type === 'pool_created') {
        await this.upsertToken(e);
        await this.upsertPool(e);
        tokens++;
        pools++;
      } else if (e.type === 'trade') trades.push(e);
    }
    const result = await this.insertTrades(trades, source);
    for (const e of events) {
      if (e.type === 'curve_completed') await this.markCurveCompleted(e);
      else if (e.type === 'migrated') await this.markGraduated(e);
    }
    return { ...result, tokens, pools };
  }

  /**
   * Upserts the token of a creation event by mint and returns its id. Later facts fill earlier gaps
   * (a token first seen through a trade gets its name, creator, … here), never the reverse: a value
   * already stored is kept.
   */
  async upsertToken(e: TokenCreatedEvent | PoolCreatedEvent): Promise<string> {
    const supply = e.type === 'token_created' ? e.totalSupply : e.supply;
    const metadata =
      e.type === 'pool_created'
        ? { config: e.config, platformConfig: e.platformConfig, curveType: e.curveType, migrateType: e.migrateType, vestingTotalLocked: e.vestingTotalLocked }
        : { bondingCurve: e.bondingCurve, user: e.user, isMayhemMode: e.isMayhemMode };
    const res = await this.tx.query<{ id: string }>(
      `INSERT INTO tokens (mint_address, symbol, name, uri, decimals, platform, creation_signature, creation_timestamp,
                           creation_slot, creator_address, initial_supply, quote_mint, token_program, metadata, is_complete)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb, TRUE)
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
       RETURNING id`,
      [
        e.mint, chainText(e.symbol), chainText(e.name), chainText(e.uri), e.decimals, e.program, e.signature,
        ts(e.blockTime), e.slot, e.creator, num(supply), e.quoteMint, e.tokenProgram, toJsonText(metadata),
      ],
    );
    const id = res.rows[0]!.id;
    this.learned.tokenIds.set(e.mint, id);
    return id;
  }

  /**
   * Upserts the curve pool of a creation event (pump.fun bonding curve or LaunchLab pool state).
   * Creation facts fill gaps; the initial reserves are applied only while no trade has set the state.
   */
  async upsertPool(e: TokenCreatedEvent | PoolCreatedEvent): Promise<void> {
    const tokenId = this.cachedTokenId(e.mint) ?? (await this.upsertToken(e));
    const address = e.type === 'token_created' ? e.bondingCurve : e.pool;
    const ll = e.type === 'pool_created' ? e : null;
    const pf = e.type === 'token_created' ? e : null;
    await this.tx.query(
      `INSERT INTO pools (pool_address, token_id, base_mint, quote_mint, platform, pool_type, creator_address,
                          virtual_sol_reserves, virtual_token_reserves, real_token_reserves, initial_price,
                          config_address, platform_config, curve_type, migrate_type, total_base_sell,
                          total_quote_fund_raising, base_vault, quote_vault)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::numeric, $9::numeric, $10,
               $8::numeric / NULLIF($9::numeric, 0) * (10::numeric ^ ($18::int - 9)),
               $11, $12, $13, $14, $15, $16, $17, $19)
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
      [
        address, tokenId, e.mint, e.quoteMint, e.program, curvePoolType(e.program), e.creator,
        num(pf?.virtualSolReserves ?? null), num(pf?.virtualTokenReserves ?? null), num(pf?.realTokenReserves ?? null),
        ll?.config ?? null, ll?.platformConfig ?? null, ll?.curveType ?? null, ll?.migrateType ?? null,
        num(ll?.totalBaseSell ?? null), num(ll?.totalQuoteFundRaising ?? null), ll?.baseVault ?? null, e.decimals,
        ll?.quoteVault ?? null,
      ],
    );
    this.learned.pools.add(address);
  }

  /**
   * Bulk-inserts trades (duplicate-safe; bad rows quarantined, see {@link insertTradeRows}). Trades of a
   * token never seen before create a minimal token (`is_complete = false`) and pool row from the trade
   * itself; the creation event fills the rest when it arrives. Each pool's curve state then moves to its
   * latest trade in the batch — forward-only by slot.
   */
  async insertTrades(trades: readonly TradeEvent[], source: string | null = null): Promise<TradeInsertResult> {
    const valid: TradeEvent[] = [];
    let quarantined = 0;
    for (const t of trades) {
      const reason = invalidTradeReason(t);
      if (reason === null) valid.push(t);
      else {
        await quarantine(this.tx, { kind: 'trade', reason, raw: t, signature: t.signature, slot: t.slot, source });
        quarantined++;
      }
    }
    if (valid.length === 0) return { inserted: 0, quarantined };
    await this.ensureTradeTokensAndPools(valid);
    if (this.plainPartitions) await this.ensurePartitions(valid);
    const prepared: PreparedTrade[] = valid.map((t) => ({ event: t, row: tradeRow(t, this.cachedTokenId(t.mint)!) }));
    const result = await insertTradeRows(this.tx, prepared, source);
    await this.applyPoolState(valid);
    return { inserted: result.inserted, quarantined: quarantined + result.quarantined };
  }

  /** Minimal token and pool rows for trades whose token or pool is not stored yet; fills the id cache. */
  private async ensureTradeTokensAndPools(trades: readonly TradeEvent[]): Promise<void> {
    const firstByMint = new Map<string, TradeEvent>();
    const firstByPool = new Map<string, TradeEvent>();
    for (const t of trades) {
      if (!this.cachedTokenId(t.mint) && !firstByMint.has(t.mint)) firstByMint.set(t.mint, t);
      if (!this.hasPool(t.pool) && !firstByPool.has(t.pool)) firstByPool.set(t.pool, t);
    }
    if (firstByMint.size > 0) {
      const stubs = [...firstByMint.values()].map((t) => ({ mint: t.mint, platform: t.program, decimals: t.baseDecimals, quote_mint: t.quoteMint }));
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
        stubs,
      );
      for (const r of rows) this.learned.tokenIds.set(r.mint_address, r.id);
      // A concurrent writer may have inserted a mint after this statement's snapshot: read it now.
      const late = [...firstByMint.keys()].filter((m) => !this.cachedTokenId(m));
      if (late.length > 0) {
        const again = await this.tx.query<{ id: string; mint_address: string }>(
          'SELECT id, mint_address FROM tokens WHERE mint_address = ANY($1::text[])',
          [late],
        );
        for (const r of again.rows) this.learned.tokenIds.set(r.mint_address, r.id);
      }
    }
    if (firstByPool.size > 0) {
      const stubs = [...firstByPool.values()].map((t) => ({
        pool: t.pool, token_id: this.cachedTokenId(t.mint)!, mint: t.mint, quote_mint: t.quoteMint,
        platform: t.program, pool_type: curvePoolType(t.program),
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

  /** Plain flavour: the day partitions a batch needs (backfills reach days the scheduler never created). */
  private async ensurePartitions(trades: readonly TradeEvent[]): Promise<void> {
    const days = new Set<string>();
    for (const t of trades) days.add(new Date(t.blockTime! * 1000).toISOString().slice(0, 10));
    const missing = [...days].filter((d) => !this.known.partitionDays.has(d) && !this.learned.partitionDays.has(d)).sort();
    if (missing.length === 0) return;
    for (const d of missing) {
      // Day by day: a batch spanning a backfill and live data must not create every day in between.
      await this.tx.query('SELECT megatron_ensure_transaction_partitions($1::date, $1::date)', [d]);
      this.learned.partitionDays.add(d);
    }
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

  /** The curve sold out: pool → `complete` (never backwards), token's curve_completed_at set once. */
  async markCurveCompleted(e: CurveCompletedEvent): Promise<void> {
    await this.ensureToken(e.mint, e.program);
    await this.tx.query(`UPDATE pools SET status = 'complete', updated_at = now() WHERE pool_address = $1 AND status = 'active'`, [e.pool]);
    await this.tx.query(
      `UPDATE tokens SET curve_completed_at = COALESCE(curve_completed_at, $2::timestamptz, now()), updated_at = now()
       WHERE mint_address = $1`,
      [e.mint, ts(e.blockTime)],
    );
  }

  /**
   * Graduation: the token is marked graduated (first graduation facts kept), its curve pool becomes
   * `migrated` pointing at the new AMM pool, and the AMM pool row is created.
   */
  async markGraduated(e: MigratedEvent): Promise<void> {
    const tokenId = await this.ensureToken(e.mint, e.program);
    await this.tx.query(
      `UPDATE tokens SET is_graduated = TRUE,
         graduation_timestamp = COALESCE(graduation_timestamp, $2::timestamptz, now()),
         graduation_signature = COALESCE(graduation_signature, $3),
         graduation_target = COALESCE(graduation_target, $4),
         curve_completed_at = COALESCE(curve_completed_at, $2::timestamptz, now()),
         updated_at = now()
       WHERE mint_address = $1`,
      [e.mint, ts(e.blockTime), e.signature, e.target],
    );
    await this.tx.query(
      `UPDATE pools SET status = 'migrated', migrated_to_pool = COALESCE(migrated_to_pool, $2), updated_at = now()
       WHERE pool_address = $1`,
      [e.pool, e.newPool],
    );
    await this.tx.query(
      `INSERT INTO pools (pool_address, token_id, base_mint, quote_mint, platform, pool_type, lp_mint,
                          initial_base_liquidity, initial_quote_liquidity)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (pool_address) DO UPDATE SET
         lp_mint = COALESCE(pools.lp_mint, EXCLUDED.lp_mint),
         initial_base_liquidity = COALESCE(pools.initial_base_liquidity, EXCLUDED.initial_base_liquidity),
         initial_quote_liquidity = COALESCE(pools.initial_quote_liquidity, EXCLUDED.initial_quote_liquidity),
         updated_at = now()`,
      [e.newPool, tokenId, e.mint, e.quoteMint, e.program, e.target, e.lpMint, num(e.baseAmount), num(e.quoteAmount)],
    );
    this.learned.pools.add(e.newPool);
  }

  /** The id of `mint`, creating a minimal token row (`is_complete = false`) when it is unknown. */
  private async ensureToken(mint: string, platform: Platform): Promise<string> {
    const cached = this.cachedTokenId(mint);
    if (cached) return cached;
    const res = await this.tx.query<{ id: string }>(
      `WITH ins AS (
         INSERT INTO tokens (mint_address, platform, is_complete) VALUES ($1, $2, FALSE)
         ON CONFLICT (mint_address) DO NOTHING RETURNING id
       )
       SELECT id FROM ins UNION ALL SELECT id FROM tokens WHERE mint_address = $1`,
      [mint, platform],
    );
    const id = res.rows[0]!.id;
    this.learned.tokenIds.set(mint, id);
    return id;
  }

  /** Stores one input that cannot be trusted as decoded. */
  quarantine(entry: QuarantineEntry): Promise<void> {
    return quarantine(this.tx, entry);
  }

  getCheckpoint(source: string): Promise<Checkpoint | null> {
    return getCheckpoint(this.tx, source);
  }

  /** Call in the same transaction as the batch the checkpoint closes. */
  setCheckpoint(source: string, checkpoint: Checkpoint): Promise<void> {
    return setCheckpoint(this.tx, source, checkpoint);
  }
}

