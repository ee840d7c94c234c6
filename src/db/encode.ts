import type { CopyCell, CopyRows, SqlValue } from './types.ts';

/**
 * Encoding shared by both drivers: COPY rows as CSV, JSON chunks for peers without COPY, and query
 * parameters with bigint kept as exact decimal text.
 */

const NEEDS_QUOTES = /[",\n\r\\]/;

/** One CSV field: null stays unquoted-empty (SQL NULL); an empty string is quoted so it stays ''. */
export function csvField(cell: CopyCell): string {
  if (cell === null) return '';
  if (cell === '' || NEEDS_QUOTES.test(cell)) return `"${cell.replaceAll('"', '""')}"`;
  return cell;
}

/** One row as a CSV line for `COPY … WITH (FORMAT csv)`. */
export function csvLine(row: readonly CopyCell[]): string {
  let line = csvField(row[0] ?? null);
  for (let i = 1; i < row.length; i++) line += ',' + csvField(row[i]!);
  return line + '\n';
}

/**
 * Rows as CSV in pieces of `rowsPerPiece` rows, encoded as they are asked for: streamed into COPY, the
 * server parses one piece while the next is encoded (and a lazy `rows` is computed), and no batch is ever
 * one large string.
 */
export function* csvPieces(rows: CopyRows, rowsPerPiece: number): Generator<string> {
  let piece = '';
  let n = 0;
  for (const line of 'csvLines' in rows ? rows.csvLines() : csvLines(rows)) {
    piece += line;
    if (++n === rowsPerPiece) {
      yield piece;
      piece = '';
      n = 0;
    }
  }
  if (n > 0) yield piece;
}

function* csvLines(rows: Iterable<readonly CopyCell[]>): Generator<string> {
  for (const row of rows) yield csvLine(row);
}

/**
 * JSON arrays of `items` whose text stays under `maxBytes` each (an item larger than that still forms
 * its own chunk) — for statements that take a batch as one JSON parameter on peers with a message limit.
 */
export function* jsonArrayChunks(items: Iterable<unknown>, maxBytes: number): Generator<string> {
  // Usually the whole batch fits: one JSON.stringify instead of one per item.
  if (Array.isArray(items)) {
    const whole = JSON.stringify(items);
    if (Buffer.byteLength(whole) <= maxBytes) {
      if (items.length > 0) yield whole;
      return;
    }
  }
  let parts: string[] = [];
  let bytes = 2;
  for (const item of items) {
    const json = JSON.stringify(item);
    const size = Buffer.byteLength(json) + 1;
    if (parts.length > 0 && bytes + size > maxBytes) {
      yield `[${parts.join(',')}]`;
      parts = [];
      bytes = 2;
    }
    parts.push(json);
    bytes += size;
  }
  if (parts.length > 0) yield `[${parts.join(',')}]`;
}

/** Rows as JSON objects keyed by column, in chunks of at most `maxBytes` (see {@link jsonArrayChunks}). */
export function jsonRowChunks(columns: readonly string[], rows: CopyRows, maxBytes: number): Generator<string> {
  return jsonArrayChunks(
    (function* () {
      for (const row of rows) {
        const obj: Record<string, CopyCell> = {};
        columns.forEach((c, i) => (obj[c] = row[i] ?? null));
        yield obj;
      }
    })(),
    maxBytes,
  );
}

/** Query parameters for either driver: bigint → decimal text (exact), arrays recursively. */
export function toParams(params: readonly SqlValue[] | undefined): unknown[] {
  return (params ?? []).map(toParam);
}

function toParam(v: SqlValue): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map((x: SqlValue) => toParam(x));
  return v;
}

/** Double-quoted SQL identifier (for table/column names built from code, never from input). */
export function ident(name: string): string {
  return name
    .split('.')
    .map((p) => `"${p.replaceAll('"', '""')}"`)
    .join('.');
}
