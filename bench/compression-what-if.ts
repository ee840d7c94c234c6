/**
 * What a trade could cost in other layouts — the evidence for the lean trade row (issue #14) and the ceiling
 * in docs/operations.md. Each layout copies the stored `transactions` rows into hypertables of its own (same
 * day chunks), with the side tables it needs (an address dictionary, a table of transaction signatures),
 * compresses every chunk and reads TimescaleDB's own statistics; side tables that stay uncompressed count
 * by their total size. "All told" is every relation of the layout, indexes included, divided by the trades.
 * Random values keep their entropy: a base58 signature becomes the 64 bytes of sha512(text), an address the
 * 32 bytes of sha256(text) (equal inputs stay equal, so a repeating trader still deduplicates).
 */
import type { Db } from '../src/db/types.ts';

/** A layout: the SQL that builds and fills its relations from `transactions`, and those relations. */
interface Layout {
  name: string;
  note: string;
  /** The trades hypertable (its ratio is "the trades compression"). */
  trades: string;
  build: string;
  /** Side hypertables, compressed like the trades. */
  hypertables: string[];
  /** Side tables that stay row-stored. */
  tables: string[];
  /** The key-only layout whose compressed size is this layout's floor; null for the floors themselves. */
  floor: string | null;
}

const DAY_CHUNKS = (t: string) => `SELECT create_hypertable('${t}', by_range('block_time', INTERVAL '1 day'));`;
const COMPRESS = (t: string, segmentBy: string, orderBy: string) =>
  `ALTER TABLE ${t} SET (timescaledb.compress, timescaledb.compress_segmentby = '${segmentBy}', timescaledb.compress_orderby = '${orderBy}');`;
const ORDER = ['token_id', 'block_time', 'slot', 'ix_index', 'inner_ix_index'];
/** A segment-by column cannot also order the rows within a segment. */
const orderWithout = (segmentBy: string) => ORDER.filter((c) => c !== segmentBy).join(', ');

/**
 * Addresses once each, numbered in order of first appearance (as a writer assigning ids would), and the
 * signatures of the transactions once each with a surrogate id in chain order. Shared by the layouts.
 */
const SIDE_TABLES = `
  CREATE TABLE wi_accounts (id BIGINT PRIMARY KEY, address BYTEA NOT NULL UNIQUE);
  INSERT INTO wi_accounts
    SELECT row_number() OVER (ORDER BY first_seen, address), address
    FROM (SELECT sha256(user_address::bytea) AS address, min(block_time) AS first_seen FROM transactions GROUP BY 1) a;
  CREATE TABLE wi_txs (tx_id BIGINT NOT NULL, block_time TIMESTAMPTZ NOT NULL, signature BYTEA NOT NULL,
                       PRIMARY KEY (tx_id, block_time), UNIQUE (signature, block_time));
  ${DAY_CHUNKS('wi_txs')}
  ${COMPRESS('wi_txs', '', 'block_time, tx_id')}
  INSERT INTO wi_txs
    SELECT row_number() OVER (ORDER BY block_time, slot, signature), block_time, sha512(signature::bytea)
    FROM (SELECT DISTINCT signature, block_time, slot FROM transactions) s;
  CREATE TABLE wi_trade_source AS
    SELECT t.*, a.id AS user_id, x.tx_id, COALESCE(p.id, t.token_id) AS pool_id
    FROM transactions t
    JOIN wi_accounts a ON a.address = sha256(t.user_address::bytea)
    JOIN wi_txs x ON x.signature = sha512(t.signature::bytea) AND x.block_time = t.block_time
    LEFT JOIN pools p ON p.pool_address = t.pool;`;

/** The lean row's columns after its key: what no other table can give back exactly. */
function leanColumns(price: boolean): string[] {
  return [
    'slot BIGINT NOT NULL', 'token_id UUID NOT NULL', 'pool_id UUID NOT NULL', 'user_id BIGINT NOT NULL',
    'is_buy BOOLEAN NOT NULL', 'ix_name TEXT NOT NULL', 'completes_curve BOOLEAN NOT NULL',
    ...['sol_amount', 'token_amount', 'fee', 'protocol_fee', 'creator_fee', 'platform_fee', 'virtual_sol_reserves', 'virtual_token_reserves']
      .map((c) => `${c} BIGINT NOT NULL`),
    'real_sol_reserves BIGINT', 'real_token_reserves BIGINT',
    ...(price ? ['price_per_token DOUBLE PRECISION NOT NULL'] : []),
  ];
}
const columnName = (ddl: string) => ddl.split(' ')[0]!;
/** The expression that fills a column from `wi_trade_source`. */
const FILL: Record<string, string> = { is_buy: "type = 'buy'", signature: 'sha512(signature::bytea)' };
const fillFrom = (ddl: string) => FILL[columnName(ddl)] ?? columnName(ddl);

interface LayoutOptions { name: string; note: string; table: string; perTx: boolean; price: boolean; segmentBy: string; keyOnly?: boolean }

