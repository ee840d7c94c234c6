import { AckPolicy, DeliverPolicy, type Consumer, type ConsumerMessages, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { openBus, type Bus, type BusSettings } from '../bus/connection.ts';
import { parseMessage } from '../bus/messages.ts';
import { errorMessage } from '../core/errors.ts';
import { log } from '../core/logger.ts';
import { Listeners, type FeedListener, type FeedPosition, type LiveFeed, type ReplayListener } from './live-feed.ts';
import { toFeedMessage, type FeedMessage } from './messages.ts';

/** Most messages pulled at once, and most handed to a listener in one call. */
const MAX_BATCH = 500;
/** Pause before a reader whose consumer failed opens a new one where it stopped. */
const RETRY_MS = 1000;

/** The feed message of one stream message, with its sequence; null for quarantined records, events the feed does not carry, and unreadable bodies. */
function feedMessageOf(m: JsMsg): FeedMessage | null {
  let parsed;
  try {
    parsed = parseMessage(m.string());
  } catch (err) {
    log().warn({ seq: m.seq, subject: m.subject, err: errorMessage(err) }, 'live feed: unreadable stream message skipped');
    return null;
  }
  if (parsed.kind !== 'event') return null;
  const message = toFeedMessage(parsed.event);
  return message && { ...message, seq: m.seq };
}

/**
 * The sequence a reader starts at. "Now" and a time are resolved by the server through a probe consumer
 * (deleted at once) rather than handed to the ordered consumer as DeliverPolicy.New / StartTime: an ordered
 * consumer that recreates itself (server restart, missed heartbeats) before its first message restarts at
 * its start sequence — with those policies sequence 1, the whole stream.
 */
async function startSequence(jsm: JetStreamManager, stream: string, from: FeedPosition | 'live'): Promise<number> {
  if (from !== 'live' && 'seq' in from) return from.seq;
  const policy =
    from === 'live' ? { deliver_policy: DeliverPolicy.New } : { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(from.timeMs).toISOString() };
  const probe = await jsm.consumers.add(stream, { ack_policy: AckPolicy.None, mem_storage: true, inactive_threshold: nanos(30_000), ...policy });
  jsm.consumers.delete(stream, probe.name).catch(() => {});
  // A new consumer reports the sequence before its first as delivered.
  return probe.delivered.stream_seq + 1;
}

/**
 * Reads the stream from a position through an ordered consumer (no acks, server-side state only while it
 * runs) and hands the feed messages to `deliver` in batches: what arrived together (up to MAX_BATCH) in one
 * call. A failed consumer is replaced by one starting after the last message read.
 */
class StreamReader {
  private stopped = false;
  private consumer: Consumer | undefined;
  private messages: ConsumerMessages | undefined;
  private pending: FeedMessage[] = [];
  private timer: NodeJS.Immediate | undefined;
  /** The last delivery: the reader pulls on once it settles (backpressure of a ReplayListener). */
  private delivered: Promise<void> = Promise.resolve();
  private markStarted!: () => void;
  /** Resolves once the start sequence is fixed: every message stored from then on is read. */
  readonly started = new Promise<void>((resolve) => (this.markStarted = resolve));

  constructor(
    private readonly bus: Bus,
    from: FeedPosition | 'live',
    private readonly deliver: ReplayListener,
  ) {
    void this.run(from);
  }

  private async run(from: FeedPosition | 'live'): Promise<void> {
    const { stream } = this.bus.settings;
    let next: number | undefined;
    while (!this.stopped) {
      try {
        next ??= await startSequence(this.bus.jsm, stream, from);
        this.markStarted();
        this.consumer = await this.bus.js.consumers.get(stream, { opt_start_seq: next });
        this.messages = await this.consumer.consume({ max_messages: MAX_BATCH });
        if (this.stopped) this.stop();
        for await (const m of this.messages) {
          next = m.seq + 1;
          const message = feedMessageOf(m);
          if (message) this.pending.push(message);
          if (this.pending.length >= MAX_BATCH) this.flush();
          else this.timer ??= setImmediate(() => this.flush());
          await this.delivered;
        }
      } catch (err) {
        if (!this.stopped) log().warn({ stream, next, err: errorMessage(err) }, 'live feed: stream consumer failed; reopening');
      }
      this.flush();
      if (!this.stopped) await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }

  private flush(): void {
    clearImmediate(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const warn = (err: unknown) => log().warn({ err: errorMessage(err) }, 'live feed listener failed');
    try {
      this.delivered = Promise.resolve(this.deliver(batch)).catch(warn);
    } catch (err) {
      warn(err);
    }
  }

  stop(): void {
    this.stopped = true;
    this.messages?.stop();
    // Now rather than after the consumer's inactivity threshold (5 min): every resumed client has one.
    this.consumer?.delete().catch(() => {});
  }
}

/**
 * The live feed read from the event stream (mode `nats`): any number of API nodes show the same events,
 * and a client can resume from a sequence or a time (`replay`). Live subscribers share one reader, opened
 * on the first `subscribe`; each resumed client has its own. Events appear as the monitors store them in
 * the stream, i.e. before a writer commits them to the database.
 */
export class StreamLiveFeed implements LiveFeed {
  readonly mode = 'nats' as const;
  private readonly listeners = new Listeners();
  private readonly readers = new Set<StreamReader>();
  private live: StreamReader | undefined;

  constructor(private readonly bus: Bus) {}

  /**
   * Nothing to do: monitors publish every decoded event to the stream themselves (src/bus/publisher.ts);
   * publishing the writer's committed events again would show each one twice.
   */
  async publish(): Promise<void> {}

  subscribe(listener: FeedListener): () => void {
    this.live ??= this.read('live', (messages) => this.listeners.deliver(messages));
    return this.listeners.add(listener);
  }

  /** Resolves once the live reader (opened by the first `subscribe`) reads every new message (so a test's first publish is not missed). */
  async ready(): Promise<void> {
    await this.live?.started;
  }

  replay(from: FeedPosition, listener: ReplayListener): () => void {
    const reader = this.read(from, listener);
    return () => {
      reader.stop();
      this.readers.delete(reader);
    };
  }

  private read(from: FeedPosition | 'live', deliver: ReplayListener): StreamReader {
    const reader = new StreamReader(this.bus, from, deliver);
    this.readers.add(reader);
    return reader;
  }

  async close(): Promise<void> {
    for (const r of this.readers) r.stop();
    this.readers.clear();
    await this.bus.close();
  }
}

/** Connects to the stream (creating it if absent, like every role does). */
export async function openStreamFeed(settings: BusSettings): Promise<StreamLiveFeed> {
  return new StreamLiveFeed(await openBus(settings, 'megatron-live-feed', 'reader'));
}
