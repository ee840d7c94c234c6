/**
 * Zero loss, zero duplicates, proven against ground truth: a monitor runs as a child process against the
 * local RPC or Geyser test server (or the simulator), and each test breaks something mid-stream — SIGKILL
 * and restart (a), PostgreSQL stopped and started (b), the source cut for some slots (c), two monitors at
 * once (d). Afterwards the stored trade keys must equal the source's trade keys, each stored once.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expectedTradeKeySet, type SimulateOptions } from '../../../src/sources/simulate/index.ts';
import { DB_TARGETS } from '../../helpers/db.ts';
import { startGeyserTestServer } from '../../servers/geyser-server.ts';
import { startRpcTestServer } from '../../servers/rpc-server.ts';
import type { RpcTx } from '../../servers/ledger.ts';
import { openDb } from '../../../src/db/index.ts';
import { getCheckpoint } from '../../../src/db/checkpoints.ts';
import {
  assertStoredExactlyOnce,
  embeddedDir,
  feed,
  Monitor,
  waitForLine,
  privateCluster,
  privateClusterSkip,
  serverDatabase,
  simulatedLedger,
  sleep,
  waitForDrained,
} from './harness.ts';

// A few transactions per slot, so slot-based faults (skip N slots) hit a part of the stream, not all of it.
const SIM: SimulateOptions = { seed: 'zero-loss', count: 1200, startTime: 1_750_000_000, txPerSlot: 4 };
const serverSkip = DB_TARGETS.find((t) => t.name === 'postgres')!.skip;
const RPC_ENV = { RPC_RECONCILE_MS: '1000', RPC_REQUESTS_PER_SECOND: '5000', RPC_CONCURRENCY: '16' };

/** Where a monitor stores: an embedded data directory or a fresh database on the shared server. */
async function storage(kind: 'embedded' | 'server'): Promise<{ env: Record<string, string>; where: { dataDir?: string; databaseUrl?: string }; cleanup(): Promise<void> }> {
  if (kind === 'embedded') {
    const e = embeddedDir();
    return { env: { MEGATRON_DATA_DIR: e.dir }, where: { dataDir: e.dir }, cleanup: async () => e.remove() };
  }
  const d = await serverDatabase();
  return { env: { DATABASE_URL: d.url }, where: { databaseUrl: d.url }, cleanup: () => d.drop() };
}

/** The RPC test server fed with the simulated ledger, and the env that points a monitor at it. */
async function rpcSetup() {
  const ledger = simulatedLedger(SIM);
  const server = await startRpcTestServer({});
  return {
    ...ledger,
    close: () => server.close(),
    env: { ...RPC_ENV, SOLANA_RPC_URL: server.httpUrl, SOLANA_WS_URL: server.wsUrl },
    ready: () => server.waitForSubscriptions(2, 30_000),
    publish: server.publish,
    /** Notifications for the next slots never arrive; then every connection is dropped. */
    cut: (slots: number) => server.skipNotifications(slots),
    drop: () => server.dropConnections(),
  };
}

/**
 * The Geyser test server fed with the simulated ledger. `rpcGapFill`: the server cannot replay (no
 * from_slot), and an RPC test server holding the same ledger (published to first, like a node that is not
 * behind) is configured, so the monitor fills its gaps over RPC.
 */
async function geyserSetup(opts: { rpcGapFill?: boolean } = {}) {
  const ledger = simulatedLedger(SIM);
  const server = await startGeyserTestServer({ pingIntervalMs: 1000, fromSlotSupport: !opts.rpcGapFill });
  const rpc = opts.rpcGapFill ? await startRpcTestServer({}) : null;
  const ready = async (subscribers = 1) => {
    const deadline = Date.now() + 30_000;
    while (server.activeSubscribers() < subscribers) {
      if (Date.now() > deadline) throw new Error('no Geyser subscriber in time');
      await sleep(25);
    }
  };
  return {
    ...ledger,
    rpc,
    close: async () => {
      await server.close();
      await rpc?.close();
    },
    env: { YELLOWSTONE_URL: server.url, ...(rpc ? { ...RPC_ENV, SOLANA_RPC_URL: rpc.httpUrl } : {}) },
    ready,
    subscribeCalls: () => server.stats.subscribeCalls,
    publish: (txs: RpcTx[]) => {
      rpc?.publish(txs);
      server.publish(txs);
    },
    cut: (slots: number) => server.skipSlots(slots),
    drop: () => server.dropStreams(),
  };
}

