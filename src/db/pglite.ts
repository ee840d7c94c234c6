import { mkdir } from 'node:fs/promises';
import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import { timescaledb } from '@electric-sql/pglite/timescaledb';
import { csvPieces, ident, toParams } from './encode.ts';
import type { Capabilities, CopyRows, QueryResult, Queryable, SqlValue } from './types.ts';

/** int8 comes back as bigint on both drivers (chain numbers never pass through a JS number). */
const parsers = { [types.INT8]: (x: string) => BigInt(x) };

export interface PgliteHandle {
  pg: PGlite;
  capabilities: Capabilities;
}

/**
 * Opens the embedded database: PGlite with TimescaleDB. `LOAD 'timescaledb'` runs right after opening:
 * PGlite has no shared_preload_libraries, and without the explicit load inserts into hypertables fail
 * once the database is reopened from disk. `loadDataDir` fills a new data directory from a `dumpDataDir` archive
 * (restore).
 */
export async function openPglite(dataDir: string | undefined, loadDataDir?: Blob): Promise<PgliteHandle> {
  if (dataDir !== undefined && !dataDir.includes('://')) await mkdir(dataDir, { recursive: true });
  const pg = await PGlite.create({ dataDir, loadDataDir, extensions: { timescaledb }, parsers });
  await pg.exec(`LOAD 'timescaledb'`);
  return { pg, capabilities: { copy: true, maxMessageBytes: null, backgroundWorkers: false } };
}

/** A {@link Queryable} over the PGlite instance or one of its transactions. */
export function pgliteQueryable(target: PGlite | Transaction): Queryable {
  return {
    async query<T>(sql: string, params?: readonly SqlValue[]): Promise<QueryResult<T>> {
      const res = await target.query<T>(sql, toParams(params));
      return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await target.exec(sql);
    },
    async copy(table: string, columns: readonly string[], rows: CopyRows): Promise<number> {
      // PGlite reads COPY input from a virtual /dev/blob file (~120k rows/s into a hypertable here).
      // The CSV in pieces: the Blob takes them as they are, no batch is built as one string.
      const pieces = [...csvPieces(rows, 1000)];
      if (pieces.length === 0) return 0;
      const res = await target.query(
        `COPY ${ident(table)} (${columns.map(ident).join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`,
        [],
        { blob: new Blob(pieces) },
      );
      return res.affectedRows ?? 0;
    },
  };
}
