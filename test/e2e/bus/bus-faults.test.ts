/**
 * The event stream under faults, against a real nats-server (a private one per test: its own port and
 * store directory). Monitors (`--publish`) and writers (`--source nats://…`) run as child processes; each
 * test breaks something mid-stream — SIGKILL a monitor, a writer, nats-server itself; two monitors of the
 * same source; writers down while the stream fills, then catching up; the stream's byte limit reached —
 * and afterwards the stored trade keys must equal the simulator's, each stored once.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { openDb } from '../../../src/db/index.ts';
import { expectedTradeKeySet, type SimulateOptions } from '../../../src/sources/simulate/index.ts';
import { DB_TARGETS } from '../../helpers/db.ts';
import { natsSkip, startNatsServer, type NatsServer } from '../../helpers/nats.ts';
import { assertStoredExactlyOnce, Monitor, serverDatabase, sleep } from '../zero-loss/harness.ts';

const SIM: SimulateOptions = { seed: 'bus-faults', count: 1500, startTime: 1_750_000_000, txPerSlot: 4 };
const skip = natsSkip ?? DB_TARGETS.find((t) => t.name === 'postgres')!.skip;

const simulateArgs = (sim: SimulateOptions, rate: number): string[] => [
  '--source', 'simulate', '--seed', String(sim.seed), '--count', String(sim.count), '--start-time', String(sim.startTime), '--tx-per-slot', String(sim.txPerSlot), '--rate', String(rate),
];

const publisher = (nats: NatsServer, rate: number, env: Record<string, string> = {}, sim = SIM): Monitor =>
  new Monitor(['run', ...simulateArgs(sim, rate), '--publish', nats.url], { NATS_PARTITIONS: '4', ...env });

const writer = (nats: NatsServer, databaseUrl: string, slot = '0/1', env: Record<string, string> = {}): Monitor =>
  new Monitor(['run', '--source', nats.url, '--writer', slot], { DATABASE_URL: databaseUrl, NATS_PARTITIONS: '4', NATS_ACK_WAIT_S: '5', ...env });

async function storedTrades(databaseUrl: string): Promise<number> {
  const db = await openDb({ databaseUrl, migrate: false });
  try {
    return Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM transactions')).rows[0]!.n);
  } finally {
    await db.close();
  }
}

/**
 * What per-token order decides, as one text per table: token lifecycle, curve and pool state, exact
 * holder balances — equal to what the in-process pipeline stores when the bus kept each token's order.
 */
