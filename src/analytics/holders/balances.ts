import type { LaunchpadEvent } from '../../core/events.ts';
import type { RawTx } from '../../core/rawtx.ts';
import type { Queryable } from '../../db/types.ts';
import { LAUNCHLAB_VAULT_AUTHORITY } from '../../decoders/launchlab/constants.ts';

/** One owner's exact balance of `mint` after the transaction at `slot`. */
export interface HolderBalanceRow {
  mint: string;
  owner: string;
  amount: bigint;
  slot: number;
}

/** Owners whose token accounts are pool vaults on every pool (PDAs, not holders). */
const FIXED_VAULT_OWNERS = [
  LAUNCHLAB_VAULT_AUTHORITY,
  '5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1', // Raydium AMM v4 authority (LaunchLab amm migration)
  'GpMZbSM2GgvTKHJirzeGfMFoaZ8UR2X7F4v8vHTvxFbL', // Raydium CPMM authority (LaunchLab cpmm migration)
];

/**
 * The vault owners a transaction's events reveal: pump.fun bonding curves (which own their associated
 * token account), AMM pools (PumpSwap pools own their vaults), plus the fixed pool authorities.
 */
export function vaultOwners(events: readonly LaunchpadEvent[]): Set<string> {
  const owners = new Set(FIXED_VAULT_OWNERS);
  for (const e of events) {
    if (e.type === 'trade' || e.type === 'curve_completed') owners.add(e.pool);
    else if (e.type === 'token_created') owners.add(e.bondingCurve);
    else if (e.type === 'pool_created' || e.type === 'amm_pool_created' || e.type === 'liquidity') owners.add(e.pool);
    else if (e.type === 'migrated') owners.add(e.pool).add(e.newPool);
  }
  return owners;
}

/**
 * Holder balances of `mints` after `tx`, from its post token balances: the exact amounts the chain
 * reports, summed per owner (an owner may hold several token accounts of a mint), vault owners left
 * out. Failed transactions change no balance and yield nothing.
 */
export function balanceRowsFromTx(tx: RawTx, mints: ReadonlySet<string>, excludedOwners: ReadonlySet<string>): HolderBalanceRow[] {
  if (tx.err !== null) return [];
  const byOwner = new Map<string, HolderBalanceRow>();
  for (const b of tx.postTokenBalances) {
    if (!mints.has(b.mint) || b.owner === null || excludedOwners.has(b.owner)) continue;
    const k = `${b.mint}\u0000${b.owner}`;
    const row = byOwner.get(k);
    if (row) row.amount += b.amount;
    else byOwner.set(k, { mint: b.mint, owner: b.owner, amount: b.amount, slot: tx.slot });
  }
  return [...byOwner.values()];
}

/**
 * Stores balances inside the caller's transaction, forward-only by slot: a row from an older slot than
 * the stored one is ignored, so replays and late transactions never move a balance backwards. Within one
 * call the last row per (mint, owner) at the highest slot wins (input is in chain order).
 */
export async function applyTokenBalances(tx: Queryable, rows: readonly HolderBalanceRow[]): Promise<number> {
  const latest = new Map<string, HolderBalanceRow>();
  for (const r of rows) {
    const k = `${r.mint}\u0000${r.owner}`;
    const prev = latest.get(k);
    if (!prev || r.slot >= prev.slot) latest.set(k, r);
  }
  if (latest.size === 0) return 0;
  const list = [...latest.values()];
  const res = await tx.query(
    `INSERT INTO holder_balances (mint, owner, amount, slot)
     SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[], $4::bigint[])
     ON CONFLICT (mint, owner) DO UPDATE SET amount = EXCLUDED.amount, slot = EXCLUDED.slot, updated_at = now()
     WHERE holder_balances.slot <= EXCLUDED.slot`,
    [list.map((r) => r.mint), list.map((r) => r.owner), list.map((r) => r.amount.toString()), list.map((r) => String(r.slot))],
  );
  return res.rowCount;
}
