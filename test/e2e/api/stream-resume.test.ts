import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openBus, type Bus, type BusSettings } from '../../../src/bus/connection.ts';
import { messagesOf, parseMessage } from '../../../src/bus/messages.ts';
import { startApiServer, type RunningApi } from '../../../src/api/start.ts';
import { MemoryCache } from '../../../src/cache/memory.ts';
import { openDb } from '../../../src/db/index.ts';
import type { Db } from '../../../src/db/types.ts';
import { createLiveFeed } from '../../../src/feed/live-feed.ts';
import { toFeedMessage, type FeedMessage } from '../../../src/feed/messages.ts';
import type { StreamLiveFeed } from '../../../src/feed/stream-feed.ts';
import { decodeItem, type DecodedTx } from '../../../src/pipeline/decode.ts';
import { simulatedTransactions } from '../../../src/sources/simulate/index.ts';
import { natsSkip, startNatsServer, type NatsServer } from '../../helpers/nats.ts';
import { readSse, type SseEvent } from '../../helpers/sse.ts';

/**
 * /stream served from the event stream (a private nats-server): two API nodes show the same live feed
 * with stream sequences as SSE ids, and clients resume from a sequence, a Last-Event-ID or a time.
 */
const PARTITIONS = 4;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('/stream from the event stream', { skip: natsSkip, timeout: 120_000 }, () => {
  let nats: NatsServer;
  let settings: BusSettings;
  let monitor: Bus;
  let db: Db;
  const nodes: Array<{ feed: StreamLiveFeed; api: RunningApi }> = [];
  const txs = [...simulatedTransactions({ seed: 11, count: 200, startTime: 1_700_000_000 })].map(
    (s) => decodeItem({ kind: 'tx', tx: s.tx, receivedAtMs: 1 }) as DecodedTx,
  );
  let nextTx = 0;
  /** Every feed message published so far, in stream order, as a client receives it (JSON). */
  const published: FeedMessage[] = [];

  /** Publishes the next `count` transactions as a monitor does; returns their feed messages. */
  async function publish(count: number): Promise<FeedMessage[]> {
    const out: FeedMessage[] = [];
    for (const tx of txs.slice(nextTx, nextTx + count)) {
      for (const m of messagesOf(tx, PARTITIONS)) {
        const ack = await monitor.js.publish(m.subject, m.body, { msgID: m.msgId });
        const parsed = parseMessage(m.body);
        const message = parsed.kind === 'event' ? toFeedMessage(parsed.event) : null;
        if (message) out.push(JSON.parse(JSON.stringify({ ...message, seq: ack.seq })) as FeedMessage);
      }
    }
    nextTx += count;
    assert.ok(out.length > 0, 'the transactions carry feed events');
    published.push(...out);
    return out;
  }

  const asSse = (messages: readonly FeedMessage[]): SseEvent[] => messages.map((m) => ({ id: String(m.seq), event: m.kind, data: m }));
  const url = (path: string, node = 0) => `${nodes[node]!.api.url}${path}`;
  const consumers = async () => (await monitor.jsm.streams.info(settings.stream)).state.consumer_count;

  before(async () => {
    nats = await startNatsServer();
    settings = { url: nats.url, stream: 'MEGATRON_TEST', partitions: PARTITIONS, maxAgeSeconds: 0, maxBytes: 0, dedupWindowSeconds: 120, replicas: 1, ackWaitSeconds: 30 };
    monitor = await openBus(settings, 'test-monitor', 'publisher');
    // A quarantined record in the stream: the feed skips it.
    for (const m of messagesOf({ kind: 'invalid', raw: 'not a transaction', reason: 'test', receivedAtMs: 1 }, PARTITIONS)) await monitor.js.publish(m.subject, m.body, { msgID: m.msgId });
    db = await openDb({ inMemory: true });
    for (let i = 0; i < 2; i++) {
      const feed = (await createLiveFeed({ redisUrl: undefined, bus: settings })) as StreamLiveFeed;
      assert.equal(feed.mode, 'nats');
      nodes.push({ feed, api: await startApiServer({ db, cache: new MemoryCache(), feed, host: '127.0.0.1', port: 0, rateLimitPerMinute: 0 }) });
    }
    await publish(5); // history before any client
  });
  after(async () => {
    for (const { api, feed } of nodes) {
      await api.close();
      await feed.close();
    }
    await monitor?.close();
    await db?.close();
    await nats?.close();
  });

  test('live clients of two API nodes get each new event once, in stream order, with its sequence as the SSE id', async () => {
    const clients = [0, 1].map((node) => readSse(url('/stream', node), 10, {}));
    for (const c of clients) assert.equal((await c.opened).statusCode, 200);
    for (const { feed } of nodes) await feed.ready();
    const fresh = await publish(10);
    assert.ok(fresh.length >= 10 && fresh.some((m) => m.kind === 'trade'), `${fresh.length} feed messages`);
    // The history stored before they connected is not replayed; the quarantined record is skipped.
    for (const c of clients) assert.deepEqual(await c.events, asSse(fresh.slice(0, 10)));
    for (const c of clients) c.close();
  });

  test('from_seq resumes at that sequence: exactly the stored events from there, then live', async () => {
    const from = published[3]!.seq!;
    const history = published.filter((m) => m.seq! >= from);
    const s = readSse(url(`/stream?from_seq=${from}`), history.length + 1);
    assert.equal((await s.opened).statusCode, 200);
    const more = await publish(1);
    const events = await s.events;
    s.close();
    assert.deepEqual(events, asSse([...history, ...more]).slice(0, history.length + 1));
  });

  test('a Last-Event-ID resumes after that event (and wins over the URL\'s from_seq); filters apply', async () => {
    const last = published[6]!.seq!;
    const expected = published.filter((m) => m.seq! > last && m.kind === 'trade');
    const s = readSse(url('/stream?from_seq=1&types=trade', 1), expected.length, { 'last-event-id': String(last) });
    assert.equal((await s.opened).statusCode, 200);
    const events = await s.events;
    s.close();
    assert.deepEqual(events, asSse(expected));
  });

  test('from_time resumes at the first event stored at or after that time (ISO 8601 or unix milliseconds)', async () => {
    await sleep(30);
    const at = Date.now();
    await sleep(30);
    const after = await publish(3);
    for (const t of [new Date(at).toISOString(), String(at)]) {
      const s = readSse(url(`/stream?from_time=${encodeURIComponent(t)}`), after.length);
      const events = await s.events;
      s.close();
      assert.deepEqual(events, asSse(after), t);
    }
  });

  test('a closed resumed client deletes its consumer; bad positions are a 400 naming the parameter', async () => {
    for (let i = 0; i < 100 && (await consumers()) > nodes.length; i++) await sleep(20);
    assert.equal(await consumers(), nodes.length, 'only the live reader of each node is left');

    const bad: Array<[string, Record<string, string>, string, RegExp]> = [
      ['/stream?from_seq=0', {}, 'from_seq', /a stream sequence/],
      ['/stream?from_seq=abc', {}, 'from_seq', /a stream sequence/],
      ['/stream?from_seq=1.5', {}, 'from_seq', /a stream sequence/],
      ['/stream?from_time=yesterday', {}, 'from_time', /ISO 8601/],
      ['/stream?from_time=2026-13-45', {}, 'from_time', /ISO 8601/],
      ['/stream?from_time=1700000000', {}, 'from_time', /unix seconds\? multiply by 1000/],
      ['/stream?from_seq=1&from_time=2026-01-01T00:00:00Z', {}, 'from_time', /mutually exclusive/],
      ['/stream', { 'last-event-id': 'abc' }, 'Last-Event-ID', /a stream sequence/],
    ];
    for (const [path, headers, param, message] of bad) {
      const res = await nodes[0]!.api.app.inject({ method: 'GET', url: path, headers });
      assert.equal(res.statusCode, 400, path);
      const body = res.json<{ error: string; issues: Array<{ path: string; message: string }> }>();
      assert.equal(body.error, 'bad_request');
      assert.deepEqual(body.issues.map((i) => i.path), [param], path);
      assert.match(body.issues[0]!.message, message, path);
    }
  });

  test('after a NATS crash and restart, a live client goes on with the new events (no replay of the stream)', async () => {
    const s = readSse(url('/stream'), 10);
    await s.opened;
    // Publishes made while the monitor reconnects are lost by the client (it retries them): publish once it is back.
    const reconnected = (async () => {
      for await (const status of monitor.nc.status()) if (status.type === 'reconnect') return;
    })();
    await nats.kill();
    await nats.restart();
    await reconnected;
    // The live reader's (in-memory) consumer died with the server; the reader recreates it where it was.
    const fresh = await publish(10);
    assert.ok(fresh.length >= 10);
    assert.deepEqual(await s.events, asSse(fresh.slice(0, 10)));
    s.close();
  });
});
