/**
 * The yellowstone source (official client) against the local Geyser gRPC server: streaming, fromSlot resume
 * after drops and restarts, gaps when the server cannot replay, skipped blocks, stalls, backpressure and
 * redaction; every run compared with the server's ledger.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createYellowstoneSource, YellowstoneSource, type YellowstoneSourceOptions } from '../../../src/sources/yellowstone/index.ts';
import { log, setLogger } from '../../../src/core/logger.ts';
import { startGeyserTestServer, type GeyserTestServer, type GeyserTestServerOptions } from '../../servers/geyser-server.ts';
import { failed, loadRpcFixtures, signatureOf, synthesize, type RpcTx } from '../../servers/ledger.ts';
import { waitUntil } from '../../servers/wait.ts';
import { TrackedAddresses } from '../../../src/sources/tracked.ts';
import { duplicates, onPool, runSource, LAUNCHLAB, POOL, PUMP } from './helpers.ts';

const fixtures = loadRpcFixtures();
const skip = fixtures ? false : 'shared fixtures absent (../shared/fixtures): yellowstone source tests need real transactions';

const fast: Partial<YellowstoneSourceOptions> = { pingIntervalMs: 200, idleTimeoutMs: 1_000, backoff: { initialMs: 50, maxMs: 300, multiplier: 2 } };

function source(server: GeyserTestServer, extra: Partial<YellowstoneSourceOptions> = {}): YellowstoneSource {
  return createYellowstoneSource({ endpoint: server.url, programs: [PUMP, LAUNCHLAB], ...fast, ...extra }) as YellowstoneSource;
}

function assertExactlyOnce(got: string[], expected: string[]) {
  assert.deepEqual(duplicates(got), [], 'no signature yielded twice');
  assert.equal(got.length, expected.length, 'as many as the ground truth');
  assert.deepEqual(new Set(got), new Set(expected), 'every ground-truth signature yielded');
}

describe('yellowstone source', { skip }, () => {
  const templates = fixtures ?? [];
  let seed = 0;
  const make = (count: number, startSlot: number, perSlot = 3): RpcTx[] => synthesize(templates, { count, startSlot, perSlot, seed: `ys${seed++}` });
  const start = (opts: GeyserTestServerOptions = {}) => startGeyserTestServer({ pingIntervalMs: 200, ...opts });

  test('streams block by block in block order, with block times from blocksMeta', async () => {
    const server = await start();
    const src = source(server);
    const run = runSource(src);
    try {
      await waitUntil(() => server.activeSubscribers() === 1, 'subscription');
      const txs = make(60, 5_000);
      server.publish(txs);
      await run.until((c) => c.signatures.length >= 60, 'all transactions');
      assert.deepEqual(run.out.signatures, txs.map(signatureOf));
      for (const [i, item] of run.out.items.entries()) {
        assert.ok(item.kind === 'tx');
        assert.equal(item.tx.blockTime, txs[i]!.blockTime);
        assert.equal(item.tx.indexInBlock, i % 3);
        assert.equal(item.tx.slot, txs[i]!.slot);
      }
      await waitUntil(() => server.stats.pingRequests > 0, 'client pings / ping answers');
      assert.equal(run.out.gaps.length, 0);
    } finally {
      await run.stop();
      await server.close();
    }
  });

  for (const replay of [true, false]) {
    test(`tracked AMM pools (${replay ? 'server replays' : 'no from_slot'}): a pool added while streaming is followed, its trades since its creation ${replay ? 'replayed' : 'reported as a gap of that pool'}`, async () => {
      const server = await start({ fromSlotSupport: replay });
      const tracked = new TrackedAddresses(10);
      const src = source(server, { tracked });
      const run = runSource(src);
      try {
        await waitUntil(() => server.activeSubscribers() === 1, 'subscription');
        const launchpad = make(6, 4_990).filter((t) => !failed(t));
        const before = onPool(make(9, 5_000));
        server.publish([...launchpad, ...before]);
        await run.until((c) => c.signatures.length >= launchpad.length, 'launchpad transactions');
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(run.out.signatures.length, launchpad.length, 'an untracked pool is not streamed');
        tracked.add([[POOL, 5_000]]);
        if (replay) {
          await run.until((c) => before.every((t) => c.signatures.includes(signatureOf(t))), "the pool's trades since its creation, replayed");
          assert.equal(run.out.gaps.length, 0);
        } else {
          await run.until((c) => c.gaps.length === 1, 'the gap of the new pool');
          assert.deepEqual([run.out.gaps[0]!.addresses, run.out.gaps[0]!.lastSlotBefore, run.out.gaps[0]!.backfilled], [[POOL], 4_999, false]);
        }
        const after = onPool(make(9, 6_000));
        server.publish(after);
        await run.until((c) => after.every((t) => c.signatures.includes(signatureOf(t))), `live trades on the pool (${after.length})`);
        assert.deepEqual(duplicates(run.out.signatures), [], 'nothing twice');
        assert.equal(src.stats.reconnects, 0, 'following a pool is not a failure');
      } finally {
        await run.stop();
        await server.close();
      }
    });
  }

  test('resumes from the checkpoint with fromSlot, skipping what the checkpoint already stored', async () => {
    const history = make(30, 1_000);
    const server = await start({ transactions: history });
    const cp = history[13]!; // second of slot 1004
    const run = runSource(source(server), { slot: cp.slot, signature: signatureOf(cp) });
    try {
      await run.until((c) => c.signatures.length >= 16, 'replayed history');
      assert.deepEqual(run.out.signatures, history.slice(14).map(signatureOf));
      assert.equal(server.stats.fromSlots[0], String(cp.slot));
      const live = make(9, 2_000);
      server.publish(live);
      await run.until((c) => c.signatures.length >= 25, 'live');
      assert.deepEqual(run.out.signatures.slice(16), live.map(signatureOf));
    } finally {
      await run.stop();
      await server.close();
    }
  });

  for (const fault of ['dropStreams', 'restart'] as const) {
    test(`after ${fault} mid-stream it resubscribes with fromSlot: nothing missing, nothing twice, no gap`, async () => {
      const server = await start();
      const src = source(server);
      const run = runSource(src);
      try {
        await waitUntil(() => server.activeSubscribers() === 1, 'subscription');
        server.publish(make(30, 1_000));
        await run.until((c) => c.signatures.length >= 30, 'first blocks');
        if (fault === 'dropStreams') server.dropStreams();
        else await server.restart();
        server.publish(make(45, 2_000)); // produced while the client is away
        await waitUntil(() => src.stats.reconnects >= 1 && server.activeSubscribers() === 1, 'reconnect');
        server.publish(make(30, 3_000));
        const expected = server.transactions().map(signatureOf);
        await run.until((c) => c.signatures.length >= expected.length, 'everything');
        await new Promise((r) => setTimeout(r, 300));
        assertExactlyOnce(run.out.signatures, expected);
        assert.equal(run.out.gaps.length, 0, 'replay closed the gap');
        assert.ok(server.stats.fromSlots.some((s) => s !== undefined && Number(s) <= 1_009 + 1), `resumed from the last complete slot: ${server.stats.fromSlots}`);
      } finally {
        await run.stop();
        await server.close();
      }
    });
  }

  test('without from_slot support a reconnect is reported as a gap that covers exactly what was lost', async () => {
    const server = await start({ fromSlotSupport: false });
    const src = source(server);
    const run = runSource(src);
    try {
      await waitUntil(() => server.activeSubscribers() === 1, 'subscription');
      server.publish(make(30, 1_000));
      await run.until((c) => c.signatures.length >= 30, 'first blocks');
      server.dropStreams();
      server.publish(make(30, 2_000)); // lost: nobody is subscribed and the server cannot replay
      await waitUntil(() => server.activeSubscribers() === 1, 'reconnect');
      server.publish(make(30, 3_000));
      await run.until((c) => c.signatures.length >= 60, 'after the gap');
      assert.deepEqual(duplicates(run.out.signatures), []);
      assert.equal(run.out.gaps.length, 1);
      const gap = run.out.gaps[0]!;
      assert.deepEqual([gap.lastSlotBefore, gap.firstSlotAfter, gap.backfilled], [1_009, 3_000, false]);
      const got = new Set(run.out.signatures);
      const lost = server.transactions().filter((t) => !got.has(signatureOf(t)));
      assert.equal(lost.length, 30);
      assert.ok(lost.every((t) => t.slot > gap.lastSlotBefore! && t.slot < gap.firstSlotAfter), 'every lost transaction lies inside the reported gap');
    } finally {
      await run.stop();
      await server.close();
    }
  });

  test('skipped blocks are detected from blockMeta parents: replayed when possible, else reported', async () => {
    for (const fromSlotSupport of [true, false]) {
      const server = await start({ fromSlotSupport });
      const run = runSource(source(server));
      try {
        await waitUntil(() => server.activeSubscribers() === 1, 'subscription');
        server.publish(make(15, 1_000));
        await run.until((c) => c.signatures.length >= 15, 'first blocks');
        server.skipSlots(3);
        server.publish(make(9, 2_000)); // slots 2000..2002 are not streamed live
        server.publish(make(15, 3_000));
        if (fromSlotSupport) {
          const expected = server.transactions().map(signatureOf);
          await run.until((c) => c.signatures.length >= expected.length, 'replayed hole');
          assertExactlyOnce(run.out.signatures, expected);
          assert.equal(run.out.gaps.length, 0);
          assert.ok(server.stats.fromSlots.includes('1005'), `replayed from the hole: ${server.stats.fromSlots}`);
        } else {
          await run.until((c) => c.signatures.length >= 30, 'blocks after the hole');
          assert.equal(run.out.gaps.length, 1);
          assert.deepEqual([run.out.gaps[0]!.lastSlotBefore, run.out.gaps[0]!.firstSlotAfter], [1_004, 3_000]);
        }
      } finally {
        await run.stop();
        await server.close();
      }
    }
  });

  test('a stalled stream times out, reconnects and resumes', async () => {
    const server = await start();
    const src = source(server);
    const run = runSource(src);
    try {
      await waitUntil(() => server.activeSubscribers() === 1, 'subscription');
      server.publish(make(15, 1_000));
      await run.until((c) => c.signatures.length >= 15, 'before the stall');
      server.stall(true);
      server.publish(make(15, 2_000));
      const calls = server.stats.subscribeCalls;
      await waitUntil(() => src.stats.reconnects >= 1 && server.stats.subscribeCalls > calls, 'idle timeout and resubscribe', 5_000);
      server.stall(false);
      server.publish(make(15, 3_000));
      const expected = server.transactions().map(signatureOf);
      await run.until((c) => c.signatures.length >= expected.length, 'catch-up');
      await new Promise((r) => setTimeout(r, 300));
      assertExactlyOnce(run.out.signatures, expected);
    } finally {
      await run.stop();
      await server.close();
    }
  });

  test('a slow consumer pauses the stream: buffered items stay within the bound, the server feels backpressure', async () => {
    const server = await start();
    const capacity = 60;
    const src = source(server, { queueCapacity: capacity, idleTimeoutMs: 2_000 });
    const run = runSource(src, null, 1);
    try {
      await waitUntil(() => server.activeSubscribers() === 1, 'subscription');
      const rssBefore = process.memoryUsage().rss;
      const txs = make(3_000, 10_000);
      server.publish(txs);
      await run.until((c) => c.signatures.length >= txs.length, 'all, slowly', 60_000);
      assertExactlyOnce(run.out.signatures, txs.map(signatureOf));
      assert.ok(src.stats.pauses > 0, 'the stream was paused');
      assert.ok(src.stats.bufferedHighWater <= capacity + 3, `buffered high water ${src.stats.bufferedHighWater} (bound ${capacity} + one block)`);
      assert.ok(server.stats.backpressureWaits > 0, 'HTTP/2 flow control reached the server');
      assert.ok(process.memoryUsage().rss - rssBefore < 200 * 1024 * 1024);
    } finally {
      await run.stop();
      await server.close();
    }
  });

  test('a transaction that cannot be normalized is yielded as invalid (for quarantine), the rest flow on', async () => {
    const server = await start();
    const run = runSource(source(server));
    try {
      await waitUntil(() => server.activeSubscribers() === 1, 'subscription');
      const txs = make(6, 2_000);
      txs[4]!.transaction.message.instructions[0]!.programIdIndex = 250;
      server.publish(txs);
      await run.until((c) => c.items.length >= 6, 'all items');
      const invalid = run.out.items.filter((i) => i.kind === 'invalid');
      assert.equal(invalid.length, 1);
      assert.ok(invalid[0]!.kind === 'invalid' && invalid[0]!.reason.includes(signatureOf(txs[4]!)) && JSON.parse(invalid[0]!.raw).slot === String(txs[4]!.slot));
      assert.deepEqual(run.out.signatures, txs.filter((_, i) => i !== 4).map(signatureOf));
    } finally {
      await run.stop();
      await server.close();
    }
  });

  test('the endpoint token and URL keys never appear in logs', async () => {
    const secret = 'SuperSecretApiKey0123456789abcdef';
    const lines: string[] = [];
    const previous = log();
    setLogger(pino({ level: 'debug' }, new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) })));
    const src = createYellowstoneSource({ endpoint: `http://127.0.0.1:1/${secret}?x-token=${secret}`, token: secret, programs: [PUMP], ...fast });
    const run = runSource(src);
    try {
      await waitUntil(() => lines.some((l) => l.includes('reconnecting')), 'a reconnect log line');
    } finally {
      await run.stop();
      setLogger(previous);
    }
    for (const line of lines) assert.doesNotMatch(line, new RegExp(secret), line);
  });
});
