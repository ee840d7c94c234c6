import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { createLiveFeed, RedisLiveFeed } from '../../../src/feed/live-feed.ts';
import type { FeedMessage } from '../../../src/feed/messages.ts';
import { sampleEvents } from './fixtures.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function nextBatch(feed: { subscribe(l: (m: readonly FeedMessage[]) => void): () => void }): Promise<readonly FeedMessage[]> {
  return new Promise((resolve) => {
    const off = feed.subscribe((m) => {
      off();
      resolve(m);
    });
  });
}

test('in-process feed maps events to launch / trade / graduation messages with exact amounts', async () => {
  const feed = await createLiveFeed({ redisUrl: undefined });
  assert.equal(feed.mode, 'memory');
  const got = nextBatch(feed);
  const events = sampleEvents();
  await feed.publish(events);
  const messages = await got;
  assert.deepEqual(messages.map((m) => m.kind), ['launch', 'trade', 'graduation']);
  const trade = messages[1]!;
  assert.equal(trade.kind, 'trade');
  if (trade.kind === 'trade') {
    assert.equal(trade.tokenAmount, '18446744073709551615', 'u64 max survives as a string');
    assert.equal(trade.priceSol, '0.0000000279500000001');
  }
  await feed.close();
});

test('Redis feed: a subscriber in another connection (another process) sees the published batch', async () => {
  const channel = `megatron:test:feed:${randomBytes(6).toString('hex')}`;
  const publisher = await createLiveFeed({ redisUrl: REDIS_URL, channel });
  const server = await createLiveFeed({ redisUrl: REDIS_URL, channel });
  assert.equal(publisher.mode, 'redis');
  const got = nextBatch(server);
  await (server as RedisLiveFeed).ready();
  await publisher.publish(sampleEvents());
  const messages = await got;
  assert.equal(messages.length, 3);
  assert.equal(messages[0]!.kind, 'launch');
  await publisher.close();
  await server.close();
});

test('unreachable Redis falls back to the in-process feed instead of failing', async () => {
  const feed = await createLiveFeed({ redisUrl: 'redis://127.0.0.1:1', connectTimeoutMs: 300 });
  assert.equal(feed.mode, 'memory');
  await feed.close();
});