async function orderedState(databaseUrl: string): Promise<Record<string, string>> {
  const db = await openDb({ databaseUrl, migrate: false });
  const queries = {
    tokens: `SELECT mint_address, symbol, platform, creation_signature, is_complete, curve_completed_at, is_graduated, graduation_signature, graduation_target FROM tokens ORDER BY mint_address`,
    pools: `SELECT pool_address, base_mint, pool_type, virtual_sol_reserves, virtual_token_reserves, real_sol_reserves, real_token_reserves, latest_price, bonding_curve_progress, last_slot, last_signature, migrated_to_pool, status FROM pools ORDER BY pool_address`,
    holders: `SELECT mint, owner, amount, slot FROM holder_balances ORDER BY mint, owner`,
  };
  try {
    const out: Record<string, string> = {};
    for (const [name, sql] of Object.entries(queries)) out[name] = JSON.stringify((await db.query(sql)).rows, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    return out;
  } finally {
    await db.close();
  }
}

/** Waits until the writers stored `n` trades and nothing more arrived for a while, then stops them. */
async function drain(databaseUrl: string, n: number, writers: Monitor[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await sleep(250);
    if (writers.reduce((s, w) => s + w.trades, 0) >= n || (await storedTrades(databaseUrl).catch(() => 0)) >= n) break;
  }
  await sleep(1500); // a duplicate, if any, would land now
  for (const w of writers) assert.equal(await w.stop(), 0, w.tail());
}

async function withSetup(run: (nats: NatsServer, databaseUrl: string) => Promise<void>): Promise<void> {
  const nats = await startNatsServer();
  const db = await serverDatabase();
  try {
    await run(nats, db.url);
  } finally {
    await nats.close();
    await db.drop();
  }
}

describe('event stream: faults, nothing lost, nothing stored twice', { skip, concurrency: 1 }, () => {
  const truth = expectedTradeKeySet(SIM);

  test('a monitor SIGKILLed mid-stream resumes from its checkpoint in the stream', { timeout: 120_000 }, () =>
    withSetup(async (nats, databaseUrl) => {
      const w = writer(nats, databaseUrl);
      const first = publisher(nats, 600);
      await first.waitForTrades(300);
      first.kill('SIGKILL');
      await first.exited;
      const second = publisher(nats, 2000);
      assert.equal(await second.exited, 0, second.tail());
      assert.ok(second.lines.some((l) => l.includes('resuming from checkpoint')), second.tail());
      await drain(databaseUrl, truth.size, [w]);
      await assertStoredExactlyOnce({ databaseUrl }, truth);
    }));

  test('a writer SIGKILLed mid-stream restarts at its ack floor', { timeout: 120_000 }, () =>
    withSetup(async (nats, databaseUrl) => {
      const monitor = publisher(nats, 600);
      // Batches of 2 s: whenever it is killed, the writer holds delivered messages it has not committed.
      const first = writer(nats, databaseUrl, '0/1', { BATCH_MAX_ROWS: '100000', BATCH_MAX_WAIT_MS: '2000' });
      await first.waitForTrades(300);
      await sleep(500);
      first.kill('SIGKILL');
      await first.exited;
      await sleep(500);
      const second = writer(nats, databaseUrl);
      assert.equal(await monitor.exited, 0, monitor.tail());
      await drain(databaseUrl, truth.size, [second]);
      assert.ok(second.lines.some((l) => l.includes('resumes in order from its ack floor')), `the kill left messages pending:\n${second.tail()}`);
      await assertStoredExactlyOnce({ databaseUrl }, truth);
    }));

  test('nats-server SIGKILLed mid-stream and restarted: monitor and writer reconnect and carry on', { timeout: 120_000 }, () =>
    withSetup(async (nats, databaseUrl) => {
      const monitor = publisher(nats, 600);
      const w = writer(nats, databaseUrl);
      await w.waitForTrades(300);
      await nats.kill();
      await sleep(1500);
      await nats.restart();
      assert.equal(await monitor.exited, 0, monitor.tail());
      await drain(databaseUrl, truth.size, [w]);
      for (const m of [monitor, w]) assert.ok(m.lines.some((l) => l.includes('NATS reconnected')), `the outage was seen:\n${m.tail()}`);
      await assertStoredExactlyOnce({ databaseUrl }, truth);
    }));

  test('two monitors publishing the same source at once: the stream keeps one copy', { timeout: 120_000 }, () =>
    withSetup(async (nats, databaseUrl) => {
      // Different checkpoint names: each publishes everything on its own (an HA pair in two regions).
      const a = publisher(nats, 1500, {}, SIM);
      const b = new Monitor(['run', ...simulateArgs(SIM, 1500), '--publish', nats.url, '--checkpoint-name', 'simulate-b'], { NATS_PARTITIONS: '4' });
      assert.equal(await a.exited, 0, a.tail());
      assert.equal(await b.exited, 0, b.tail());
      const w = writer(nats, databaseUrl);
      await drain(databaseUrl, truth.size, [w]);
      await assertStoredExactlyOnce({ databaseUrl }, truth);
      assert.equal(a.trades + b.trades, truth.size, 'each trade message was kept once, whichever monitor published it first');
    }));

  test('writers down while the stream fills, then two writers catch up and share the partitions', { timeout: 120_000 }, () =>
    withSetup(async (nats, databaseUrl) => {
      const monitor = publisher(nats, 5000);
      assert.equal(await monitor.exited, 0, monitor.tail());
      const writers = [writer(nats, databaseUrl, '0/2'), writer(nats, databaseUrl, '1/2')];
      await drain(databaseUrl, truth.size, writers);
      assert.ok(writers.every((w) => w.trades > 0), 'both writers stored their share');
      await assertStoredExactlyOnce({ databaseUrl }, truth);
      // The same source through today's in-process pipeline: the same curve states and holder balances.
      const direct = await serverDatabase();
      try {
        const inProcess = new Monitor(['run', ...simulateArgs(SIM, 5000)], { DATABASE_URL: direct.url });
        assert.equal(await inProcess.exited, 0, inProcess.tail());
        const [viaBus, expected] = [await orderedState(databaseUrl), await orderedState(direct.url)];
        for (const table of Object.keys(expected)) assert.ok(expected[table]!.length > 10, `${table} is empty: the comparison would prove nothing`);
        assert.deepEqual(viaBus, expected);
      } finally {
        await direct.drop();
      }
    }));

  test('the stream\'s byte limit reached: the monitor holds and retries; raising the limit lets it finish', { timeout: 120_000 }, () =>
    withSetup(async (nats, databaseUrl) => {
      const monitor = publisher(nats, 3000, { NATS_MAX_BYTES: '300000' });
      const deadline = Date.now() + 30_000;
      while (!monitor.lines.some((l) => l.includes('retrying')) && Date.now() < deadline) await sleep(100);
      assert.ok(monitor.lines.some((l) => l.includes('retrying')), `the full stream refused publishes:\n${monitor.tail()}`);
      // The operator raises the limit (as a monitor restarted with a larger NATS_MAX_BYTES would).
      const nc = await connect({ servers: nats.url });
      try {
        const jsm = await jetstreamManager(nc);
        const info = await jsm.streams.info('MEGATRON');
        assert.equal(info.config.max_bytes, 300_000);
        await jsm.streams.update('MEGATRON', { ...info.config, max_bytes: -1 });
      } finally {
        await nc.close();
      }
      assert.equal(await monitor.exited, 0, monitor.tail());
      const w = writer(nats, databaseUrl);
      await drain(databaseUrl, truth.size, [w]);
      await assertStoredExactlyOnce({ databaseUrl }, truth);
    }));
});
