import { execFile } from 'node:child_process';
import { mkdir, open, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { UsageError } from '../core/errors.ts';
import { redactUrl } from '../core/redact.ts';

const run = promisify(execFile);

/**
 * Backups. A server is dumped with `pg_dump` in custom format and restored with `pg_restore`, wrapped in
 * TimescaleDB's `timescaledb_pre_restore()` / `timescaledb_post_restore()` when the dump holds the extension
 * (its catalog must not fire triggers or start jobs while rows arrive). The embedded database is PGlite's
 * own data-directory archive (`dumpDataDir`, a gzipped tarball) loaded back with `loadDataDir`. Either way
 * the database must not be written while the backup runs: stop `megatron run` first (PGlite allows one
 * process anyway).
 */
export type BackupKind = 'pg_dump' | 'pglite';

export interface BackupTarget {
  /** postgres:// URL of a server, or unset for the embedded database in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
}

export interface BackupResult {
  kind: BackupKind;
  file: string;
  bytes: number;
}

/** `megatron-<kind>-<UTC time>.<ext>` in the current directory. */
export function defaultBackupFile(target: BackupTarget, now = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z');
  return target.databaseUrl ? `megatron-${stamp}.dump` : `megatron-pglite-${stamp}.tar.gz`;
}

/** Writes a backup of the configured database to `file`. */
export async function backup(target: BackupTarget, file: string): Promise<BackupResult> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  if (target.databaseUrl) {
    await pgTool('pg_dump', ['--format=custom', '--file', file], target.databaseUrl);
    return { kind: 'pg_dump', file, bytes: (await stat(file)).size };
  }
  if (!(await isDataDir(target.dataDir))) throw new UsageError(`no embedded database in ${target.dataDir} (MEGATRON_DATA_DIR)`);
  const { pg: lite } = await (await loadPglite()).openPglite(target.dataDir);
  try {
    const archive = await lite.dumpDataDir('gzip');
    const bytes = Buffer.from(await archive.arrayBuffer());
    await writeFile(file, bytes);
    return { kind: 'pglite', file, bytes: bytes.length };
  } finally {
    await lite.close();
  }
}

export interface RestoreOptions {
  /** Embedded: move a non-empty data directory aside (`<dir>.before-restore-<time>`) instead of refusing. */
  force?: boolean;
}

/**
 * Restores `file` into the configured database. A server database must be empty (create a fresh one and
 * point DATABASE_URL at it); an embedded data directory must be empty or absent unless `force`.
 */
export async function restore(target: BackupTarget, file: string, opts: RestoreOptions = {}): Promise<{ kind: BackupKind; movedAside?: string }> {
  const kind = await backupKind(file);
  if (kind === 'pg_dump') {
    if (!target.databaseUrl) throw new UsageError(`${file} is a pg_dump archive: set DATABASE_URL to the (empty) server database to restore into`);
    await restoreServer(target.databaseUrl, file);
    return { kind };
  }
  if (target.databaseUrl) throw new UsageError(`${file} is an embedded (PGlite) backup: unset DATABASE_URL to restore into MEGATRON_DATA_DIR`);
  let movedAside: string | undefined;
  if (await isNonEmptyDir(target.dataDir)) {
    if (!opts.force) throw new UsageError(`${target.dataDir} is not empty: restore into an empty MEGATRON_DATA_DIR, or pass --force to move it aside`);
    movedAside = `${target.dataDir.replace(/\/+$/, '')}.before-restore-${Date.now()}`;
    await rename(target.dataDir, movedAside);
  }
  const { pg: lite } = await (await loadPglite()).openPglite(target.dataDir, new Blob([await readFile(file)]));
  try {
    await lite.query('SELECT count(*) FROM schema_migrations');
  } finally {
    await lite.close();
  }
  return movedAside ? { kind, movedAside } : { kind };
}

/** Which tool wrote `file`, from its first bytes: `PGDMP` (pg_dump custom format) or gzip (PGlite tarball). */
export async function backupKind(file: string): Promise<BackupKind> {
  const fh = await open(file, 'r').catch(() => {
    throw new UsageError(`cannot read backup file ${file}`);
  });
  try {
    const head = Buffer.alloc(5);
    await fh.read(head, 0, 5, 0);
    if (head.toString('latin1') === 'PGDMP') return 'pg_dump';
    if (head[0] === 0x1f && head[1] === 0x8b) return 'pglite';
    throw new UsageError(`${file} is neither a pg_dump custom-format archive nor a PGlite data-directory backup`);
  } finally {
    await fh.close();
  }
}

async function restoreServer(url: string, file: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`);
    if (tables.rows[0].n > 0) throw new UsageError(`the target database ${redactUrl(url)} is not empty: restore into a freshly created database`);
    const listing = (await pgTool('pg_restore', ['--list', file], url)).stdout;
    const timescale = /EXTENSION - timescaledb\b/.test(listing);
    if (timescale) {
      // TimescaleDB's documented restore: the extension first, its catalog in restoring mode during pg_restore.
      await client.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
      await client.query('SELECT timescaledb_pre_restore()');
    }
    try {
      await pgTool('pg_restore', ['--no-owner', '--exit-on-error', '--dbname', client.database ?? 'postgres', file], url);
    } finally {
      if (timescale) await client.query('SELECT timescaledb_post_restore()');
    }
  } finally {
    await client.end();
  }
}

/** Runs a PostgreSQL client tool with the connection in PG* variables, so the password never shows in `ps`. */
async function pgTool(tool: string, args: string[], url: string): Promise<{ stdout: string }> {
  const u = new URL(url);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PGHOST: u.hostname || 'localhost',
    PGPORT: u.port || '5432',
    PGUSER: decodeURIComponent(u.username || 'postgres'),
    PGDATABASE: decodeURIComponent(u.pathname.slice(1) || 'postgres'),
  };
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  try {
    return await run(tool, args, { env, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = err as { code?: unknown; stderr?: string; message: string };
    if (e.code === 'ENOENT') throw new UsageError(`${tool} is not installed (PostgreSQL client tools are needed for a server backup)`);
    throw new Error(`${tool} failed: ${redactUrl(e.stderr?.trim() || e.message)}`);
  }
}

/** PGlite (≈ 40 MB RSS) loads only for an embedded backup or restore: every `megatron` command imports this module. */
const loadPglite = () => import('../db/pglite.ts');

async function isDataDir(dir: string): Promise<boolean> {
  return stat(path.join(dir, 'PG_VERSION')).then(() => true, () => false);
}

async function isNonEmptyDir(dir: string): Promise<boolean> {
  return readdir(dir).then((entries) => entries.length > 0, () => false);
}
