import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { DB_TARGETS, openTestDb, type TestDb } from '../../helpers/db.ts';
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

/** Opens an SSE request and collects events until `count` arrived. */
function collect(path: string, count: number): { events: Promise<Array<{ event: string; data: unknown }>>; opened: Promise<http.IncomingMessage>; close(): void } {
  let req!: http.ClientRequest;
  let resolveOpen!: (r: http.IncomingMessage) => void;
  const opened = new Promise<http.IncomingMessage>((r) => (resolveOpen = r));
  const events = new Promise<Array<{ event: string; data: unknown }>>((resolve) => {
    req = http.get(`${base}${path}`, (res) => {
      resolveOpen(res);
      const out: Array<{ event: string; data: unknown }> = [];
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev = /^event: (.*)$/m.exec(frame);
          const data = /^data: (.*)$/m.exec(frame);
          if (ev && data) out.push({ event: ev[1]!, data: JSON.parse(data[1]!) });
          if (out.length >= count) resolve(out);
        }
      });
      res.on('error', () => resolve(out)); // the test closed the stream
    });
    req.on('error', () => {});
  });
  return { events, opened, close: () => req.destroy() };
}

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
