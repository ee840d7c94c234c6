/**
 * What the trades row could compress to with other column types — the evidence behind the ratio ceiling in
 * docs/operations.md. Each variant is a copy of the stored `transactions` rows in a hypertable with the same
 * key, indexes, chunking and compression settings, only some column types changed, compressed and measured
 * with TimescaleDB's own statistics. Random values keep their entropy: a base58 signature becomes the
 * 64 bytes of sha512(text), an address the 32 bytes of sha256(text) (equal inputs stay equal, so a trader
 * repeating still deduplicates).
 */
import type { Db } from '../src/db/types.ts';

const ADDRESSES = ['mint', 'pool', 'quote_mint', 'user_address'];
const U64 = [
  'sol_amount', 'token_amount', 'fee', 'protocol_fee', 'creator_fee', 'platform_fee',
  'virtual_sol_reserves', 'virtual_token_reserves', 'real_sol_reserves', 'real_token_reserves',
];
const PRICES = ['price_per_token', 'progress_pct'];

/** A column's type and the expression that fills it from `transactions`. */
type Override = { type: string; from: (column: string) => string };
const BYTEA_64: Override = { type: 'bytea', from: (c) => `sha512(${c}::bytea)` };
const BYTEA_32: Override = { type: 'bytea', from: (c) => `sha256(${c}::bytea)` };
const BIGINT: Override = { type: 'bigint', from: (c) => `${c}::bigint` };
const FLOAT8: Override = { type: 'double precision', from: (c) => `${c}::float8` };

interface Variant {
  name: string;
  /** What it changes, and which rule of the schema (issue #2) it breaks, if any. */
  note: string;
  overrides: Record<string, Override>;
  /** Keep only these columns (plus the key and time). */
  only?: string[];
}

const keysAsBytes = { signature: BYTEA_64, ...Object.fromEntries(ADDRESSES.map((c) => [c, BYTEA_32])) };
const withBigints = { ...keysAsBytes, ...Object.fromEntries(U64.map((c) => [c, BIGINT])) };
const withFloats = { ...withBigints, ...Object.fromEntries(PRICES.map((c) => [c, FLOAT8])) };

export const VARIANTS: Variant[] = [
  { name: 'keys as bytea', note: 'signature 64 B, addresses 32 B instead of base58 text', overrides: keysAsBytes },
  { name: '+ u64 as bigint', note: 'breaks NUMERIC(20,0): values ≥ 2^63 no longer fit', overrides: withBigints },
  { name: '+ prices as float8', note: '15-17 significant digits instead of every digit', overrides: withFloats },
  { name: 'key only, text', note: 'the trade key alone: the floor of any row with a base58 signature', overrides: {}, only: [] },
  { name: 'key only, bytea', note: 'the trade key alone: the floor of any row with a 64-byte signature', overrides: keysAsBytes, only: [] },
];

export interface WhatIfRow {
  variant: string;
  /** Whether the row keeps the signature as bytea (its floor is the bytea key's). */
  signatureBytes: boolean;
  note: string;
  beforeBytesPerRow: number;
  afterBytesPerRow: number;
  ratio: number;
}

/** Builds, fills, compresses and measures every variant next to `transactions` (dropped afterwards). */
export async function measureVariants(db: Db): Promise<WhatIfRow[]> {
  const columns = (await db.query<{ name: string; type: string; notnull: boolean }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type, attnotnull AS notnull
     FROM pg_attribute WHERE attrelid = 'transactions'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
  )).rows;
  const settings = (await db.query<{ segmentby: string | null; orderby: string | null }>(
    `SELECT segmentby, orderby FROM timescaledb_information.hypertable_compression_settings WHERE hypertable = 'transactions'::regclass`,
  )).rows[0]!;
  const key = ['signature', 'ix_index', 'inner_ix_index', 'block_time'];
  const out: WhatIfRow[] = [];
  for (const [i, v] of VARIANTS.entries()) {
    const table = `what_if_${i}`;
    const kept = columns.filter((c) => v.only === undefined || key.includes(c.name) || v.only.includes(c.name));
    const ddl = kept.map((c) => `${c.name} ${v.overrides[c.name]?.type ?? c.type}${c.notnull ? ' NOT NULL' : ''}`);
    const select = kept.map((c) => v.overrides[c.name]?.from(c.name) ?? c.name);
    const orderBy = v.only === undefined ? settings.orderby : 'block_time, ix_index, inner_ix_index';
    await db.exec(
      `CREATE TABLE ${table} (${ddl.join(', ')}, PRIMARY KEY (${key.join(', ')}));
       SELECT create_hypertable('${table}', by_range('block_time', INTERVAL '1 day'));
       ${kept.some((c) => c.name === 'token_id') ? `CREATE INDEX ON ${table} (token_id, block_time DESC);` : ''}
       ALTER TABLE ${table} SET (timescaledb.compress, timescaledb.compress_segmentby = '${v.only === undefined ? settings.segmentby ?? '' : ''}',
                                 timescaledb.compress_orderby = '${orderBy}');
       INSERT INTO ${table} SELECT ${select.join(', ')} FROM transactions;
       SELECT compress_chunk(c) FROM show_chunks('${table}') c;`,
    );
    const s = (await db.query<{ rows: bigint; before: bigint; after: bigint }>(
      `SELECT (SELECT count(*) FROM ${table}) AS rows, before_compression_total_bytes AS before,
              after_compression_total_bytes AS after FROM hypertable_compression_stats('${table}')`,
    )).rows[0]!;
    const rows = Number(s.rows);
    out.push({
      variant: v.name, signatureBytes: 'signature' in v.overrides, note: v.note, beforeBytesPerRow: Number(s.before) / rows, afterBytesPerRow: Number(s.after) / rows,
      ratio: Number(s.before) / Number(s.after),
    });
    await db.exec(`DROP TABLE ${table}`);
  }
  return out;
}
