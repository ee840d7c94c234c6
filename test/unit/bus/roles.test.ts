import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { natsSourceUrl, parseWriterSlot, publishUrl } from '../../../src/cli/stream-roles.ts';
import { loadConfig } from '../../../src/config.ts';
import { UsageError } from '../../../src/core/errors.ts';
import { ownedPartitions } from '../../../src/bus/subjects.ts';

describe('event stream roles: flags and settings', () => {
  const withUrl = loadConfig({ NATS_URL: 'nats://10.0.0.5:4222', NATS_PARTITIONS: '16', NATS_MAX_BYTES: '1000000' });
  const without = loadConfig({});

  test('NATS_* settings parse, with defaults; a bad value names its variable', () => {
    assert.deepEqual(withUrl.bus, { url: 'nats://10.0.0.5:4222', stream: 'MEGATRON', partitions: 16, maxAgeSeconds: 604_800, maxBytes: 1_000_000, dedupWindowSeconds: 120, replicas: 1, ackWaitSeconds: 60 });
    assert.equal(without.bus.url, undefined);
    assert.throws(() => loadConfig({ NATS_URL: 'http://x' }), /NATS_URL/);
    assert.throws(() => loadConfig({ NATS_PARTITIONS: '0' }), /NATS_PARTITIONS/);
    assert.throws(() => loadConfig({ NATS_STREAM: 'a.b' }), /NATS_STREAM/);
  });

  test('--source nats takes NATS_URL, --source nats://… its own; other kinds are not the stream', () => {
    assert.equal(natsSourceUrl('nats', withUrl), 'nats://10.0.0.5:4222');
    assert.equal(natsSourceUrl('nats://127.0.0.1:4333', without), 'nats://127.0.0.1:4333');
    assert.equal(natsSourceUrl('simulate', withUrl), null);
    assert.equal(natsSourceUrl(undefined, withUrl), null);
    assert.throws(() => natsSourceUrl('nats', without), UsageError);
  });

  test('--publish without a URL takes NATS_URL; a URL that is not nats:// is refused', () => {
    assert.equal(publishUrl(undefined, withUrl), null);
    assert.equal(publishUrl(true, withUrl), 'nats://10.0.0.5:4222');
    assert.equal(publishUrl('nats://h:1', without), 'nats://h:1');
    assert.throws(() => publishUrl(true, without), UsageError);
    assert.throws(() => publishUrl('redis://h:1', without), UsageError);
  });

  test('--writer i/n: every partition has exactly one owner among n writers', () => {
    assert.deepEqual(parseWriterSlot('1/3'), { index: 1, count: 3 });
    for (const bad of ['3/3', '1', 'a/b', '0/0', '-1/2']) assert.throws(() => parseWriterSlot(bad), new RegExp('i/n'), bad);
    for (const n of [1, 2, 3, 8]) {
      const owned = Array.from({ length: n }, (_, i) => ownedPartitions(i, n, 8)).flat().sort((a, b) => a - b);
      assert.deepEqual(owned, [0, 1, 2, 3, 4, 5, 6, 7], `${n} writers`);
    }
  });
});
