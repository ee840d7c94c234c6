/**
 * The rpc source against the local JSON-RPC server: backfill from a checkpoint, live streaming, and every
 * fault the server can inject, each checked against the server's ledger (no signature missing, none twice).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createRpcSource, JsonRpcHttpClient, RpcSource, type RpcSourceOptions } from '../../../src/sources/rpc/index.ts';
import { setLogger, log } from '../../../src/core/logger.ts';
import { startRpcTestServer, type RpcTestServer } from '../../servers/rpc-server.ts';
import { accountKeysOf, loadRpcFixtures, signatureOf, synthesize, failed, type RpcTx } from '../../servers/ledger.ts';
import { waitUntil } from '../../servers/wait.ts';
import { TrackedAddresses } from '../../../src/sources/tracked.ts';
import { duplicates, onPool, runSource, LAUNCHLAB, POOL, PUMP } from './helpers.ts';

const fixtures = loadRpcFixtures();
const skip = fixtures ? false : 'shared fixtures absent (../shared/fixtures): rpc source tests need real transactions';

const fast: Partial<RpcSourceOptions> = { heartbeatMs: 300, reconcileIntervalMs: 400, requestTimeoutMs: 2_000, backoff: { initialMs: 50, maxMs: 400, multiplier: 2 }, requestsPerSecond: 2_000, concurrency: 8 };

function source(server: RpcTestServer, extra: Partial<RpcSourceOptions> = {}): RpcSource {
  return createRpcSource({ httpUrl: server.httpUrl, wsUrl: server.wsUrl, programs: [PUMP, LAUNCHLAB], ...fast, ...extra }) as RpcSource;
}

/** Ground truth: every successful transaction the server holds after the checkpoint transaction. */
function truth(server: RpcTestServer, checkpointSignature: string): string[] {
  const all = server.transactions();
  const at = all.findIndex((t) => signatureOf(t) === checkpointSignature);
  return all.slice(at + 1).filter((t) => !failed(t)).map(signatureOf);
}

function assertExactlyOnce(got: string[], expected: string[]) {
  assert.deepEqual(duplicates(got), [], 'no signature yielded twice');
  assert.deepEqual(new Set(got), new Set(expected), 'every ground-truth signature yielded');
}