function leanLayout(opts: LayoutOptions): Layout {
  const key = opts.perTx
    ? ['tx_id BIGINT NOT NULL', 'ix_index SMALLINT NOT NULL', 'inner_ix_index SMALLINT NOT NULL', 'block_time TIMESTAMPTZ NOT NULL']
    : ['signature BYTEA NOT NULL', 'ix_index SMALLINT NOT NULL', 'inner_ix_index SMALLINT NOT NULL', 'block_time TIMESTAMPTZ NOT NULL'];
  const columns = [...key, ...(opts.keyOnly ? [] : leanColumns(opts.price))];
  const t = opts.table;
  return {
    name: opts.name, note: opts.note, trades: t, floor: opts.keyOnly ? null : opts.perTx ? KEY_PER_TX : KEY_IN_ROW,
    hypertables: opts.perTx ? ['wi_txs'] : [],
    tables: opts.keyOnly ? [] : ['wi_accounts'],
    build: `
      CREATE TABLE ${t} (${columns.join(', ')}, PRIMARY KEY (${key.map(columnName).join(', ')}));
      ${DAY_CHUNKS(t)}
      ${opts.keyOnly ? '' : `CREATE INDEX ON ${t} (token_id, block_time DESC);`}
      ${COMPRESS(t, opts.segmentBy, opts.keyOnly ? 'block_time, ix_index, inner_ix_index' : orderWithout(opts.segmentBy))}
      INSERT INTO ${t} SELECT ${columns.map(fillFrom).join(', ')} FROM wi_trade_source;`,
  };
}

export const KEY_IN_ROW = 'key only, bytea';
const KEY_PER_TX = 'key only, per tx';

/** The layouts measured, in report order (a declarative list: one entry per row of the report). */
const LAYOUTS: Layout[] = ([
  {
    name: 'lean, signature in row', table: 'wi_lean', perTx: false, price: true, segmentBy: '',
    note: 'bytea signature; token, pool and user as ids (mint, pool, quote mint, decimals, platform from their tables); u64 as bigint; price float8; progress derived',
  },
  {
    name: 'same, segment by token', table: 'wi_lean_seg', perTx: false, price: true, segmentBy: 'token_id',
    note: 'the lean row segmented by token_id instead of one ordered stream',
  },
  {
    name: 'lean, signature per tx', table: 'wi_lean_tx', perTx: true, price: true, segmentBy: '',
    note: 'the lean row keyed by a transaction id; signatures once per transaction in their own hypertable',
  },
  {
    name: 'same, price derived', table: 'wi_lean_tx_np', perTx: true, price: false, segmentBy: '',
    note: 'and no stored price: derived at read time from the reserves (curve) or the amounts (AMM)',
  },
  {
    name: KEY_IN_ROW, table: 'wi_key', perTx: false, price: false, segmentBy: '', keyOnly: true,
    note: 'the trade key alone: the floor of any row holding a 64-byte signature',
  },
  {
    name: KEY_PER_TX, table: 'wi_key_tx', perTx: true, price: false, segmentBy: '', keyOnly: true,
    note: 'a transaction id key and the signatures table: the floor of the per-transaction layouts',
  },
] satisfies LayoutOptions[]).map(leanLayout);

export interface WhatIfRow {
  layout: string;
  note: string;
  floor: string | null;
  /** The trades hypertable alone, indexes included. */
  tradesBefore: number;
  tradesAfter: number;
  /** Every side relation (signatures, addresses), per trade. */
  sideBefore: number;
  sideAfter: number;
}

/** Builds, fills, compresses and measures every layout next to `transactions` (dropped afterwards). */
export async function measureLayouts(db: Db): Promise<WhatIfRow[]> {
  const rows = Number((await db.query<{ n: bigint }>('SELECT count(*) AS n FROM transactions')).rows[0]!.n);
  const hypertableBytes = async (t: string) => {
    await db.exec(`SELECT compress_chunk(c, if_not_compressed => true) FROM show_chunks('${t}') c`);
    const s = (await db.query<{ before: bigint; after: bigint }>(
      `SELECT before_compression_total_bytes AS before, after_compression_total_bytes AS after FROM hypertable_compression_stats('${t}')`,
    )).rows[0]!;
    return { before: Number(s.before), after: Number(s.after) };
  };
  const tableBytes = async (t: string) => Number((await db.query<{ n: bigint }>(`SELECT pg_total_relation_size('${t}') AS n`)).rows[0]!.n);

  await db.exec(SIDE_TABLES);
  try {
    const side = new Map<string, { before: number; after: number }>();
    side.set('wi_txs', await hypertableBytes('wi_txs'));
    const accounts = await tableBytes('wi_accounts');
    side.set('wi_accounts', { before: accounts, after: accounts });
    const out: WhatIfRow[] = [];
    for (const l of LAYOUTS) {
      await db.exec(l.build);
      const trades = await hypertableBytes(l.trades);
      const extra = [...l.hypertables, ...l.tables].map((t) => side.get(t)!);
      out.push({
        layout: l.name, note: l.note, floor: l.floor,
        tradesBefore: trades.before / rows, tradesAfter: trades.after / rows,
        sideBefore: extra.reduce((s, x) => s + x.before, 0) / rows, sideAfter: extra.reduce((s, x) => s + x.after, 0) / rows,
      });
      await db.exec(`DROP TABLE ${l.trades}`);
    }
    return out;
  } finally {
    // One statement per table: TimescaleDB refuses to drop a hypertable together with other relations.
    for (const t of ['wi_trade_source', 'wi_txs', 'wi_accounts']) await db.exec(`DROP TABLE IF EXISTS ${t}`);
  }
}
