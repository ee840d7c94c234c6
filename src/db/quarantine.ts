import type { Queryable } from './types.ts';

/** What could not be stored as decoded, kept raw with its reason (see the `quarantine` table). */
export interface QuarantineEntry {
  /** What the input was: 'trade', 'token', 'pool', 'transaction', … */
  kind: string;
  reason: string;
  /** The raw input: an object (serialized as JSON, bigint as decimal text) or text as received. */
  raw: unknown;
  signature?: string | null;
  slot?: number | null;
  source?: string | null;
}

/** JSON with bigint as decimal strings (exact) — how raw events are kept in quarantine. */
export function toJsonText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** Stores one quarantined input, once: the same input quarantined again (a replayed file) adds nothing (migration 0060). */
export async function quarantine(q: Queryable, entry: QuarantineEntry): Promise<void> {
  await q.query(
    'INSERT INTO quarantine (source, kind, signature, slot, reason, raw) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
    [entry.source ?? null, entry.kind, entry.signature ?? null, entry.slot ?? null, entry.reason, toJsonText(entry.raw)],
  );
}