describe('(a) SIGKILL mid-stream, restart: every trade stored once', () => {
  for (const [kind, source] of [['embedded', 'rpc'], ['server', 'yellowstone']] as const) {
    test(`${kind} database, ${source} source`, { skip: kind === 'server' ? serverSkip : undefined, timeout: 90_000 }, async () => {
      const src = source === 'rpc' ? await rpcSetup() : await geyserSetup();
      const db = await storage(kind);
      try {
        const env = { ...db.env, ...src.env };
        const first = new Monitor(['run', '--source', source], env);
        await src.ready();
        const stream = feed(src.publish, src.txs, 60);
        await first.waitForTrades(200);
        first.kill('SIGKILL');
        assert.equal(await first.exited, null, 'killed by the signal');
        const second = new Monitor(['run', '--source', source], env);
        await stream.done;
        await waitForDrained([first, second], src.txs.at(-1)!.slot);
        assert.equal(await second.stop(), 0, second.tail());
        await assertStoredExactlyOnce(db.where, src.truth);
      } finally {
        await src.close();
        await db.cleanup();
      }
    });
  }
});

describe('(b) PostgreSQL stopped mid-stream and started again (private cluster)', { skip: privateClusterSkip() }, () => {
  test('the monitor holds its batch, retries, and finishes with every trade stored once', { timeout: 90_000 }, async () => {
    const cluster = await privateCluster();
    try {
      const sim = { ...SIM, count: 2500 };
      const monitor = new Monitor(
        ['run', '--source', 'simulate', '--seed', String(sim.seed), '--count', String(sim.count), '--start-time', String(sim.startTime), '--tx-per-slot', String(sim.txPerSlot), '--rate', '800'],
        { DATABASE_URL: cluster.url },
      );
      await monitor.waitForTrades(300);
      cluster.stop();
      await sleep(2000);
      cluster.start();
      assert.equal(await monitor.exited, 0, monitor.tail());
      assert.ok(monitor.lines.some((l) => l.includes('retrying')), 'the outage was noticed and retried');
      await assertStoredExactlyOnce({ databaseUrl: cluster.url }, expectedTradeKeySet(sim));
    } finally {
      cluster.destroy();
    }
  });
});

describe('(c) the source cut for some slots: nothing lost', () => {
  const cases = [['embedded', 'yellowstone'], ['embedded', 'rpc'], ['server', 'yellowstone'], ['embedded', 'yellowstone without from_slot, gaps filled over rpc']] as const;
  for (const [kind, variant] of cases) {
    test(`${kind} database, ${variant} source`, { skip: kind === 'server' ? serverSkip : undefined, timeout: 90_000 }, async () => {
      const source = variant === 'rpc' ? 'rpc' : 'yellowstone';
      const rpcGapFill = variant !== source;
      const src = source === 'rpc' ? await rpcSetup() : await geyserSetup({ rpcGapFill });
      const db = await storage(kind);
      try {
        const monitor = new Monitor(['run', '--source', source], { ...db.env, ...src.env });
        await src.ready();
        const stream = feed(src.publish, src.txs, 60);
        await stream.after(Math.floor(stream.blocks / 4));
        src.cut(8);
        await stream.after(Math.floor(stream.blocks / 2));
        src.drop();
        await stream.done;
        await waitForDrained([monitor], src.txs.at(-1)!.slot);
        assert.equal(await monitor.stop(), 0, monitor.tail());
        await assertStoredExactlyOnce(db.where, src.truth).catch((err: Error) => {
          throw new Error(`${err.message}\n${monitor.tail(30)}`);
        });
        // RPC reports the recovered range as a gap; Yellowstone resubscribes from the hole (fromSlot) and counts a reconnect.
        assert.ok(monitor.lines.some((l) => /"(gaps|reconnects)":[1-9]/.test(l)), `the cut was noticed:\n${monitor.tail()}`);
        if (rpcGapFill) {
          // Without from_slot both the skipped blocks and the dropped stream are gaps, each filled over RPC (the
          // AMM pools of graduating tokens are gaps of their own, listed from their creation: not counted here).
          const gaps = monitor.lines.filter((l) => l.includes('source gap (backfilled by the source)') && !l.includes('AMM pool'));
          assert.equal(gaps.length, 2, `two gaps, both backfilled:\n${gaps.join('\n')}\n${monitor.tail()}`);
          assert.ok(!monitor.lines.some((l) => l.includes('NOT backfilled')), monitor.tail());
        }
      } finally {
        await src.close();
        await db.cleanup();
      }
    });
  }
});