describe('rpc source', { skip }, () => {
  const templates = fixtures ?? [];
  let seed = 0;
  const make = (count: number, startSlot: number, perSlot = 3): RpcTx[] => synthesize(templates, { count, startSlot, perSlot, seed: `rpc${seed++}` });

  test('backfills from the checkpoint oldest first, then streams live transactions in order', async () => {
    const history = make(40, 1_000);
    const server = await startRpcTestServer({ transactions: history });
    const checkpointTx = history[14]!;
    const run = runSource(source(server), { slot: checkpointTx.slot, signature: signatureOf(checkpointTx) });
    try {
      const expectedBackfill = history.slice(15).map(signatureOf);
      await run.until((c) => c.signatures.length >= expectedBackfill.length, 'backfill');
      assert.deepEqual(run.out.signatures, expectedBackfill, 'backfill is exactly what followed the checkpoint, oldest first');
      await server.waitForSubscriptions(2);
      const live = make(30, 2_000);
      server.publish(live);
      await run.until((c) => c.signatures.length >= expectedBackfill.length + live.length, 'live');
      assert.deepEqual(run.out.signatures.slice(expectedBackfill.length), live.map(signatureOf), 'live in notification order');
      assert.equal(run.out.gaps.length, 0);
      const first = run.out.items[0]!;
      assert.ok(first.kind === 'tx' && first.tx.slot === history[15]!.slot && first.receivedAtMs > 0);
    } finally {
      await run.stop();
      await server.close();
    }
  });

  test('tracked AMM pools: a pool added while streaming is subscribed and its history since its creation listed; none of it twice', async () => {
    // Transactions on the pool only (the launchpad program replaced by the pool in the account keys: general AMM traffic).
    const launchpad = make(10, 1_000);
    const early = onPool(make(6, 1_010));
    assert.ok(early.length > 0);
    const server = await startRpcTestServer({ transactions: [...launchpad, ...early] });
    const tracked = new TrackedAddresses(10);
    const src = source(server, { tracked });
    const checkpoint = { slot: 1_000, signature: signatureOf(launchpad[0]!) };
    const run = runSource(src, checkpoint);
    try {
      const expectedLaunchpad = truth(server, checkpoint.signature).filter((sig) => launchpad.some((t) => signatureOf(t) === sig));
      await run.until((c) => c.signatures.length >= expectedLaunchpad.length, 'launchpad backfill');
      await server.waitForSubscriptions(2);
      assert.ok(!run.out.signatures.some((sig) => early.some((t) => signatureOf(t) === sig)), 'an untracked pool is not followed');
      // The migration committed: the pool (created at slot 1 010) is followed from then on.
      tracked.add([[POOL, 1_010]]);
      await run.until((c) => early.every((t) => c.signatures.includes(signatureOf(t))), "the pool's trades since its creation");
      await server.waitForSubscriptions(3);
      const live = onPool(make(6, 2_000));
      server.publish(live);
      await run.until((c) => live.every((t) => c.signatures.includes(signatureOf(t))), 'live trades on the pool');
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(duplicates(run.out.signatures), [], 'nothing twice');
      assert.equal(src.stats.reconnects, 0, 'resubscribing is not a failure');
      assert.equal(run.out.gaps.length, 0, 'nothing was dropped: no gap to report');
    } finally {
      await run.stop();
      await server.close();
    }
  });

  test('a dropped connection is reported as a backfilled gap; nothing missing, nothing twice', async () => {
    const server = await startRpcTestServer({ transactions: make(10, 1_000) });
    const src = source(server);
    const checkpoint = { slot: 1_000, signature: signatureOf(server.transactions()[0]!) };
    const run = runSource(src, checkpoint);
    try {
      await server.waitForSubscriptions(2);
      server.publish(make(30, 2_000));
      await run.until((c) => c.signatures.length >= 20, 'first live transactions');
      server.dropConnections();
      server.publish(make(45, 3_000)); // published while the source is disconnected: only backfill can find these
      await waitUntil(() => src.stats.reconnects >= 1 && server.activeSubscriptions() === 2, 'reconnect');
      server.publish(make(30, 4_000));
      const expected = truth(server, checkpoint.signature);
      await run.until((c) => new Set(c.signatures).size >= expected.length, 'all transactions');
      await new Promise((r) => setTimeout(r, 500)); // a late duplicate would show up here
      assertExactlyOnce(run.out.signatures, expected);
      assert.ok(run.out.gaps.length >= 1, 'gap reported');
      const gap = run.out.gaps[0]!;
      assert.equal(gap.backfilled, true);
      assert.ok(gap.lastSlotBefore !== null && gap.lastSlotBefore >= 2_000 && gap.firstSlotAfter >= gap.lastSlotBefore, JSON.stringify(gap));
      const gapAt = run.out.items.indexOf(gap);
      const whileAway = run.out.items.flatMap((item, i) => (item.kind === 'tx' && item.tx.slot >= 3_000 && item.tx.slot < 4_000 ? [i] : []));
      assert.equal(whileAway.length, 45);
      assert.ok(whileAway.every((i) => i > gapAt), 'what was published while disconnected comes after the gap report');
    } finally {
      await run.stop();
      await server.close();
    }
  });

  test('transactions whose getTransaction is cut by a dropped connection are fetched again after the reconnect', async () => {
    const server = await startRpcTestServer({ transactions: make(3, 1_000) });
    const src = source(server);
    const checkpoint = { slot: 1_000, signature: signatureOf(server.transactions()[2]!) };
    const run = runSource(src, checkpoint);
    try {
      await server.waitForSubscriptions(2);
      server.publish(make(9, 2_000));
      await run.until((c) => c.signatures.length >= 9, 'the live phase');
      server.publish(make(12, 3_000)); // notified, then their getTransaction hangs until the connection is gone
      server.stall(true);
      await waitUntil(() => server.stats.inFlight >= 1, 'getTransaction in flight');
      server.dropConnections();
      server.stall(false);
      await waitUntil(() => src.stats.reconnects >= 1 && server.activeSubscriptions() === 2, 'reconnect');
      server.publish(make(6, 4_000));
      const expected = truth(server, checkpoint.signature);
      await run.until((c) => new Set(c.signatures).size >= expected.length, 'every transaction, the cut ones too', 10_000);
      await new Promise((r) => setTimeout(r, 500)); // a late duplicate would show up here
      assertExactlyOnce(run.out.signatures, expected);
    } finally {
      await run.stop();
      await server.close();
    }
  });

  test("a checkpoint of one program: the other program's transactions later in the checkpoint's slot are not lost", async () => {
    const history = make(60, 1_000, 10);
    const only = (tx: RpcTx, program: string) => accountKeysOf(tx).includes(program) && !accountKeysOf(tx).includes(program === PUMP ? LAUNCHLAB : PUMP);
    // A transaction of one program followed, in its slot, by one of the other program only.
    const at = history.findIndex((tx, i) => [PUMP, LAUNCHLAB].some((p) => only(tx, p) && history.slice(i + 1).some((u) => u.slot === tx.slot && only(u, p === PUMP ? LAUNCHLAB : PUMP) && !failed(u))));
    assert.ok(at >= 0, 'the synthesized history mixes both programs within a slot');
    const server = await startRpcTestServer({ transactions: history });
    const checkpoint = { slot: history[at]!.slot, signature: signatureOf(history[at]!) };
    const run = runSource(source(server), checkpoint);
    try {
      const expected = truth(server, checkpoint.signature);
      await run.until((c) => expected.every((sig) => c.signatures.includes(sig)), 'everything after the checkpoint');
      await new Promise((r) => setTimeout(r, 300));
      // Transactions before the checkpoint may come again only from the checkpoint's own slot (harmless: natural keys).
      const before = new Set(history.slice(0, at + 1).filter((t) => t.slot < checkpoint.slot || signatureOf(t) === checkpoint.signature).map(signatureOf));
      assert.deepEqual(run.out.signatures.filter((sig) => before.has(sig)), [], 'nothing older than the checkpoint slot, not the checkpoint itself');
      assert.deepEqual(duplicates(run.out.signatures), [], 'no signature yielded twice');
    } finally {
      await run.stop();
      await server.close();
    }
  });

  test('notifications skipped for some slots are reconciled and reported as a gap', async () => {
    const server = await startRpcTestServer({ transactions: make(3, 1_000) });
    const checkpoint = { slot: 1_000, signature: signatureOf(server.transactions()[2]!) };
    const run = runSource(source(server), checkpoint);
    try {
      await server.waitForSubscriptions(2);
      server.publish(make(9, 2_000));
      await run.until((c) => c.signatures.length >= 9, 'the live phase');
      server.skipNotifications(4);
      server.publish(make(12, 3_000)); // 4 slots, never notified
      server.publish(make(9, 4_000));
      const expected = truth(server, checkpoint.signature);
      await run.until((c) => new Set(c.signatures).size >= expected.length, 'reconciled transactions', 10_000);
      assertExactlyOnce(run.out.signatures, expected);
      const gap = run.out.gaps.find((g) => g.reason.includes('missed'));
      assert.ok(gap, `reconcile reported a gap: ${JSON.stringify(run.out.gaps)}`);
      assert.deepEqual([gap.lastSlotBefore, gap.firstSlotAfter, gap.backfilled], [2_999, 3_004, true]);
    } finally {
      await run.stop();
      await server.close();
    }
  });

  test('a stalled server is detected by the heartbeat; the source reconnects and catches up', async () => {
    const server = await startRpcTestServer({ transactions: make(3, 1_000) });
    const src = source(server);
    const checkpoint = { slot: 1_000, signature: signatureOf(server.transactions()[2]!) };
    const run = runSource(src, checkpoint);
    try {
      await server.waitForSubscriptions(2);
      server.publish(make(9, 2_000));
      await run.until((c) => c.signatures.length >= 9, 'before the stall');
      const opened = server.stats.wsConnectionsOpened;
      server.stall(true);
      server.publish(make(9, 3_000));
      await waitUntil(() => src.stats.reconnects >= 1, 'heartbeat timeout', 5_000);
      server.stall(false);
      await waitUntil(() => server.stats.wsConnectionsOpened > opened && server.activeSubscriptions() === 2, 'new connection');
      server.publish(make(9, 4_000));
      const expected = truth(server, checkpoint.signature);
      await run.until((c) => new Set(c.signatures).size >= expected.length, 'catch-up');
      assertExactlyOnce(run.out.signatures, expected);
    } finally {
      await run.stop();
      await server.close();
    }
  });

  test('a slow consumer keeps the queue within its bound', async () => {
    const server = await startRpcTestServer({ transactions: make(300, 1_000) });
    const src = source(server, { queueCapacity: 16, liveBufferCapacity: 32 });
    const checkpoint = { slot: 1_000, signature: signatureOf(server.transactions()[0]!) };
    const run = runSource(src, checkpoint, 2);
    try {
      await server.waitForSubscriptions(2);
      server.publish(make(150, 5_000)); // more live notifications than the live buffer holds
      const expected = truth(server, checkpoint.signature);
      await run.until((c) => new Set(c.signatures).size >= expected.length, 'everything, slowly', 30_000);
      assertExactlyOnce(run.out.signatures, expected);
      assert.ok(src.stats.queueHighWater <= 16, `queue high water ${src.stats.queueHighWater}`);
      const fetched = server.stats.requests.get('getTransaction') ?? 0;
      assert.ok(fetched < expected.length * 1.2, `no refetch storm: ${fetched} getTransaction for ${expected.length}`);
    } finally {
      await run.stop();
      await server.close();
    }
  });

  test('HTTP concurrency and rate limits hold during a backfill; transient failures are retried', async () => {
    const server = await startRpcTestServer({ transactions: make(120, 1_000), txVisibilityDelayMs: 0 });
    const src = source(server, { concurrency: 3, requestsPerSecond: 100 });
    server.failHttp(3, 429);
    const started = Date.now();
    const checkpoint = { slot: 1_000, signature: signatureOf(server.transactions()[0]!) };
    const run = runSource(src, checkpoint);
    try {
      const expected = truth(server, checkpoint.signature);
      await run.until((c) => c.signatures.length >= expected.length, 'backfill');
      assertExactlyOnce(run.out.signatures, expected);
      assert.ok(server.stats.maxInFlight <= 3, `max in flight ${server.stats.maxInFlight}`);
      const times = server.stats.requestTimes.filter((t) => t >= started);
      const perSecond = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1_000).length));
      // 100/s sustained + a 10-request burst; a little slack for timer jitter at the window edges.
      assert.ok(perSecond <= 120, `peak ${perSecond} requests in one second`);
      assert.ok(Date.now() - started >= (times.length - 10) * 10 - 100, 'rate limit actually paced the requests');
    } finally {
      await run.stop();
      await server.close();
    }
  });

  test('a transaction that cannot be normalized is yielded as invalid (for quarantine), the rest flow on', async () => {
    const server = await startRpcTestServer();
    const run = runSource(source(server));
    try {
      await server.waitForSubscriptions(2);
      const txs = make(6, 2_000);
      txs[2]!.transaction.message.instructions[0]!.programIdIndex = 250;
      server.publish(txs);
      await run.until((c) => c.items.length >= 6, 'all items');
      const invalid = run.out.items.filter((i) => i.kind === 'invalid');
      assert.equal(invalid.length, 1);
      assert.ok(invalid[0]!.kind === 'invalid' && invalid[0]!.reason.includes(signatureOf(txs[2]!)) && JSON.parse(invalid[0]!.raw).slot === txs[2]!.slot);
      assert.deepEqual(run.out.signatures, txs.filter((_, i) => i !== 2).map(signatureOf));
    } finally {
      await run.stop();
      await server.close();
    }
  });

  test('API keys never appear in errors or logs', async () => {
    const secret = 'SuperSecretApiKey0123456789abcdef';
    const client = new JsonRpcHttpClient({ url: `http://127.0.0.1:1/v2/${secret}?api-key=${secret}`, concurrency: 1, requestsPerSecond: 100, timeoutMs: 500, maxRetries: 1, backoff: { initialMs: 10, maxMs: 20, multiplier: 2 } });
    const err = await client.call('getSlot', []).then(() => null, (e: unknown) => e as Error);
    assert.ok(err instanceof Error, 'the call failed');
    assert.doesNotMatch(String(err.message), new RegExp(secret));
    assert.match(err.message, /127\.0\.0\.1:1/);

    const lines: string[] = [];
    const previous = log();
    setLogger(pino({ level: 'debug' }, new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) })));
    const src = createRpcSource({ httpUrl: `http://127.0.0.1:1/?api-key=${secret}`, wsUrl: `ws://127.0.0.1:1/${secret}`, programs: [PUMP], ...fast });
    const run = runSource(src);
    try {
      await waitUntil(() => lines.some((l) => l.includes('reconnecting')), 'a reconnect log line');
    } finally {
      await run.stop();
      setLogger(previous);
    }
    assert.ok(lines.length > 0);
    for (const line of lines) assert.doesNotMatch(line, new RegExp(secret), line);
  });
});
