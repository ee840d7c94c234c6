import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDb } from '../src/db/index.ts';
import type { Db } from '../src/db/types.ts';

/** The two database backends the benchmarks compare: embedded PGlite (TimescaleDB) and a PostgreSQL server. */
export type Backend = 'embedded' | 'server';

export const BENCH_SERVER_URL = process.env.MEGATRON_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh, migrated database on `backend` (a temporary data directory, or a new database on the server), and its removal. */
export async function openBackend(backend: Backend, serverUrl = BENCH_SERVER_URL): Promise<{ db: Db; url: string | null; cleanup(): Promise<void> }> {
  if (backend === 'embedded') {
    const dir = mkdtempSync(path.join(tmpdir(), 'megatron-bench-'));
    const db = await openDb({ dataDir: path.join(dir, 'pglite') });
    return { db, url: null, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `megatron_bench_${Date.now().toString(36)}_${process.pid}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    await c.query(sql).finally(() => c.end());
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openDb({ databaseUrl: url.toString(), maxConnections: 4 });
  return { db, url: url.toString(), cleanup: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** The p-th percentile of ascending `sorted` (nearest rank below); NaN when empty. */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
