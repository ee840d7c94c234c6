/** Shared assertions of the pipeline tests: stored trade keys vs. ground truth. */
import assert from 'node:assert/strict';
import { base58Text } from '../../../src/db/bytea.ts';
import type { Queryable } from '../../../src/db/types.ts';

/** Every stored trade key as `signature:ix:inner`, with duplicates kept (a set would hide them). */
export async function storedTradeKeys(db: Queryable): Promise<string[]> {
  const res = await db.query<{ signature: Uint8Array; ix_index: number; inner_ix_index: number }>(`SELECT signature, ix_index, inner_ix_index FROM transactions`);
  return res.rows.map((r) => `${base58Text(r.signature)}:${r.ix_index}:${r.inner_ix_index}`);
}

/** Equal sets and no duplicates, with a readable diff on failure. */
export function assertExactlyOnce(stored: readonly string[], truth: ReadonlySet<string>): void {
  const set = new Set(stored);
  assert.equal(stored.length, set.size, `duplicates stored: ${stored.length - set.size}`);
  const missing = [...truth].filter((k) => !set.has(k));
  const extra = [...set].filter((k) => !truth.has(k));
  assert.deepEqual({ missing: missing.slice(0, 5), missingCount: missing.length, extra: extra.slice(0, 5), extraCount: extra.length }, { missing: [], missingCount: 0, extra: [], extraCount: 0 });
  assert.ok(truth.size > 0, 'ground truth is empty: the test would prove nothing');
}
