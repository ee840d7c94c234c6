import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { DB_TARGETS, openTestDb, type TestDb } from '../../helpers/db.ts';
import { readSse } from '../../helpers/sse.ts';
import { sampleEvents } from './fixtures.ts';
import { startApi, type ApiHarness } from './harness.ts';
import { syntheticMarket } from './market.ts';

/** /stream over a real socket: SSE framing, server-side filters, cleanup on disconnect. */
let db: TestDb;
let api: ApiHarness;
let base: string;

before(async () => {
  db = await openTestDb(DB_TARGETS.find((t) => t.name === 'pglite')!);
  api = await startApi(db, { market: syntheticMarket({ tokens: 1, tradesPerToken: 1 }) });
  await api.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}`;
});
after(async () => {
  await api?.close();
  await db?.close();
});

const collect = (path: string, count: number) => readSse(`${base}${path}`, count);

test('/stream delivers launch, trade and graduation events as named SSE events', async () => {
  const s = collect('/stream', 3);
  const res = await s.opened;
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/event-stream/);
  await api.feed.publish(sampleEvents());
  const events = await s.events;
  assert.deepEqual(events.map((e) => e.event), ['launch', 'trade', 'graduation']);
  assert.equal((events[1]!.data as { tokenAmount: string }).tokenAmount, '18446744073709551615');
  s.close();
});

test('/stream filters by kind and mint on the server', async () => {
  const mint = '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU';
  const s = collect(`/stream?types=trade&mint=${mint}`, 1);
  await s.opened;
  await api.feed.publish(sampleEvents()); // other mint: filtered out
  await api.feed.publish(sampleEvents(mint));
  const events = await s.events;
  assert.equal(events.length, 1);
  assert.equal(events[0]!.event, 'trade');
  assert.equal((events[0]!.data as { mint: string }).mint, mint);
  s.close();
});

test('a closed stream unsubscribes (the subscriber gauge returns to its value)', async () => {
  const gauge = async () => Number(/megatron_feed_subscribers (\d+)/.exec((await api.app.inject({ method: 'GET', url: '/metrics' })).body)?.[1]);
  const settle = async (want: number) => {
    for (let i = 0; i < 100 && (await gauge()) !== want; i++) await new Promise((r) => setTimeout(r, 20));
    return gauge();
  };
  assert.equal(await settle(0), 0, 'the earlier tests streams are gone');
  const s = collect('/stream', 1);
  await s.opened;
  assert.equal(await gauge(), 1);
  s.close();
  assert.equal(await settle(0), 0);
});

test('without the event stream: events carry no id, from_seq / from_time are a 400, a Last-Event-ID is ignored', async () => {
  for (const url of ['/stream?from_seq=5', '/stream?from_time=2026-01-01T00:00:00Z']) {
    const res = await api.app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 400, url);
    assert.match(res.json<{ message: string }>().message, /needs the event stream \(NATS_URL\).*memory/, url);
  }
  const s = readSse(`${base}/stream`, 3, { 'last-event-id': '41' });
  assert.equal((await s.opened).statusCode, 200);
  await api.feed.publish(sampleEvents());
  const events = await s.events;
  assert.equal(events.length, 3);
  assert.deepEqual(events.map((e) => e.id), [undefined, undefined, undefined]);
  s.close();
});
