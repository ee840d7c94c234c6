import type { Db } from './types.ts';

/**
 * A deterministic text rendering of the schema the migrations build (tables, columns, constraints,
 * storage parameters, indexes, triggers, functions, views, and TimescaleDB hypertables, compression and
 * jobs). Checked in per flavour and compared in CI, so every schema change shows up in review. Runtime objects (chunks,
 * day partitions, temp tables) are left out.
 */
export async function dumpSchema(db: Db): Promise<string> {
  const lines: string[] = [`-- flavour: ${db.flavour}`];
  const rows = async (sql: string) => (await db.query<Record<string, string>>(sql)).rows;

  const tables = await rows(`SELECT c.oid::text AS oid, c.relname AS name, c.relkind AS kind,
      coalesce(pg_get_partkeydef(c.oid), '') AS partkey, coalesce(array_to_string(c.reloptions, ', '), '') AS options
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname`);
  for (const t of tables) {
    lines.push('', `CREATE TABLE ${t.name} (`);
    const body: string[] = [];
    const cols = await rows(`SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull::text AS notnull,
        a.attgenerated AS generated, coalesce(pg_get_expr(d.adbin, d.adrelid), '') AS expr, a.attidentity AS identity
      FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = ${t.oid} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`);
    for (const c of cols) {
      let def = `    ${c.name} ${c.type}`;
      if (c.identity) def += ` GENERATED ${c.identity === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`;
      else if (c.generated === 's') def += ` GENERATED ALWAYS AS ${c.expr} STORED`;
      else if (c.expr) def += ` DEFAULT ${c.expr}`;
      if (c.notnull === 'true') def += ' NOT NULL';
      body.push(def);
    }
    for (const k of await rows(`SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE conrelid = ${t.oid} AND contype <> 'n' ORDER BY conname`)) {
      body.push(`    CONSTRAINT ${k.name} ${k.def}`);
    }
    lines.push(body.join(',\n'), `)${t.partkey ? ` PARTITION BY ${t.partkey}` : ''}${t.options ? ` WITH (${t.options})` : ''};`);
    for (const i of await rows(`SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = ${t.oid}
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = indexrelid AND k.conrelid = ${t.oid}) ORDER BY 1`)) {
      lines.push(`${i.def};`);
    }
    for (const g of await rows(`SELECT pg_get_triggerdef(oid) AS def FROM pg_trigger WHERE tgrelid = ${t.oid}
        AND NOT tgisinternal AND tgname NOT LIKE 'ts_%' ORDER BY tgname`)) {
      lines.push(`${g.def};`);
    }
  }

  const views = await rows(`SELECT c.relname AS name, c.relkind AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm') ORDER BY c.relname`);
  if (views.length) lines.push('');
  for (const v of views) lines.push(`${v.kind === 'm' ? 'MATERIALIZED ' : ''}VIEW ${v.name};`);

  const fns = await rows(`SELECT p.oid::regprocedure::text AS sig, p.prokind AS kind FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    LEFT JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
    WHERE n.nspname = 'public' AND d.objid IS NULL ORDER BY 1`);
  if (fns.length) lines.push('');
  for (const f of fns) lines.push(`${f.kind === 'a' ? 'AGGREGATE' : f.kind === 'p' ? 'PROCEDURE' : 'FUNCTION'} ${f.sig};`);

  if (db.flavour === 'timescale') {
    lines.push('');
    for (const h of await rows(`SELECT d.hypertable_name AS t, d.column_name AS col, d.time_interval::text AS every
        FROM timescaledb_information.dimensions d WHERE d.hypertable_schema = 'public' ORDER BY 1, 2`)) {
      lines.push(`-- hypertable ${h.t} by ${h.col} every ${h.every}`);
    }
    for (const c of await rows(`SELECT hypertable_name AS t, attname AS col, coalesce(segmentby_column_index::text, '') AS seg,
        coalesce(orderby_column_index::text, '') AS ord, orderby_asc::text AS asc
        FROM timescaledb_information.compression_settings WHERE hypertable_schema = 'public' ORDER BY 1, 2`)) {
      lines.push(`-- compression ${c.t}.${c.col}${c.seg ? ` segmentby#${c.seg}` : ''}${c.ord ? ` orderby#${c.ord} ${c.asc === 'true' ? 'ASC' : 'DESC'}` : ''}`);
    }
    for (const j of await rows(`SELECT proc_name AS proc, coalesce(hypertable_name, '') AS t, schedule_interval::text AS every,
        coalesce(config::text, '') AS config FROM timescaledb_information.jobs WHERE job_id >= 1000 ORDER BY 2, 1, 4`)) {
      lines.push(`-- job ${j.proc} on ${j.t} every ${j.every} ${j.config}`);
    }
  }
  return lines.join('\n') + '\n';
}
