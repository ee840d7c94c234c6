import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { csvPieces, ident, jsonRowChunks, toParams } from './encode.ts';
import { jsonParamBudget } from './capabilities.ts';
import type { Capabilities, CopyRows, QueryResult, Queryable, SqlValue } from './types.ts';
import { errorMessage } from '../core/errors.ts';
import { log } from '../core/logger.ts';
import { redactUrl } from '../core/redact.ts';

/** int8 comes back as bigint on both drivers (chain numbers never pass through a JS number). */
const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (x: string) => BigInt(x) : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/**
 * COPY streams CSV in pieces of this many rows (~125 KiB of trades): PostgreSQL parses and inserts one
 * piece while the next is encoded, on the other core. Measured with 5,000-trade batches on PostgreSQL 15:
 * one piece per batch 68 ms, 1,000 rows 60 ms, 250 rows 57 ms, 100 rows 56 ms.
 */
const COPY_ROWS_PER_PIECE = 250;

/** PGlite behind pglite-socket crashes on a protocol message split across two 64 KiB socket reads. */
const WASM_PEER_MESSAGE_BYTES = 60 * 1024;
/**
 * Rows per INSERT for such a peer, in JSON bytes. With trade rows of about 56 KB, PGlite (TimescaleDB build)
 * sometimes stopped inside the INSERT into the trades hypertable: its reply ended after BindComplete, with
 * no CommandComplete, error or ReadyForQuery, and the client waited for ever. That happened in about half of
 * the runs of the pipeline test's unpaced batch, after the signature became bytea (its JSON text is 131
 * characters instead of 88). With 16 KiB chunks it still hung once in 9 runs; with 4 KiB, 0 of 5 runs of the
 * whole pipeline test file. Root cause not found. Only peers without COPY take this path.
 */
const WASM_PEER_ROW_CHUNK_BYTES = 4 * 1024;

export interface PgHandle {
  pool: pg.Pool;
  capabilities: Capabilities;
  /** The peer is a WASM (PGlite) backend: one session, so TimescaleDB must be loaded explicitly. */
  wasmPeer: boolean;
}

/**
 * Connects a pool and detects what the peer supports. A PGlite served over the wire reports an
 * Emscripten build in `version()`: it has no COPY FROM STDIN, no background workers, one backend
 * session (so the pool keeps a single connection), and a message-size limit.
 */
export async function openPg(url: string, maxConnections: number): Promise<PgHandle> {
  const probe = new pg.Client({ connectionString: url, types: typeParsers });
  await probe.connect();
  let version: string;
  try {
    version = (await probe.query<{ v: string }>('SELECT version() AS v')).rows[0]!.v;
  } finally {
    await probe.end();
  }
  const wasmPeer = /emscripten|wasm/i.test(version);
  const pool = new pg.Pool({ connectionString: url, max: wasmPeer ? 1 : maxConnections, types: typeParsers });
  // An idle client the server drops (restart, admin shutdown) is emitted here; without a listener it
  // would be an uncaught exception. The pool discards that client, the next query connects afresh, and a
  // query that fails meanwhile reaches its caller (the pipeline retries retryable errors).
  pool.on('error', (err) => log().warn({ err: redactUrl(errorMessage(err)), database: redactUrl(url) }, 'idle database connection lost; the next query reconnects'));
  // A checked-out client (a transaction between statements) has no pool listener: its loss surfaces as
  // the (retryable) failure of its next query; this only keeps the event from being uncaught.
  pool.on('connect', (client) => client.on('error', (err) => log().debug({ err: redactUrl(errorMessage(err)) }, 'checked-out database connection lost')));
  const capabilities: Capabilities = wasmPeer
    ? { copy: false, maxMessageBytes: WASM_PEER_MESSAGE_BYTES, backgroundWorkers: false }
    : { copy: true, maxMessageBytes: null, backgroundWorkers: true };
  return { pool, capabilities, wasmPeer };
}

/** A {@link Queryable} over the pool (each call on any free connection) or over one checked-out client. */
export function pgQueryable(target: pg.Pool | pg.PoolClient, capabilities: Capabilities): Queryable {
  const onClient = async <T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> => {
    if (!(target instanceof pg.Pool)) return fn(target);
    const client = await target.connect();
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  };
  return {
    async query<T>(sql: string, params?: readonly SqlValue[]): Promise<QueryResult<T>> {
      const values = toParams(params);
      assertFitsMessage(capabilities, sql, values);
      const res = await target.query(sql, values);
      return { rows: res.rows as T[], rowCount: res.rowCount ?? res.rows.length };
    },
    async exec(sql: string): Promise<void> {
      // No parameters → simple query protocol, which accepts several statements.
      await target.query(sql);
    },
    async copy(table: string, columns: readonly string[], rows: CopyRows): Promise<number> {
      if (Array.isArray(rows) && rows.length === 0) return 0;
      const cols = columns.map(ident).join(', ');
      if (capabilities.copy) {
        return onClient(async (client) => {
          const stream = client.query(copyFrom(`COPY ${ident(table)} (${cols}) FROM STDIN WITH (FORMAT csv)`));
          await pipeline(Readable.from(csvPieces(rows, COPY_ROWS_PER_PIECE)), stream);
          return stream.rowCount;
        });
      }
      // Next-best bulk path: one multi-row INSERT per chunk, rows typed by the table's own row type.
      const sql = `INSERT INTO ${ident(table)} (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::${ident(table)}, $1::json)`;
      const budget = jsonParamBudget(capabilities, sql);
      return onClient(async (client) => {
        let count = 0;
        for (const chunk of jsonRowChunks(columns, rows, Math.min(budget, WASM_PEER_ROW_CHUNK_BYTES))) count += (await client.query(sql, [chunk])).rowCount ?? 0;
        return count;
      });
    },
  };
}

/**
 * Refuses a statement the peer cannot take in one message (it would crash a PGlite peer) with an error
 * that says so, instead of losing the peer. Callers with batches chunk by {@link jsonParamBudget}.
 */
function assertFitsMessage(capabilities: Capabilities, sql: string, values: readonly unknown[]): void {
  if (capabilities.maxMessageBytes === null) return;
  let bytes = Buffer.byteLength(sql);
  for (const v of values) bytes += typeof v === 'string' ? Buffer.byteLength(v) : JSON.stringify(v ?? null).length;
  if (bytes > capabilities.maxMessageBytes) {
    throw new Error(`statement of ~${bytes} bytes exceeds this peer's ${capabilities.maxMessageBytes}-byte message limit`);
  }
}
