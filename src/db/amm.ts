import type { AmmPoolCreatedEvent, LaunchpadEvent, LiquidityEvent } from '../core/events.ts';
import type { Queryable } from './types.ts';

/**
 * Writes of a token's second life on an AMM (PumpSwap, Raydium CPMM / AMM v4): pool rows from pool
 * creations, liquidity changes, and which AMM events concern a token Megatron tracks. The trades
 * themselves go through the trades path like the curve's (src/db/trades.ts).
 */

/** Runs `sql` with the items as its JSON parameter $1 (chunked by the caller's message limit). */
export type JsonRun = <T>(sql: string, items: readonly unknown[]) => Promise<T[]>;

const ts = (unix: number | null): string | null => (unix === null ? null : new Date(unix * 1000).toISOString());

/** An event of an AMM program (not of the launchpad): only stored for a tracked token. */
export const isAmmEvent = (e: LaunchpadEvent): boolean =>
  (e.type === 'trade' && e.venue !== 'curve') || e.type === 'amm_pool_created' || e.type === 'liquidity';

/**
 * The mints of AMM events that no launchpad event of the batch names and the `known` lookup does not
 * find: those tokens are not tracked (general AMM traffic), and their events are dropped.
 */
export async function untrackedMints(
  events: readonly LaunchpadEvent[],
  isKnown: (mint: string) => boolean,
  lookup: (mints: string[]) => Promise<Set<string>>,
): Promise<Set<string>> {
  const launchpadMints = new Set<string>();
  const candidates = new Set<string>();
  for (const e of events) (isAmmEvent(e) ? candidates : launchpadMints).add(e.mint);
  const unknown = [...candidates].filter((m) => !launchpadMints.has(m) && !isKnown(m));
  if (unknown.length === 0) return new Set();
  const found = await lookup(unknown);
  return new Set(unknown.filter((m) => !found.has(m)));
}

/**
 * Pool rows of AMM pool creations (first creation per pool in the batch). A pool already stored — the
 * migration that created it names it too — gets its gaps filled; its reserves start at the initial
 * liquidity only while no trade has set them.
 */
export async function upsertAmmPools(run: JsonRun, events: readonly AmmPoolCreatedEvent[], tokenId: (mint: string) => string): Promise<string[]> {
  const byPool = new Map<string, Record<string, unknown>>();
  for (const e of events) {
    if (byPool.has(e.pool)) continue;
    byPool.set(e.pool, {
      pool: e.pool, token_id: tokenId(e.mint), mint: e.mint, quote_mint: e.quoteMint, platform: e.program, pool_type: e.venue,
      lp_mint: e.lpMint, creator: e.creator, base: e.baseAmount?.toString() ?? null, quote: e.quoteAmount?.toString() ?? null,
      base_decimals: e.baseDecimals, quote_decimals: e.quoteDecimals, base_vault: e.baseVault, quote_vault: e.quoteVault, slot: e.slot,
    });
  }
  if (byPool.size === 0) return [];
  await run(UPSERT_AMM_POOLS_SQL, [...byPool.values()]);
  return [...byPool.keys()];
}

const UPSERT_AMM_POOLS_SQL = `
  INSERT INTO pools (pool_address, token_id, base_mint, quote_mint, platform, pool_type, lp_mint, creator_address,
                     initial_base_liquidity, initial_quote_liquidity, initial_price, base_vault, quote_vault,
                     virtual_sol_reserves, virtual_token_reserves, real_sol_reserves, real_token_reserves, created_slot)
  SELECT pool, token_id, mint, quote_mint, platform, pool_type, lp_mint, creator, base, quote,
         quote / NULLIF(base, 0) * (10::numeric ^ (base_decimals - quote_decimals)), base_vault, quote_vault,
         quote, base, quote, base, slot
  FROM json_to_recordset($1::json) AS x(pool text, token_id uuid, mint text, quote_mint text, platform text, pool_type text,
                                        lp_mint text, creator text, base numeric, quote numeric, base_decimals int,
                                        quote_decimals int, base_vault text, quote_vault text, slot bigint)
  ON CONFLICT (pool_address) DO UPDATE SET
    created_slot = LEAST(pools.created_slot, EXCLUDED.created_slot),
    lp_mint = COALESCE(pools.lp_mint, EXCLUDED.lp_mint),
    creator_address = COALESCE(pools.creator_address, EXCLUDED.creator_address),
    initial_base_liquidity = COALESCE(pools.initial_base_liquidity, EXCLUDED.initial_base_liquidity),
    initial_quote_liquidity = COALESCE(pools.initial_quote_liquidity, EXCLUDED.initial_quote_liquidity),
    initial_price = COALESCE(pools.initial_price, EXCLUDED.initial_price),
    base_vault = COALESCE(pools.base_vault, EXCLUDED.base_vault),
    quote_vault = COALESCE(pools.quote_vault, EXCLUDED.quote_vault),
    virtual_sol_reserves = CASE WHEN pools.last_slot IS NULL THEN COALESCE(pools.virtual_sol_reserves, EXCLUDED.virtual_sol_reserves) ELSE pools.virtual_sol_reserves END,
    virtual_token_reserves = CASE WHEN pools.last_slot IS NULL THEN COALESCE(pools.virtual_token_reserves, EXCLUDED.virtual_token_reserves) ELSE pools.virtual_token_reserves END,
    real_sol_reserves = CASE WHEN pools.last_slot IS NULL THEN COALESCE(pools.real_sol_reserves, EXCLUDED.real_sol_reserves) ELSE pools.real_sol_reserves END,
    real_token_reserves = CASE WHEN pools.last_slot IS NULL THEN COALESCE(pools.real_token_reserves, EXCLUDED.real_token_reserves) ELSE pools.real_token_reserves END,
    updated_at = now()`;

