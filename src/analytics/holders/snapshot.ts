import type { Queryable } from '../../db/types.ts';
import { holderMetrics, type HolderBalance, type HolderMetrics } from './metrics.ts';

/** Positive balances of `mint`, in base units. */
export async function loadBalances(db: Queryable, mint: string): Promise<HolderBalance[]> {
  const res = await db.query<{ owner: string; amount: string }>(
    'SELECT owner, amount::text AS amount FROM holder_balances WHERE mint = $1 AND amount > 0',
    [mint],
  );
  return res.rows.map((r) => ({ owner: r.owner, amount: BigInt(r.amount) }));
}

export interface SnapshotTarget {
  tokenId: string;
  mint: string;
  decimals: number;
}

/**
 * Tokens due a snapshot: `mint` alone when given, else every token whose balances changed since its
 * latest snapshot. Tokens whose decimals are still unknown are skipped (buckets need them).
 */
export async function snapshotTargets(db: Queryable, mint?: string): Promise<SnapshotTarget[]> {
  const res = await db.query<{ id: string; mint_address: string; decimals: number }>(
    `SELECT t.id, t.mint_address, t.decimals FROM tokens t
     WHERE t.decimals IS NOT NULL AND ${mint ? 't.mint_address = $1' : `EXISTS (
       SELECT 1 FROM holder_balances b WHERE b.mint = t.mint_address AND b.updated_at >
         coalesce((SELECT max(s.snapshot_time) FROM holder_snapshots s WHERE s.token_id = t.id), '-infinity'))`}
     ORDER BY t.mint_address`,
    mint ? [mint] : [],
  );
  return res.rows.map((r) => ({ tokenId: r.id, mint: r.mint_address, decimals: Number(r.decimals) }));
}

/** Computes and stores one `holder_snapshots` row for `target` at the database's `now()`. */
export async function snapshotHolders(db: Queryable, target: SnapshotTarget): Promise<HolderMetrics> {
  const m = holderMetrics(await loadBalances(db, target.mint), target.decimals);
  await db.query(
    `INSERT INTO holder_snapshots (token_id, snapshot_time, total_holders, held_supply, top_10_concentration,
       top_25_concentration, gini_coefficient, holders_1_100, holders_100_1k, holders_1k_10k, holders_10k_plus, raw_distribution)
     VALUES ($1, now(), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)`,
    [
      target.tokenId, m.totalHolders, m.heldSupply.toString(), m.top10Pct, m.top25Pct, m.gini,
      m.buckets.upTo100, m.buckets.upTo1k, m.buckets.upTo10k, m.buckets.tenKPlus, JSON.stringify(m.distribution),
    ],
  );
  return m;
}

/** Snapshots every due token (or just `mint`); returns how many were taken. */
export async function takeHolderSnapshots(db: Queryable, mint?: string): Promise<number> {
  const targets = await snapshotTargets(db, mint);
  for (const t of targets) await snapshotHolders(db, t);
  return targets.length;
}
