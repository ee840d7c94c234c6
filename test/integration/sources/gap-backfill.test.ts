/**
 * The yellowstone source wrapped with RPC gap backfill (src/sources/rpc/gaps.ts), against the local Geyser
 * server (that cannot replay: no from_slot, a short replay window, skipped blocks) and the local JSON-RPC
 * server holding the same ledger. Every run is compared with the ledger: each signature once, in chain
 * order, and every gap reported as backfilled — or, when RPC cannot fill it, reported as not backfilled.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { withRpcGapBackfill, type RpcGapBackfill, type RpcGapBackfillOptions } from '../../../src/sources/rpc/index.ts';
import { createYellowstoneSource, type YellowstoneSourceOptions } from '../../../src/sources/yellowstone/index.ts';
import { startGeyserTestServer, type GeyserTestServer, type GeyserTestServerOptions } from '../../servers/geyser-server.ts';
import { startRpcTestServer, type RpcTestServer } from '../../servers/rpc-server.ts';
import { failed, loadRpcFixtures, signatureOf, synthesize, type RpcTx } from '../../servers/ledger.ts';
import { TrackedAddresses } from '../../../src/sources/tracked.ts';
import { waitUntil } from '../../servers/wait.ts';
import { duplicates, onPool, runSource, LAUNCHLAB, POOL, PUMP } from './helpers.ts';

const fixtures = loadRpcFixtures();
const skip = fixtures ? false : 'shared fixtures absent (../shared/fixtures): gap backfill tests need real transactions';

const fastYellowstone: Partial<YellowstoneSourceOptions> = { pingIntervalMs: 200, idleTimeoutMs: 1_000, backoff: { initialMs: 50, maxMs: 300, multiplier: 2 } };
const fastRpc: Partial<RpcGapBackfillOptions> = { requestTimeoutMs: 2_000, requestsPerSecond: 2_000, concurrency: 4, backoff: { initialMs: 50, maxMs: 200, multiplier: 2 } };

/** One chain served by both servers: the RPC node first, so it never lags the stream (unless a test says so). */
interface Chain {
  geyser: GeyserTestServer;
  rpc: RpcTestServer;
  publish(txs: RpcTx[]): void;
  /** Ground truth: successful transactions, chain order. */
  truth(): string[];
  close(): Promise<void>;
}

async function chain(geyserOpts: GeyserTestServerOptions): Promise<Chain> {
  const geyser = await startGeyserTestServer({ pingIntervalMs: 200, ...geyserOpts });
  const rpc = await startRpcTestServer({ transactions: geyserOpts.transactions });
  return {
    geyser,
    rpc,
    publish(txs) {
      rpc.publish(txs);
      geyser.publish(txs);
    },
    truth: () => geyser.transactions().filter((t) => !failed(t)).map(signatureOf),
    async close() {
      await geyser.close();
      await rpc.close();
    },
  };
}

function filled(c: Chain, extra: Partial<RpcGapBackfillOptions> = {}, tracked?: TrackedAddresses): RpcGapBackfill {
  const inner = createYellowstoneSource({ endpoint: c.geyser.url, programs: [PUMP, LAUNCHLAB], ...fastYellowstone, tracked });
  return withRpcGapBackfill(inner, { httpUrl: c.rpc.httpUrl, programs: [PUMP, LAUNCHLAB], ...fastRpc, ...extra });
}

