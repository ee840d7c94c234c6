import type { Checkpoint } from '../sources/types.ts';
import type { Queryable } from './types.ts';

/** The stored resume point of `source`, or null on a first run. */
export async function getCheckpoint(q: Queryable, source: string): Promise<Checkpoint | null> {
  const res = await q.query<{ slot: bigint; signature: string | null }>(
    'SELECT slot, signature FROM checkpoints WHERE source = $1',
    [source],
  );
  const row = res.rows[0];
  return row ? { slot: Number(row.slot), signature: row.signature } : null;
}

/** Records where `source` resumes; call it in the transaction that stores the batch it closes. */
export async function setCheckpoint(q: Queryable, source: string, checkpoint: Checkpoint): Promise<void> {
  await q.query(
    `INSERT INTO checkpoints (source, slot, signature) VALUES ($1, $2, $3)
     ON CONFLICT (source) DO UPDATE SET slot = EXCLUDED.slot, signature = EXCLUDED.signature, updated_at = now()`,
    [source, checkpoint.slot, checkpoint.signature],
  );
}
