/**
 * The data layer's contract. Callers see one small interface whichever driver is underneath:
 * embedded PGlite (with TimescaleDB) or a `pg` Pool against a server (TimescaleDB or plain Postgres).
 */

/** Which migration set and maintenance jobs apply: TimescaleDB hypertables or native day partitions. */
export type Flavour = 'timescale' | 'plain';

/** How we talk to the database: in-process WASM Postgres, or the wire protocol through `pg`. */
export type DriverName = 'pglite' | 'pg';

/** A value bound to a query or a COPY cell. bigint is passed as its decimal text, never through a JS number. */
export type SqlValue = string | number | bigint | boolean | Date | null | readonly SqlValue[] | Record<string, unknown>;

/** A COPY cell: text in Postgres' input syntax for the column's type, or null. */
export type CopyCell = string | null;

/**
 * COPY input: rows of cells. Any iterable, read once per call — a lazy one lets the server driver encode
 * later rows while the server is already parsing the first ones. Rows that can write themselves as CSV
 * ({@link CsvEncodedRows}) skip the generic cell-by-cell encoding on the COPY paths.
 */
export type CopyRows = Iterable<readonly CopyCell[]> | CsvEncodedRows;

/** Rows that also come as CSV lines: a writer that knows which of its columns can never need quoting. */
export interface CsvEncodedRows extends Iterable<readonly CopyCell[]> {
  /** The same rows as CSV lines, each ending in a newline, exactly as the generic encoding would write them. */
  csvLines(): Iterable<string>;
}

export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

/** What the peer can do, detected once at connect (never configured per test). */
export interface Capabilities {
  /** `COPY … FROM STDIN` (server) or `COPY … FROM '/dev/blob'` (PGlite) is available. */
  copy: boolean;
  /**
   * Largest protocol message the peer accepts in one piece (bytes), or null for no limit. PGlite served
   * over `@electric-sql/pglite-socket` feeds each TCP read straight to the WASM backend without framing,
   * so a message split across two reads (≥ 64 KiB) crashes it.
   */
  maxMessageBytes: number | null;
  /** TimescaleDB's background workers run policies; false for PGlite, where our scheduler runs them. */
  backgroundWorkers: boolean;
}

/** Something queries run on: the database itself or an open transaction. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<QueryResult<T>>;
  /** Runs a script of one or more statements without parameters (migrations, DDL). */
  exec(sql: string): Promise<void>;
  /**
   * Bulk-loads rows into `table(columns)` with the fastest path the peer offers (COPY where it can,
   * else chunked multi-row INSERT … SELECT FROM json). Returns the number of rows written.
   */
  copy(table: string, columns: readonly string[], rows: CopyRows): Promise<number>;
}

/** A transaction handle: everything run through it commits or rolls back together. */
export type Tx = Queryable;

export interface Db extends Queryable {
  readonly flavour: Flavour;
  readonly driver: DriverName;
  readonly capabilities: Capabilities;
  /** Runs `fn` in one transaction (BEGIN … COMMIT, ROLLBACK on throw). Calls on the same Db are serialized per connection. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  /** postgres:// URL → `pg` driver; unset → embedded PGlite. */
  databaseUrl?: string | undefined;
  /** Embedded data directory; `memory://` (or undefined with `inMemory`) keeps it in memory. */
  dataDir?: string | undefined;
  /** Embedded only: in-memory database (tests). */
  inMemory?: boolean;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
  /** `pg` only: pool size (default 4). */
  maxConnections?: number;
  /** Forces a flavour instead of detecting it (e.g. `plain` on a PGlite for comparison); default: detect. */
  flavour?: Flavour;
}
