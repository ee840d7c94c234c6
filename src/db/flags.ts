import type { DecodeProblem, InvocationCoverage } from '../core/events.ts';
import { jsonArrayChunks } from './encode.ts';
import type { Queryable } from './types.ts';

/** A transaction stored although the balance self-check disagreed with its program's events (table decode_flags). */
export interface FlagEntry {
  signature: string;
  slot: number;
  source: string | null;
  problems: readonly DecodeProblem[];
  decoderVersion: string;
  raw: string;
}

/**
 * Records flagged transactions (one row each). The same transaction judged again — a replay, the second
 * monitor of a pair, a re-check by newer decoders — replaces its row: the newest judgement stands.
 */
export async function recordFlags(q: Queryable, entries: readonly FlagEntry[], maxJsonBytes = 64 << 20): Promise<void> {
  // One row per signature per statement (ON CONFLICT touches a row once): the last judgement in the batch wins.
  const bySignature = new Map<string, FlagEntry>();
  for (const e of entries) bySignature.set(e.signature, e);
  const rows = [...bySignature.values()].map((e) => ({
    signature: e.signature, slot: e.slot, source: e.source, kind: e.problems[0]!.kind,
    problems: e.problems, decoder_version: e.decoderVersion, raw: e.raw,
  }));
  for (const chunk of jsonArrayChunks(rows, maxJsonBytes)) await q.query(RECORD_FLAGS_SQL, [chunk]);
}

export const RECORD_FLAGS_SQL = `INSERT INTO decode_flags (signature, slot, source, kind, problems, decoder_version, raw)
  SELECT signature, slot, source, kind, problems, decoder_version, raw
  FROM json_to_recordset($1::json) AS x(signature text, slot bigint, source text, kind text, problems jsonb, decoder_version text, raw text)
  ON CONFLICT (signature) DO UPDATE SET
    kind = EXCLUDED.kind, problems = EXCLUDED.problems, decoder_version = EXCLUDED.decoder_version, raw = EXCLUDED.raw,
    rechecked_at = CASE WHEN decode_flags.decoder_version = EXCLUDED.decoder_version THEN decode_flags.rechecked_at ELSE now() END`;

/** A transaction that is no longer flagged (a fixed decoder agrees with its balances). */
export async function clearFlag(q: Queryable, signature: string): Promise<void> {
  await q.query('DELETE FROM decode_flags WHERE signature = $1', [signature]);
}

export interface FlagRow {
  signature: string;
  slot: number;
  source: string | null;
  kind: string;
  problems: DecodeProblem[];
  decoderVersion: string;
  raw: string;
  flaggedAt: string;
}

/** Flagged transactions, oldest first: since (inclusive), kind or message containing `reason`. */
export async function listFlags(q: Queryable, f: { since?: Date | null; reason?: string | null; limit?: number } = {}): Promise<FlagRow[]> {
  const { rows } = await q.query<{ signature: string; slot: string; source: string | null; kind: string; problems: DecodeProblem[] | string; decoder_version: string; raw: string; flagged_at: Date }>(
    `SELECT signature, slot, source, kind, problems, decoder_version, raw, flagged_at FROM decode_flags
     WHERE ($1::timestamptz IS NULL OR flagged_at >= $1) AND ($2::text IS NULL OR problems::text ILIKE '%' || $2 || '%')
     ORDER BY flagged_at, signature LIMIT $3`,
    [f.since?.toISOString() ?? null, f.reason ?? null, f.limit ?? 1_000_000],
  );
  return rows.map((r) => ({
    signature: r.signature, slot: Number(r.slot), source: r.source, kind: r.kind,
    problems: typeof r.problems === 'string' ? (JSON.parse(r.problems) as DecodeProblem[]) : r.problems,
    decoderVersion: r.decoder_version, raw: r.raw, flaggedAt: new Date(r.flagged_at).toISOString(),
  }));
}

/** Adds a batch's invocation outcomes to decode_coverage, one row per (program, instruction). */
export async function recordCoverage(q: Queryable, samples: readonly InvocationCoverage[]): Promise<void> {
  if (samples.length === 0) return;
  const tally = new Map<string, { program_id: string; instruction: string; decoded: number; empty: number }>();
  for (const c of samples) {
    const key = `${c.programId}\t${c.instruction}`;
    let row = tally.get(key);
    if (row === undefined) tally.set(key, (row = { program_id: c.programId, instruction: c.instruction, decoded: 0, empty: 0 }));
    if (c.decoded) row.decoded++;
    else row.empty++;
  }
  await q.query(
    `INSERT INTO decode_coverage AS c (program_id, instruction, decoded, empty)
     SELECT program_id, instruction, decoded, empty
     FROM json_to_recordset($1::json) AS x(program_id text, instruction text, decoded bigint, empty bigint)
     ON CONFLICT (program_id, instruction) DO UPDATE SET
       decoded = c.decoded + EXCLUDED.decoded, empty = c.empty + EXCLUDED.empty, last_seen = now()`,
    [JSON.stringify([...tally.values()])],
  );
}

export interface CoverageRow {
  programId: string;
  instruction: string;
  decoded: number;
  empty: number;
  lastSeen: string;
}

/** Coverage per (program, instruction), busiest first. */
export async function readCoverage(q: Queryable): Promise<CoverageRow[]> {
  const { rows } = await q.query<{ program_id: string; instruction: string; decoded: string; empty: string; last_seen: Date }>(
    'SELECT program_id, instruction, decoded, empty, last_seen FROM decode_coverage ORDER BY program_id, decoded + empty DESC, instruction',
  );
  return rows.map((r) => ({ programId: r.program_id, instruction: r.instruction, decoded: Number(r.decoded), empty: Number(r.empty), lastSeen: new Date(r.last_seen).toISOString() }));
}

/** How many transactions are flagged. */
export async function countFlags(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ n: string }>('SELECT count(*)::text AS n FROM decode_flags');
  return Number(rows[0]?.n ?? 0);
}
