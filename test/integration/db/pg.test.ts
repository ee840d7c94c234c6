/**
 * The server driver's pool survives PostgreSQL dropping an idle connection (a restart, an admin's
 * pg_terminate_backend): the dying client's 'error' is logged at warn, not thrown as uncaught, and the
 * next query gets a fresh connection.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Writable } from 'node:stream';
import pg from 'pg';
import pino from 'pino';
import { isRetryable } from '../../../src/core/errors.ts';
import { log, setLogger } from '../../../src/core/logger.ts';
import { openPg } from '../../../src/db/pg.ts';
import { DB_TARGETS, POSTGRES_ADMIN_URL } from '../../helpers/db.ts';

const skip = DB_TARGETS.find((t) => t.name === 'postgres')!.skip;

test('an idle pooled connection killed by the server is logged and replaced, never an uncaught error', { skip, timeout: 20_000 }, async () => {
  const lines: string[] = [];
  const previous = log();
  setLogger(pino({ level: 'warn' }, new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) })));
  const { pool } = await openPg(POSTGRES_ADMIN_URL, 2);
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    const before = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    assert.equal(pool.idleCount, 1, 'the connection went back to the pool, idle');
    await admin.query('SELECT pg_terminate_backend($1)', [before]);
    const deadline = Date.now() + 5_000;
    while (!lines.some((l) => l.includes('"level":40')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const warning = lines.find((l) => l.includes('"level":40'));
    assert.ok(warning, `a warning was logged: ${lines.join('')}`);
    assert.match(warning, /terminat/i, 'it says why');
    const after = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    assert.notEqual(after, before, 'the next query ran on a fresh connection');
  } finally {
    setLogger(previous);
    await admin.end();
    await pool.end();
  }
});

test('a checked-out connection killed between statements fails its next query as retryable, never uncaught', { skip, timeout: 20_000 }, async () => {
  const { pool } = await openPg(POSTGRES_ADMIN_URL, 2);
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await new Promise((r) => setTimeout(r, 300)); // the termination arrives while nothing runs on the client
    const err = await client.query('SELECT 1').then(() => null, (e: unknown) => e);
    assert.ok(err && isRetryable(err), `retryable: ${String(err)}`);
    client.release(true);
    assert.equal((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one, 1, 'the pool goes on with a fresh connection');
  } finally {
    await admin.end();
    await pool.end();
  }
});
