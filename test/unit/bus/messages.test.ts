import assert from 'node:assert/strict';
import { test } from 'node:test';
import { messagesOf, parseMessage } from '../../../src/bus/messages.ts';
import { ownedPartitions, partitionFilter } from '../../../src/bus/subjects.ts';
import { eventFromJson, eventToJson } from '../../../src/core/event-json.ts';
import { decodeItem, type DecodedTx } from '../../../src/pipeline/decode.ts';
import { simulatedTransactions } from '../../../src/sources/simulate/index.ts';

const decoded = (): DecodedTx[] =>
  [...simulatedTransactions({ seed: 7, count: 400, startTime: 1_700_000_000 })].map((s) => decodeItem({ kind: 'tx', tx: s.tx, receivedAtMs: 1 }) as DecodedTx);

test('the decode line reads back into the same typed event (exact u64s, every event type)', () => {
  const types = new Set<string>();
  for (const t of decoded()) {
    for (const e of t.events) {
      types.add(e.type);
      assert.deepEqual(eventFromJson(JSON.parse(JSON.stringify(eventToJson(e))) as Record<string, unknown>), e);
    }
  }
  assert.ok(types.has('trade') && types.has('token_created'), `event types seen: ${[...types].join(', ')}`);
  assert.throws(() => eventFromJson({ ...eventToJson(decoded().flatMap((t) => t.events).find((e) => e.type === 'trade')!), sol_amount: 1.5 }), /not an integer string/);
});

test('bus messages carry each event, its mint\'s holder balances once, and a partition every writer set covers once', () => {
  const partitions = 8;
  const owners = [0, 1, 2].map((i) => ownedPartitions(i, 3, partitions));
  assert.deepEqual(owners.flat().sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7]);
  let holdersSeen = 0;
  for (const t of decoded()) {
    const msgs = messagesOf(t, partitions);
    assert.equal(msgs.length, t.events.length);
    const back = msgs.map((m) => parseMessage(m.body));
    assert.deepEqual(back.map((b) => (b.kind === 'event' ? b.event : null)), t.events);
    const holders = back.flatMap((b) => (b.kind === 'event' ? b.holders : []));
    assert.deepEqual(holders.sort((a, b) => a.owner.localeCompare(b.owner)), [...t.holders].sort((a, b) => a.owner.localeCompare(b.owner)));
    holdersSeen += holders.length;
    for (const m of msgs) {
      const p = Number(/\.p(\d\d)\./.exec(m.subject)![1]);
      assert.ok(p < partitions && partitionFilter(p).split('.').length === m.subject.split('.').length);
    }
    assert.equal(new Set(msgs.map((m) => m.msgId)).size, msgs.length, 'message ids are unique within a transaction');
  }
  assert.ok(holdersSeen > 0);
});