describe('(a) SIGKILL in the middle of an RPC gap backfill (Yellowstone without from_slot)', { skip: serverSkip }, () => {
  test('the checkpoint stays inside the gap until it is filled; the restart fills it again: every trade stored once', { timeout: 90_000 }, async () => {
    const src = await geyserSetup({ rpcGapFill: true });
    const rpc = src.rpc!;
    const db = await storage('server');
    const checkpoint = async () => {
      const conn = await openDb({ databaseUrl: db.where.databaseUrl, migrate: false });
      try {
        return await getCheckpoint(conn, 'yellowstone');
      } finally {
        await conn.close();
      }
    };
    try {
      // A slow RPC plan, so the backfill is still running when the monitor is killed.
      const first = new Monitor(['run', '--source', 'yellowstone'], { ...db.env, ...src.env, RPC_REQUESTS_PER_SECOND: '10', RPC_CONCURRENCY: '2' });
      await src.ready();
      // Two halves: the second is published once the restarted monitor subscribed (its gap report, and
      // so its backfill, waits for the first block of its stream).
      const half = src.txs.findIndex((t) => t.slot > src.txs[Math.floor(src.txs.length / 2)]!.slot);
      const stream = feed(src.publish, src.txs.slice(0, half), 60);
      await stream.after(Math.floor(stream.blocks / 4));
      src.drop(); // blocks published until the reconnect are a gap only RPC can fill
      const started = await waitForLine(first, 'source gap: backfilling it over RPC');
      const gap = JSON.parse(started) as { lastSlotBefore: number; firstSlotAfter: number };
      // Some of the gap committed: the checkpoint moved into it.
      for (let cp = await checkpoint(); !(cp && cp.slot > gap.lastSlotBefore); cp = await checkpoint()) await sleep(50);
      rpc.stall(true);
      await sleep(1500); // the live stream goes on meanwhile; nothing newer than the gap may commit
      const held = await checkpoint();
      assert.ok(held && held.slot > gap.lastSlotBefore && held.slot <= gap.firstSlotAfter, `checkpoint ${JSON.stringify(held)} inside the gap ${gap.lastSlotBefore}..${gap.firstSlotAfter}`);
      first.kill('SIGKILL');
      assert.equal(await first.exited, null, 'killed by the signal');
      rpc.stall(false);
      await stream.done;
      const subscribed = src.subscribeCalls();
      const second = new Monitor(['run', '--source', 'yellowstone'], { ...db.env, ...src.env });
      while (src.subscribeCalls() === subscribed) await sleep(25);
      await feed(src.publish, src.txs.slice(half), 60).done;
      await waitForDrained([first, second], src.txs.at(-1)!.slot);
      assert.equal(await second.stop(), 0, second.tail());
      assert.ok(second.lines.some((l) => l.includes('source gap (backfilled by the source)')), `the restart filled the gap from its checkpoint:\n${second.tail()}`);
      await assertStoredExactlyOnce(db.where, src.truth);
    } finally {
      rpc.stall(false);
      await src.close();
      await db.cleanup();
    }
  });
});

describe('(d) two monitors on the same source (a high-availability pair)', { skip: serverSkip }, () => {
  test('each trade stored once, also when one of them dies mid-stream', { timeout: 90_000 }, async () => {
    const src = await geyserSetup();
    const db = await storage('server');
    try {
      const env = { ...db.env, ...src.env };
      const a = new Monitor(['run', '--source', 'yellowstone'], env);
      const b = new Monitor(['run', '--source', 'yellowstone'], env);
      await src.ready(2);
      const stream = feed(src.publish, src.txs, 60);
      await stream.after(Math.floor(stream.blocks / 2));
      a.kill('SIGKILL');
      await stream.done;
      await waitForDrained([a, b], src.txs.at(-1)!.slot);
      assert.equal(await b.stop(), 0, b.tail());
      await assertStoredExactlyOnce(db.where, src.truth);
    } finally {
      await src.close();
      await db.cleanup();
    }
  });
});