describe('yellowstone gaps backfilled over RPC', { skip }, () => {
  const templates = fixtures ?? [];
  let seed = 0;
  const make = (count: number, startSlot: number, perSlot = 3): RpcTx[] => synthesize(templates, { count, startSlot, perSlot, seed: `gap${seed++}` });

  test('server without from_slot drops the stream: the lost slots come from RPC, in chain order, before anything newer', async () => {
    const c = await chain({ fromSlotSupport: false });
    const src = filled(c);
    const run = runSource(src);
    try {
      await waitUntil(() => c.geyser.activeSubscribers() === 1, 'subscription');
      c.publish(make(30, 1_000));
      await run.until((o) => o.signatures.length >= 30, 'first blocks');
      c.geyser.dropStreams();
      c.publish(make(45, 2_000)); // nobody is subscribed and the server cannot replay: only RPC has these
      await waitUntil(() => c.geyser.activeSubscribers() === 1, 'reconnect');
      c.publish(make(30, 3_000));
      const expected = c.truth();
      await run.until((o) => o.signatures.length >= expected.length, 'everything');
      await new Promise((r) => setTimeout(r, 300)); // a late duplicate would show up here
      assert.deepEqual(duplicates(run.out.signatures), []);
      assert.deepEqual(run.out.signatures, expected, 'every transaction once, in chain order');
      assert.equal(run.out.gaps.length, 1);
      const gap = run.out.gaps[0]!;
      assert.deepEqual([gap.lastSlotBefore, gap.firstSlotAfter, gap.backfilled], [1_009, 3_000, true]);
      assert.match(gap.reason, /no from_slot.*backfilled 48 transactions over RPC/);
      // The gap is reported after its transactions (filled) and before the first transaction past it.
      const gapAt = run.out.items.indexOf(gap);
      const firstAfter = run.out.items.findIndex((i) => i.kind === 'tx' && i.tx.slot > 3_000);
      assert.ok(run.out.items.slice(0, gapAt).filter((i) => i.kind === 'tx' && i.tx.slot >= 2_000).length === 48 && gapAt < firstAfter);
      // Slot 3000 came both from RPC and from the new stream: the stream's copies were dropped.
      assert.equal(src.stats.duplicatesDropped, 3);
      assert.deepEqual({ filled: src.stats.filled, unfilled: src.stats.unfilled, transactions: src.stats.transactions }, { filled: 1, unfilled: 0, transactions: 48 });
      assert.ok(c.rpc.stats.maxInFlight <= fastRpc.concurrency!, `requests in flight ${c.rpc.stats.maxInFlight} ≤ ${fastRpc.concurrency}`);
    } finally {
      await run.stop();
      await c.close();
    }
  });

  test("a newly tracked AMM pool: its trades between its creation and the filter update come from RPC (that pool's history only)", async () => {
    const c = await chain({ fromSlotSupport: false });
    const tracked = new TrackedAddresses(10);
    const src = filled(c, {}, tracked);
    const run = runSource(src);
    try {
      await waitUntil(() => c.geyser.activeSubscribers() === 1, 'subscription');
      const launchpad = make(12, 1_000).filter((t) => !failed(t));
      const early = onPool(make(9, 1_010)); // traded right after the migration, before the pool is followed
      c.publish([...launchpad, ...early]);
      await run.until((o) => o.signatures.length >= launchpad.length, 'launchpad transactions');
      tracked.add([[POOL, 1_010]]);
      const late = onPool(make(9, 2_000));
      await run.until((o) => o.gaps.length === 1, 'the pool gap filled');
      c.publish(late);
      await run.until((o) => late.every((t) => o.signatures.includes(signatureOf(t))), 'live pool trades');
      const want = [...launchpad, ...early, ...late].map(signatureOf);
      assert.deepEqual(duplicates(run.out.signatures), []);
      assert.deepEqual(new Set(run.out.signatures), new Set(want));
      const gap = run.out.gaps[0]!;
      assert.deepEqual([gap.addresses, gap.backfilled], [[POOL], true]);
      assert.equal(src.stats.transactions, early.length, 'only the pool was listed, not the programs');
    } finally {
      await run.stop();
      await c.close();
    }
  });

  test('skipped blocks on a server that cannot replay are filled from RPC', async () => {
    const c = await chain({ fromSlotSupport: false });
    const run = runSource(filled(c));
    try {
      await waitUntil(() => c.geyser.activeSubscribers() === 1, 'subscription');
      c.publish(make(15, 1_000));
      await run.until((o) => o.signatures.length >= 15, 'first blocks');
      c.geyser.skipSlots(3);
      c.publish(make(9, 2_000)); // slots 2000..2002 are never streamed
      c.publish(make(15, 3_000));
      const expected = c.truth();
      await run.until((o) => o.signatures.length >= expected.length, 'the hole and what follows');
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(run.out.signatures, expected);
      assert.deepEqual(
        run.out.gaps.map((g) => [g.lastSlotBefore, g.firstSlotAfter, g.backfilled]),
        [[1_004, 3_000, true]],
      );
    } finally {
      await run.stop();
      await c.close();
    }
  });

  test('a resume slot older than the replay window: replay covers what it still has, RPC the rest', async () => {
    const c = await chain({ replayStoredSlots: 5 });
    const run = runSource(filled(c));
    try {
      await waitUntil(() => c.geyser.activeSubscribers() === 1, 'subscription');
      c.publish(make(30, 1_000));
      await run.until((o) => o.signatures.length >= 30, 'first blocks');
      c.geyser.dropStreams();
      c.publish(make(60, 2_000)); // 20 slots while away; the server keeps only the last 5
      await waitUntil(() => c.geyser.activeSubscribers() === 1, 'reconnect');
      c.publish(make(15, 3_000));
      const expected = c.truth();
      await run.until((o) => o.signatures.length >= expected.length, 'everything');
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(run.out.signatures, expected);
      assert.equal(run.out.gaps.length, 1);
      const gap = run.out.gaps[0]!;
      assert.deepEqual([gap.lastSlotBefore, gap.backfilled], [1_009, true]);
      assert.ok(gap.firstSlotAfter > 2_000 && gap.firstSlotAfter <= 2_019, `replay started inside the missed range: ${gap.firstSlotAfter}`);
      assert.ok(c.geyser.stats.fromSlots.includes(String(gap.firstSlotAfter)), `resubscribed from the oldest replayable slot: ${c.geyser.stats.fromSlots}`);
    } finally {
      await run.stop();
      await c.close();
    }
  });

  test('an RPC node behind the stream is waited for, so the gap is not listed short', async () => {
    const c = await chain({ fromSlotSupport: false });
    const run = runSource(filled(c));
    try {
      await waitUntil(() => c.geyser.activeSubscribers() === 1, 'subscription');
      c.publish(make(15, 1_000));
      await run.until((o) => o.signatures.length >= 15, 'first blocks');
      c.geyser.dropStreams();
      const lost = make(15, 2_000);
      const after = make(15, 3_000);
      c.geyser.publish(lost);
      c.rpc.publish(lost.slice(0, 6)); // the RPC node has only part of the hole yet
      await waitUntil(() => c.geyser.activeSubscribers() === 1, 'reconnect');
      c.geyser.publish(after);
      const requests = () => [...c.rpc.stats.requests.values()].reduce((a, b) => a + b, 0);
      await waitUntil(() => requests() >= 2, 'the gap filler at work on the lagging RPC node');
      c.rpc.publish([...lost.slice(6), ...after]);
      const expected = c.truth();
      await run.until((o) => o.signatures.length >= expected.length, 'everything');
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(run.out.signatures, expected);
      assert.deepEqual(run.out.gaps.map((g) => g.backfilled), [true]);
    } finally {
      await run.stop();
      await c.close();
    }
  });

  test('when RPC cannot fill the gap it is reported as not backfilled, and the stream goes on', async () => {
    const c = await chain({ fromSlotSupport: false });
    const src = filled(c, { attempts: 2, maxRetries: 0 });
    const run = runSource(src);
    try {
      await waitUntil(() => c.geyser.activeSubscribers() === 1, 'subscription');
      c.publish(make(15, 1_000));
      await run.until((o) => o.signatures.length >= 15, 'first blocks');
      c.rpc.failHttp(1_000, 503);
      c.geyser.dropStreams();
      c.publish(make(15, 2_000));
      await waitUntil(() => c.geyser.activeSubscribers() === 1, 'reconnect');
      c.publish(make(15, 3_000));
      await run.until((o) => o.signatures.length >= 30 && o.gaps.length >= 1, 'the stream after the gap');
      assert.equal(run.out.gaps.length, 1);
      const gap = run.out.gaps[0]!;
      assert.deepEqual([gap.lastSlotBefore, gap.firstSlotAfter, gap.backfilled], [1_004, 3_000, false]);
      assert.match(gap.reason, /RPC backfill failed after 2 attempts: .*HTTP 503/);
      assert.deepEqual(duplicates(run.out.signatures), []);
      assert.equal(run.out.signatures.filter((s) => !c.truth().includes(s)).length, 0);
      assert.deepEqual({ filled: src.stats.filled, unfilled: src.stats.unfilled }, { filled: 0, unfilled: 1 });
    } finally {
      c.rpc.failHttp(0, 503);
      await run.stop();
      await c.close();
    }
  });
});
