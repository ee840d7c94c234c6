import { Redis } from 'ioredis';
import type { BusSettings } from '../bus/connection.ts';
import type { LaunchpadEvent } from '../core/events.ts';
import { errorMessage } from '../core/errors.ts';
import { log } from '../core/logger.ts';
import { feedMessages } from '../core/metrics.ts';
import { feedMessagesOf, type FeedMessage } from './messages.ts';

/** Receives each published batch, in publish order. Must not throw (errors are logged and swallowed). */
export type FeedListener = (messages: readonly FeedMessage[]) => void;

/** A resumed client's listener: returning a promise holds further deliveries until it settles (a slow client is waited for, not dropped from). */
export type ReplayListener = (messages: readonly FeedMessage[]) => void | Promise<void>;

/** Where a resumed client starts: at a stream sequence, or at the first event the stream stored at or after a time. */
export type FeedPosition = { seq: number } | { timeMs: number };

/**
 * The live feed of launches, trades and graduations. The pipeline calls `publish` after each committed
 * batch; the API's `/stream` subscribes. Over Redis pub/sub a `megatron serve` process sees the events of
 * a `megatron run` process; without Redis it is an in-process fan-out (same interface, one process).
 * Over the event stream (`nats`, src/feed/stream-feed.ts) every API node reads the monitors' events itself.
 */
export interface LiveFeed {
  readonly mode: 'redis' | 'memory' | 'nats';
  publish(events: readonly LaunchpadEvent[]): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(listener: FeedListener): () => void;
  /**
   * One client's feed from `from` on, then live; returns the unsubscribe function. Only the event stream
   * keeps history (Redis pub/sub and the in-process feed forget a message once delivered), so only a
   * `nats` feed has it.
   */
  replay?(from: FeedPosition, listener: ReplayListener): () => void;
  close(): Promise<void>;
}

/** Default pub/sub channel; tests pass their own so parallel runs never hear each other. */
export const DEFAULT_FEED_CHANNEL = 'megatron:feed';

/** The subscribers of a feed; a throwing listener is logged and does not stop the others. */
export class Listeners {
  private readonly set = new Set<FeedListener>();
  add(l: FeedListener): () => void {
    this.set.add(l);
    return () => this.set.delete(l);
  }
  get size(): number {
    return this.set.size;
  }
  deliver(messages: readonly FeedMessage[]): void {
    for (const l of this.set) {
      try {
        l(messages);
      } catch (err) {
        log().warn({ err: errorMessage(err) }, 'live feed listener failed');
      }
    }
  }
}

function count(messages: readonly FeedMessage[]): void {
  for (const msg of messages) feedMessages.inc({ kind: msg.kind });
}

/** In-process fan-out: listeners are called synchronously inside `publish`. */
export class MemoryLiveFeed implements LiveFeed {
  readonly mode = 'memory' as const;
  private readonly listeners = new Listeners();

  async publish(events: readonly LaunchpadEvent[]): Promise<void> {
    if (events.length === 0) return;
    const messages = feedMessagesOf(events);
    count(messages);
    this.listeners.deliver(messages);
  }

  subscribe(listener: FeedListener): () => void {
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {}
}

/**
 * Redis pub/sub: one message per published batch (a JSON array), so a 5,000-trade batch is one PUBLISH.
 * The subscriber connection is opened on the first `subscribe` (a process that only publishes never
 * holds one). Messages are at-most-once, like any pub/sub: the feed is for live views, not for storage.
 */
export class RedisLiveFeed implements LiveFeed {
  readonly mode = 'redis' as const;
  private readonly listeners = new Listeners();
  private subscriber: Redis | undefined;

  constructor(
    private readonly publisher: Redis,
    private readonly channel: string = DEFAULT_FEED_CHANNEL,
  ) {}

  async publish(events: readonly LaunchpadEvent[]): Promise<void> {
    if (events.length === 0) return;
    const messages = feedMessagesOf(events);
    count(messages);
    await this.publisher.publish(this.channel, JSON.stringify(messages));
  }

  subscribe(listener: FeedListener): () => void {
    if (!this.subscriber) {
      const sub = this.publisher.duplicate();
      sub.on('message', (_channel: string, payload: string) => {
        try {
          this.listeners.deliver(JSON.parse(payload) as FeedMessage[]);
        } catch (err) {
          log().warn({ err: errorMessage(err) }, 'live feed: unreadable message');
        }
      });
      sub.subscribe(this.channel).catch((err: unknown) => log().warn({ err: errorMessage(err) }, 'live feed: subscribe failed'));
      this.subscriber = sub;
    }
    return this.listeners.add(listener);
  }

  /** Resolves once the subscriber connection is listening (so a test's first publish is not lost). */
  async ready(): Promise<void> {
    if (!this.subscriber) return;
    // SUBSCRIBE was queued first on this connection; PING on a subscribed connection answers after it.
    await this.subscriber.ping();
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
    this.publisher.disconnect();
  }
}

export interface LiveFeedOptions {
  redisUrl: string | undefined;
  /** The event stream: when set, the feed reads it (mode `nats`) and Redis is not used for the feed. */
  bus?: BusSettings;
  channel?: string;
  /** How long to wait for Redis before falling back to the in-process feed. */
  connectTimeoutMs?: number;
}

/** The event stream when `bus` is set; else Redis when `redisUrl` is set and reachable, else in-process (said once in the log). */
export async function createLiveFeed(opts: LiveFeedOptions): Promise<LiveFeed> {
  if (opts.bus) {
    // Loaded on demand: a process without the stream never loads the NATS client.
    const { openStreamFeed } = await import('./stream-feed.ts');
    return openStreamFeed(opts.bus);
  }
  if (!opts.redisUrl) return new MemoryLiveFeed();
  const redis = new Redis(opts.redisUrl, {
    lazyConnect: true,
    connectTimeout: opts.connectTimeoutMs ?? 2000,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
  });
  redis.on('error', () => {}); // reconnects are ioredis' job; failures surface on publish
  try {
    await redis.connect();
    return new RedisLiveFeed(redis, opts.channel);
  } catch (err) {
    redis.disconnect();
    log().warn({ err: errorMessage(err) }, 'live feed: Redis unreachable, using the in-process feed (other processes will not see events)');
    return new MemoryLiveFeed();
  }
}