/**
 * Stores liquidity changes (idempotent by location) and moves each pool's reserves to its latest change
 * unless a later slot was applied: a deposit or withdrawal is a state change like a trade. A change whose
 * reserves the decoder could not tell is stored but moves nothing.
 */
export async function applyLiquidity(run: JsonRun, events: readonly LiquidityEvent[], tokenId: (mint: string) => string): Promise<number> {
  const rows = events.filter((e) => e.blockTime !== null).map((e) => ({
    signature: e.signature, ix: e.ixIndex, inner_ix: e.innerIxIndex, at: ts(e.blockTime), slot: e.slot, pool: e.pool, token_id: tokenId(e.mint),
    kind: e.kind, user: e.user, base: e.baseAmount.toString(), quote: e.quoteAmount.toString(), lp: e.lpAmount?.toString() ?? null,
    base_reserves: e.baseReserves?.toString() ?? null, quote_reserves: e.quoteReserves?.toString() ?? null,
  }));
  if (rows.length === 0) return 0;
  const inserted = await run<{ signature: string }>(INSERT_LIQUIDITY_SQL, rows);
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) {
    if (r.base_reserves !== null && r.quote_reserves !== null && (latest.get(r.pool)?.slot ?? -1) <= r.slot) latest.set(r.pool, r);
  }
  if (latest.size === 0) return inserted.length;
  await run(APPLY_LIQUIDITY_SQL, [...latest.values()]);
  return inserted.length;
}

const INSERT_LIQUIDITY_SQL = `
  INSERT INTO liquidity_events (signature, ix_index, inner_ix_index, block_time, slot, pool, token_id, kind, user_address,
                                base_amount, quote_amount, lp_amount, base_reserves, quote_reserves)
  SELECT signature, ix, inner_ix, at, slot, pool, token_id, kind, "user", base, quote, lp, base_reserves, quote_reserves
  FROM json_to_recordset($1::json) AS x(signature text, ix int, inner_ix int, at timestamptz, slot bigint, pool text, token_id uuid,
                                        kind text, "user" text, base numeric, quote numeric, lp numeric, base_reserves numeric,
                                        quote_reserves numeric)
  ON CONFLICT DO NOTHING
  RETURNING signature`;

const APPLY_LIQUIDITY_SQL = `
  UPDATE pools p SET
    virtual_sol_reserves = x.quote_reserves, virtual_token_reserves = x.base_reserves,
    real_sol_reserves = x.quote_reserves, real_token_reserves = x.base_reserves,
    last_slot = x.slot, last_signature = x.signature, updated_at = now()
  FROM json_to_recordset($1::json) AS x(pool text, slot bigint, signature text, base_reserves numeric, quote_reserves numeric)
  WHERE p.pool_address = x.pool AND (p.last_slot IS NULL OR x.slot >= p.last_slot)`;

/**
 * The AMM pools live sources follow: the newest `limit` of tracked tokens on the given platforms, with the
 * slot each was created in (its graduation).
 */
export async function trackedAmmPools(q: Queryable, platforms: readonly string[], limit: number): Promise<Array<[pool: string, createdSlot: number]>> {
  const { rows } = await q.query<{ pool_address: string; created_slot: string | null }>(
    `SELECT pool_address, created_slot::text FROM pools
     WHERE megatron_venue(pool_type) <> 'curve' AND platform = ANY($1::text[])
     ORDER BY created_slot DESC NULLS LAST, created_at DESC LIMIT $2`,
    [platforms, limit],
  );
  // Oldest first, as they were created: the followed set drops its oldest members first when it is full.
  return rows.map((r): [string, number] => [r.pool_address, r.created_slot === null ? 0 : Number(r.created_slot)]).reverse();
}

/** The AMM pools a batch's events name (migrations and pool creations of tracked tokens), with their slot. */
export function ammPoolsOf(events: readonly LaunchpadEvent[]): Array<[pool: string, slot: number]> {
  const out: Array<[string, number]> = [];
  for (const e of events) {
    if (e.type === 'migrated') out.push([e.newPool, e.slot]);
    else if (e.type === 'amm_pool_created') out.push([e.pool, e.slot]);
  }
  return out;
}
