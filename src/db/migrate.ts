import { readdir, readFile } from 'node:fs/promises';
import { log } from '../core/logger.ts';
import type { Db, Flavour } from './types.ts';

/**
 * Numbered `.sql` migrations: shared files in `migrations/`, flavour-specific ones in
 * `migrations/<flavour>/`. Numbers are one sequence across both (a number lives either in the shared
 * folder or in every flavour folder). Each file runs in its own transaction, recorded in
 * `schema_migrations`; files are never edited once landed.
 */
const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

/** Serializes migrators across processes (server) — any constant works, this one spells "megatron". */
const MIGRATION_LOCK_KEY = 0x6d656761;

export interface Migration {
  /** File name without `.sql`, e.g. `0002_transactions`. */
  id: string;
  sql: string;
}

/** The migrations that apply to `flavour`, in order. */
export async function loadMigrations(flavour: Flavour): Promise<Migration[]> {
  const files = async (url: URL) =>
    (await readdir(url)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).map((f) => ({ f, url: new URL(f, url) }));
  const all = [...(await files(MIGRATIONS_DIR)), ...(await files(new URL(`${flavour}/`, MIGRATIONS_DIR)))];
  all.sort((a, b) => a.f.localeCompare(b.f));
  const seen = new Set<string>();
  const out: Migration[] = [];
  for (const { f, url } of all) {
    const number = f.slice(0, 4);
    if (seen.has(number)) throw new Error(`migration number ${number} is used twice (${f})`);
    seen.add(number);
    out.push({ id: f.replace(/\.sql$/, ''), sql: await readFile(url, 'utf8') });
  }
  return out;
}

export interface MigrateResult {
  applied: string[];
  total: number;
}

export interface MigrateOptions {
  /** Stop after this migration number (`'0066'`): a database of an earlier schema, for testing what follows it. */
  through?: string;
}

/**
 * Applies pending migrations. Each file's transaction first takes an advisory transaction lock, then
 * re-checks whether the file was applied, so concurrent migrators (two processes starting together)
 * apply every file exactly once. Re-running is a no-op.
 */
export async function migrate(db: Db, options: MigrateOptions = {}): Promise<MigrateResult> {
  const through = options.through;
  const migrations = (await loadMigrations(db.flavour)).filter((m) => through === undefined || m.id.slice(0, 4) <= through);
  const applied: string[] = [];
  for (const m of migrations) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        id text PRIMARY KEY,
        flavour text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const seen = await tx.query('SELECT 1 FROM schema_migrations WHERE id = $1', [m.id]);
      if (seen.rows.length > 0) return false;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (id, flavour) VALUES ($1, $2)', [m.id, db.flavour]);
      return true;
    });
    if (done) {
      applied.push(m.id);
      log().info({ migration: m.id, flavour: db.flavour }, 'migration applied');
    }
  }
  return { applied, total: migrations.length };
}

/** Applied and pending migration ids (for `megatron db status`). */
export async function migrationState(db: Db): Promise<{ applied: string[]; pending: string[] }> {
  const all = (await loadMigrations(db.flavour)).map((m) => m.id);
  const exists = await db.query<{ t: string | null }>(`SELECT to_regclass('schema_migrations')::text AS t`);
  const applied = exists.rows[0]?.t
    ? (await db.query<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id')).rows.map((r) => r.id)
    : [];
  return { applied, pending: all.filter((id) => !applied.includes(id)) };
}
