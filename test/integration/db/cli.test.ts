import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import type { StorageStatus } from '../../../src/db/queries/status.ts';
import { EventWriter } from '../../../src/db/writer.ts';
import { DB_TARGETS, openTestDb } from '../../helpers/db.ts';
import { trade } from './fixtures.ts';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../../../bin/megatron.js');

async function status(env: Record<string, string>): Promise<StorageStatus> {
  const { stdout } = await run(process.execPath, [BIN, 'db', 'status', '--json'], {
    env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '', ...env },
  });
  return JSON.parse(stdout) as StorageStatus;
}

test('megatron db migrate + status on the embedded database', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'megatron-cli-'));
  try {
    const env = { MEGATRON_DATA_DIR: path.join(dir, 'pglite') };
    const migrated = await run(process.execPath, [BIN, 'db', 'migrate'], { env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '', ...env } });
    assert.match(migrated.stdout, /migration\(s\) applied, \d+ total \(flavour timescale\)/);
    const again = await run(process.execPath, [BIN, 'db', 'migrate'], { env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '', ...env } });
    assert.match(again.stdout, /^0 migration\(s\) applied/);
    const s = await status(env);
    assert.equal(s.flavour, 'timescale');
    assert.equal(s.driver, 'pglite');
    assert.deepEqual(s.migrations.pending, []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

const server = DB_TARGETS.find((t) => t.name === 'postgres')!;
test('megatron db status reports trades and volume by platform on a server', { skip: server.skip }, async () => {
  const db = await openTestDb(server);
  try {
    const now = Math.floor(Date.now() / 1000);
    await new EventWriter(db).transaction((w) =>
      w.insertTrades([trade({ blockTime: now - 60, solAmount: 1_500_000_000n }), trade({ blockTime: now - 7200, solAmount: 500_000_000n, program: 'launchlab' })]),
    );
    const s = await status({ DATABASE_URL: db.url! });
    assert.equal(s.flavour, 'plain');
    assert.equal(s.rows.transactions, 2);
    assert.deepEqual(s.volume.map((v) => [v.platform, v.trades1h, v.trades24h, v.volume1h, v.volume24h]), [
      ['launchlab', 0, 1, '0', '0.5'],
      ['pumpfun', 1, 1, '1.5', '1.5'],
    ]);
  } finally {
    await db.close();
  }
});
