/**
 * Runs the same integration suite on the three database targets:
 *  - `pglite`:        embedded PGlite + TimescaleDB in-process, in memory (driver `pglite`, flavour timescale);
 *  - `pglite-socket`: the `pg` driver against that PGlite build served over the wire by
 *                     @electric-sql/pglite-socket (the production `pg` code path, with TimescaleDB);
 *  - `postgres`:      the `pg` driver against the local PostgreSQL server (flavour plain without the
 *                     extension), in a fresh database per test that is dropped afterwards.
 *
 * Usage:
 *   forEachDbTarget((target) => {
 *     test('…', async () => {
 *       const db = await openTestDb(target);
 *       try { … } finally { await db.close(); }
 *     });
 *   });
 */
import { randomBytes } from 'node:crypto';
import { describe } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { timescaledb } from '@electric-sql/pglite/timescaledb';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { openDb } from '../../src/db/index.ts';
import type { Db, OpenDbOptions } from '../../src/db/types.ts';
import { createScratchDatabase } from '../../src/db/scratch.ts';

export type DbTargetName = 'pglite' | 'pglite-socket' | 'postgres';

export interface DbTarget {
  name: DbTargetName;
  /** Set when the target cannot run here; the suite is skipped with this message. */
  skip: string | undefined;
}

/** A test database; `close()` also tears down what the target set up (socket server, database). */
export interface TestDb extends Db {
  target: DbTargetName;
  /** Connection URL for `pg` targets (e.g. to run the CLI against the same database). */
  url: string | undefined;
}

/** Admin URL of the server target; the tests create and drop their own databases there. */
export const POSTGRES_ADMIN_URL = process.env.MEGATRON_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function postgresUnavailableReason(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return `PostgreSQL is unreachable at ${POSTGRES_ADMIN_URL} (${(err as Error).message}); server tests skipped`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const postgresSkip = await postgresUnavailableReason();

export const DB_TARGETS: readonly DbTarget[] = [
  { name: 'pglite', skip: undefined },
  { name: 'pglite-socket', skip: undefined },
  { name: 'postgres', skip: postgresSkip },
];

/** Declares `suite(target)` once per target inside `describe('<target>')`, skipping unavailable ones. */
export function forEachDbTarget(suite: (target: DbTarget) => void): void {
  for (const target of DB_TARGETS) {
    describe(`db target: ${target.name}`, { skip: target.skip }, () => suite(target));
  }
}

/** A unique lowercase identifier suffix, so parallel runs never collide. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** A fresh, migrated (unless `migrate: false`) database on `target`. */
export async function openTestDb(target: DbTarget, options: Pick<OpenDbOptions, 'migrate' | 'flavour'> = {}): Promise<TestDb> {
  switch (target.name) {
    case 'pglite': {
      const db = await openDb({ inMemory: true, ...options });
      return { ...db, target: target.name, url: undefined };
    }
    case 'pglite-socket':
      return openSocketDb(options);
    case 'postgres':
      return openPostgresDb(options);
  }
}

async function openSocketDb(options: Pick<OpenDbOptions, 'migrate' | 'flavour'>): Promise<TestDb> {
  const lite = await PGlite.create({ extensions: { timescaledb } });
  const server = new PGLiteSocketServer({ db: lite, host: '127.0.0.1', port: 0 });
  await server.start();
  const url = `postgres://postgres@${server.getServerConn()}/postgres`;
  const stop = async () => {
    await server.stop();
    await lite.close();
  };
  try {
    const db = await openDb({ databaseUrl: url, ...options });
    return withCleanup(db, 'pglite-socket', url, stop);
  } catch (err) {
    await stop();
    throw err;
  }
}

async function openPostgresDb(options: Pick<OpenDbOptions, 'migrate' | 'flavour'>): Promise<TestDb> {
  const scratch = await createScratchDatabase(POSTGRES_ADMIN_URL, 'megatron_test');
  const drop = () => scratch.drop();
  try {
    const db = await openDb({ databaseUrl: scratch.url, maxConnections: 2, ...options });
    return withCleanup(db, 'postgres', scratch.url, drop);
  } catch (err) {
    await drop();
    throw err;
  }
}

function withCleanup(db: Db, target: DbTargetName, url: string, cleanup: () => Promise<void>): TestDb {
  return {
    ...db,
    target,
    url,
    close: async () => {
      try {
        await db.close();
      } finally {
        await cleanup();
      }
    },
  };
}
