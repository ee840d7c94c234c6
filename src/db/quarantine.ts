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
  /** The decoder version that judged it (transactions only). */
  decoderVersion?: string | null;
}

/** JSON with bigint as decimal strings (exact) — how raw events are kept in quarantine. */
export function toJsonText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** Stores one quarantined input, once: the same input quarantined again (a replayed file) adds nothing (migration 0060). */
export async function quarantine(q: Queryable, entry: QuarantineEntry): Promise<void> {
  await q.query(
    'INSERT INTO quarantine (source, kind, signature, slot, reason, raw, decoder_version) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING',
    [entry.source ?? null, entry.kind, entry.signature ?? null, entry.slot ?? null, entry.reason, toJsonText(entry.raw), entry.decoderVersion ?? null],
  );
}

/** A stored quarantine row. */
export interface QuarantineRow {
  id: string;
  source: string | null;
  kind: string;
  signature: string | null;
  slot: number | null;
  reason: string;
  raw: string;
  decoderVersion: string | null;
  createdAt: string;
}

/** Which rows: quarantined since (inclusive), reason containing the text (case-insensitive). */
export interface QuarantineFilter {
  since?: Date | null;
  reason?: string | null;
  limit?: number;
}

/** Quarantined rows, oldest first, filtered. */
export async function listQuarantine(q: Queryable, f: QuarantineFilter = {}): Promise<QuarantineRow[]> {
  const { rows } = await q.query<{ id: string; source: string | null; kind: string; signature: string | null; slot: string | null; reason: string; raw: string; decoder_version: string | null; created_at: Date }>(
    `SELECT id::text, source, kind, signature, slot, reason, raw, decoder_version, created_at FROM quarantine
     WHERE ($1::timestamptz IS NULL OR created_at >= $1) AND ($2::text IS NULL OR reason ILIKE '%' || $2 || '%')
     ORDER BY id LIMIT $3`,
    [f.since?.toISOString() ?? null, f.reason ?? null, f.limit ?? 1_000_000],
  );
  return rows.map((r) => ({
    id: r.id, source: r.source, kind: r.kind, signature: r.signature, slot: r.slot === null ? null : Number(r.slot),
    reason: r.reason, raw: r.raw, decoderVersion: r.decoder_version, createdAt: new Date(r.created_at).toISOString(),
  }));
}

/** Removes a quarantined row whose content is now stored as decoded. */
export async function releaseQuarantined(q: Queryable, id: string): Promise<void> {
  await q.query('DELETE FROM quarantine WHERE id = $1', [id]);
}
