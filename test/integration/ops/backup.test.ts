import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { openDb } from '../../../src/db/index.ts';
import { tableChecksums, type TableChecksum } from '../../../src/ops/checksums.ts';
import { DB_TARGETS, POSTGRES_ADMIN_URL, uniqueSuffix } from '../../helpers/db.ts';
import { fillHealthy, megatron } from './helpers.ts';

const work = await mkdtemp(path.join(tmpdir(), 'megatron-backup-'));
after(() => rm(work, { recursive: true, force: true }));

function assertSameContent(before: TableChecksum[], restored: TableChecksum[]): void {
  assert.ok(before.find((t) => t.relation === 'transactions')!.rows > 1000, 'the history is there to be compared');
  assert.ok(before.find((t) => t.relation === 'price_candles_1m')!.rows > 0, 'candles were materialized');
  assert.deepEqual(restored, before);
}

test('embedded: megatron backup → restore keeps rows and checksums of every table (compressed chunks included)', async () => {
  const source = path.join(work, 'source');
  const db = await openDb({ dataDir: source });
  let before: TableChecksum[];
  try {
    await fillHealthy(db);
    await db.exec(`SELECT compress_chunk(c, if_not_compressed => true) FROM show_chunks('transactions', older_than => INTERVAL '7 days') c`);
    assert.ok(Number((await db.query<{ n: bigint }>(`SELECT count(*) AS n FROM timescaledb_information.chunks WHERE is_compressed`)).rows[0]!.n) > 0);
    before = await tableChecksums(db);
  } finally {
    await db.close();
  }
  const file = path.join(work, 'embedded.tar.gz');
  const dumped = await megatron(['backup', '--out', file], { MEGATRON_DATA_DIR: source });
  assert.equal(dumped.code, 0, dumped.stderr);
  assert.match(dumped.stdout, /pglite backup written/);

  const target = path.join(work, 'restored');
  const restored = await megatron(['restore', file], { MEGATRON_DATA_DIR: target });
  assert.equal(restored.code, 0, restored.stderr);
  assert.match(restored.stdout, /transactions\s+\d+/);
  const again = await megatron(['restore', file], { MEGATRON_DATA_DIR: target });
  assert.equal(again.code, 2, 'a non-empty data directory is refused');
  assert.match(again.stderr, /not empty/);

  const copy = await openDb({ dataDir: target, migrate: false });
  try {
    assertSameContent(before, await tableChecksums(copy));
    // The restored database works: the writer path and TimescaleDB are live.
    assert.equal((await copy.query<{ n: bigint }>(`SELECT count(*) AS n FROM timescaledb_information.hypertables`)).rows[0]!.n > 0n, true);
  } finally {
    await copy.close();
  }
});

const server = DB_TARGETS.find((t) => t.name === 'postgres')!;

test('server (plain PostgreSQL 15): pg_dump custom format → pg_restore into a fresh database, rows and checksums equal', { skip: server.skip }, async () => {
  const names = [`megatron_bk_src_${uniqueSuffix()}`, `megatron_bk_dst_${uniqueSuffix()}`];
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  const urlOf = (name: string) => Object.assign(new URL(POSTGRES_ADMIN_URL), { pathname: `/${name}` }).toString();
  try {
    for (const n of names) await admin.query(`CREATE DATABASE ${n}`);
    const [src, dst] = names.map(urlOf) as [string, string];
    const db = await openDb({ databaseUrl: src });
    let before: TableChecksum[];
    try {
      assert.equal(db.flavour, 'plain');
      await fillHealthy(db);
      before = await tableChecksums(db);
    } finally {
      await db.close();
    }
    const file = path.join(work, 'server.dump');
    const dumped = await megatron(['backup', '--out', file], { DATABASE_URL: src });
    assert.equal(dumped.code, 0, dumped.stderr);
    const restored = await megatron(['restore', file], { DATABASE_URL: dst });
    assert.equal(restored.code, 0, restored.stderr);
    const refused = await megatron(['restore', file], { DATABASE_URL: src });
    assert.equal(refused.code, 2, 'restoring over a non-empty database is refused');

    const copy = await openDb({ databaseUrl: dst, migrate: false });
    try {
      assertSameContent(before, await tableChecksums(copy));
    } finally {
      await copy.close();
    }
  } finally {
    for (const n of names) await admin.query(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
    await admin.end();
  }
});

test('a file that is no backup is refused with a readable message', async () => {
  const file = path.join(work, 'not-a-backup.txt');
  await (await import('node:fs/promises')).writeFile(file, 'hello');
  const res = await megatron(['restore', file], { MEGATRON_DATA_DIR: path.join(work, 'never') });
  assert.equal(res.code, 2);
  assert.match(res.stderr, /neither a pg_dump/);
});
