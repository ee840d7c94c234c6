import type { Db } from '../db/types.ts';

/** One hypertable's compression, from TimescaleDB's own statistics (hypertable_compression_stats). */
export interface HypertableCompression {
  /** The hypertable, or the continuous aggregate whose materialization hypertable this is. */
  relation: string;
  chunks: number;
  compressedChunks: number;
  /** Bytes of the compressed chunks before / after compression (table + indexes + TOAST); null until one is compressed. */
  beforeBytes: number | null;
  afterBytes: number | null;
  /** before / after, or null. */
  ratio: number | null;
  segmentBy: string | null;
  orderBy: string | null;
}

export interface CompressionReport {
  flavour: Db['flavour'];
  hypertables: HypertableCompression[];
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * Compression per hypertable (trades and every candle level) as TimescaleDB reports it. On plain Postgres
 * there is none: the report has no rows and says so through its flavour.
 */
export async function compressionReport(db: Db): Promise<CompressionReport> {
  if (db.flavour !== 'timescale') return { flavour: db.flavour, hypertables: [] };
  const targets = await db.query<{ relation: string; hypertable: string }>(
    `SELECT hypertable_name::text AS relation, format('%I.%I', hypertable_schema, hypertable_name) AS hypertable
     FROM timescaledb_information.hypertables
     UNION ALL
     SELECT view_name::text, format('%I.%I', materialization_hypertable_schema, materialization_hypertable_name)
     FROM timescaledb_information.continuous_aggregates
     ORDER BY 1`,
  );
  const out: HypertableCompression[] = [];
  for (const t of targets.rows) {
    const stats = (await db.query<Record<string, unknown>>(
      `SELECT (SELECT count(*) FROM show_chunks($1::regclass)) AS chunks,
              s.number_compressed_chunks AS compressed, s.before_compression_total_bytes AS before,
              s.after_compression_total_bytes AS after
       FROM hypertable_compression_stats($1::regclass) s`,
      [t.hypertable],
    )).rows[0] ?? {};
    const settings = (await db.query<{ segmentby: string | null; orderby: string | null }>(
      `SELECT segmentby, orderby FROM timescaledb_information.hypertable_compression_settings WHERE hypertable = $1::regclass`,
      [t.hypertable],
    )).rows[0];
    const compressed = num(stats.compressed) ?? 0;
    const before = compressed > 0 ? num(stats.before) : null;
    const after = compressed > 0 ? num(stats.after) : null;
    out.push({
      relation: t.relation,
      chunks: num(stats.chunks) ?? 0,
      compressedChunks: compressed,
      beforeBytes: before,
      afterBytes: after,
      ratio: before !== null && after ? before / after : null,
      segmentBy: settings?.segmentby ?? null,
      orderBy: settings?.orderby ?? null,
    });
  }
  return { flavour: db.flavour, hypertables: out };
}

/** One column's share of a hypertable's compressed chunks. */
export interface ColumnCost {
  /** The column, or `(metadata)` for TimescaleDB's own per-batch columns (count, min/max of the order-by). */
  column: string;
  /** Sum of pg_column_size over the compressed batches (its compressed datums, TOAST included). */
  bytes: number;
}

/**
 * What each column costs once compressed: pg_column_size summed over every compressed chunk's batches, the
 * largest first — where a lean layout's bytes are to be won (none on plain Postgres). Row headers, page
 * overhead and indexes are in no column (the hypertable's after-compression total includes them).
 */
export async function compressedColumnCosts(db: Db, hypertable: string): Promise<ColumnCost[]> {
  if (db.flavour !== 'timescale') return [];
  const chunks = await db.query<{ rel: string }>(
    `SELECT format('%I.%I', z.schema_name, z.table_name) AS rel
     FROM _timescaledb_catalog.chunk c
     JOIN _timescaledb_catalog.hypertable h ON h.id = c.hypertable_id
     JOIN _timescaledb_catalog.chunk z ON z.id = c.compressed_chunk_id
     WHERE h.table_name = $1 AND NOT c.dropped`,
    [hypertable],
  );
  if (chunks.rows.length === 0) return [];
  const columns = (await db.query<{ name: string }>(
    `SELECT attname::text AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [chunks.rows[0]!.rel],
  )).rows.map((r) => r.name);
  const totals = new Map<string, number>();
  for (const { rel } of chunks.rows) {
    const sums = (await db.query<Record<string, string | null>>(
      `SELECT ${columns.map((c, i) => `sum(pg_column_size("${c.replaceAll('"', '""')}"))::text AS c${i}`).join(', ')} FROM ${rel}`,
    )).rows[0]!;
    columns.forEach((c, i) => {
      const key = c.startsWith('_ts_meta_') ? '(metadata)' : c;
      totals.set(key, (totals.get(key) ?? 0) + Number(sums[`c${i}`] ?? 0));
    });
  }
  return [...totals].map(([column, bytes]) => ({ column, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** Bytes as MiB with one decimal, '-' when unknown. */
export const mib = (b: number | null) => (b === null ? '-' : `${(b / 1048576).toFixed(1)} MiB`);

/** The report as a terminal table. */
export function formatCompression(r: CompressionReport): string {
  if (r.flavour !== 'timescale') return 'no compression: plain PostgreSQL (old day partitions are dropped by the scheduler instead)\n';
  const rows = r.hypertables.map((h) => [
    h.relation, String(h.chunks), String(h.compressedChunks), mib(h.beforeBytes), mib(h.afterBytes),
    h.ratio === null ? '-' : `${h.ratio.toFixed(2)}:1`, h.segmentBy ?? '-', h.orderBy ?? '-',
  ]);
  return textTable(['hypertable', 'chunks', 'compressed', 'before', 'after', 'ratio', 'segment by', 'order by'], rows);
}

/** Left-aligned columns with a header row; `indent` prefixes every line (a table nested under a heading). */
export function textTable(header: string[], rows: string[][], indent = ''): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => (indent + cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')).trimEnd() + '\n';
  return line(header) + rows.map(line).join('');
}
