import type { Queryable } from '../db/types.ts';

/** One relation's row count and content checksum (md5 over its rows' text, order-independent). */
export interface TableChecksum {
  relation: string;
  rows: number;
  md5: string;
}

/**
 * Row count and content checksum of every table of the schema (partitions and chunks through their
 * parent) and of the candle relations (continuous aggregates on TimescaleDB): the proof that a backup
 * round-trip kept everything. Reads every row; meant for verification, not for a hot path.
 */
export async function tableChecksums(db: Queryable): Promise<TableChecksum[]> {
  const rels = await db.query<{ name: string }>(
    `SELECT c.relname::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND NOT c.relispartition
       AND (c.relkind IN ('r', 'p') OR (c.relkind = 'v' AND c.relname LIKE 'price\\_candles\\_%'))
     ORDER BY 1`,
  );
  const out: TableChecksum[] = [];
  for (const { name } of rels.rows) {
    const res = await db.query<{ rows: bigint; md5: string }>(
      `SELECT count(*) AS rows, md5(coalesce(string_agg(h, '' ORDER BY h), '')) AS md5
       FROM (SELECT md5(t::text) AS h FROM "${name.replaceAll('"', '""')}" t) x`,
    );
    out.push({ relation: name, rows: Number(res.rows[0]!.rows), md5: res.rows[0]!.md5 });
  }
  return out;
}
