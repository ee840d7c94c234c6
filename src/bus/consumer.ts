import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, type ConsumerConfig, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { errorMessage } from '../core/errors.ts';
import { log } from '../core/logger.ts';
import { busConsumerPending } from '../core/metrics.ts';
import type { DecodedSource, DecodedTx, PipelineItem } from '../pipeline/decode.ts';
import { BoundedQueue } from '../sources/queue.ts';
import type { SourceStartOptions } from '../sources/types.ts';
import type { Bus } from './connection.ts';
import { parseMessage } from './messages.ts';
import { ownedPartitions, partitionFilter } from './subjects.ts';

/** Messages a partition's consumer may hand out before the writer acknowledges them (bounds redelivery work). */
const MAX_ACK_PENDING = 20_000;
/** Messages each pull asks for; the iterator refills at 75 %. */
const PULL_BATCH = 1_000;
/** Items between the consumers and the pipeline (the batcher takes them from here). */
const QUEUE_CAPACITY = 10_000;
/** How often the writer's lag (messages not yet committed, per partition) is sampled for the metrics. */
const LAG_SAMPLE_MS = 5_000;

/** Writer `index` of `count`: it owns the partitions p ≡ index (mod count). */
export interface WriterSlot {
  index: number;
  count: number;
}

/** The durable consumer of one partition: named by the partition, not the writer, so re-sharding keeps positions. */
export const partitionConsumerName = (stream: string, p: number): string => `${stream}-writer-p${String(p).padStart(2, '0')}`;

/** Where each partition stands: the highest stream sequence handed to the pipeline, and committed. */
interface PartitionState {
  partition: number;
  delivered: number;
  committed: number;
}

const isApiError = (err: unknown, code: number): boolean => err instanceof JetStreamApiError && err.code === code;

/**
 * `megatron run --source nats://…`: the writer's source. One durable pull consumer per owned partition
 * (cumulative acks), merged into one stream of pipeline items — one item per message, so a message is
 * acknowledged exactly when its batch committed ({@link BusSource.committed}).
 *
 * Per-token order holds because a token's events live in one partition, which one writer reads in
 * stream order: a crash leaves messages unacknowledged, and the server would redeliver them after
 * `ack_wait` interleaved with newer ones, so on start a consumer with pending messages is recreated at
 * its ack floor (everything after it comes again, in order; what was already stored is skipped by its
 * key). While running, a redelivery (an ack lost in a server restart, or a batch held by a database
 * outage beyond `ack_wait`) of a message already handed over is acknowledged if its batch committed and
 * otherwise ignored: the copy in flight is acknowledged when it commits.
 */
export class BusSource implements DecodedSource {
  readonly name: string;
  /** The partitions this writer owns. */
  readonly partitions: number[];
  private readonly origin = new WeakMap<PipelineItem, { msg: JsMsg; state: PartitionState }>();

  constructor(
    private readonly bus: Bus,
    writer: WriterSlot,
  ) {
    const { stream, partitions } = bus.settings;
    this.name = `nats:${stream}:writer${writer.index}of${writer.count}`;
    this.partitions = ownedPartitions(writer.index, writer.count, partitions);
  }

  async *decoded({ signal }: SourceStartOptions): AsyncGenerator<PipelineItem> {
    const queue = new BoundedQueue<PipelineItem>(QUEUE_CAPACITY);
    const reading: ConsumerMessages[] = [];
    const stop = (): void => {
      for (const r of reading) r.stop();
      queue.close();
    };
    signal.addEventListener('abort', stop, { once: true });
    const lag = setInterval(() => void this.sampleLag(), LAG_SAMPLE_MS);
    lag.unref();
    try {
      for (const p of this.partitions) {
        const messages = await this.open(p);
        reading.push(messages);
        const state: PartitionState = { partition: p, delivered: 0, committed: 0 };
        this.pump(messages, state, queue, signal).catch((err: unknown) => queue.close(err));
      }
      log().info({ stream: this.bus.settings.stream, partitions: this.partitions }, 'event stream: writer consuming its partitions');
      for (;;) {
        const item = await queue.take(signal);
        if (item === undefined) return;
        yield item;
      }
    } finally {
      clearInterval(lag);
      signal.removeEventListener('abort', stop);
      stop();
    }
  }

  private async sampleLag(): Promise<void> {
    const { jsm, settings } = this.bus;
    for (const p of this.partitions) {
      const info = await jsm.consumers.info(settings.stream, partitionConsumerName(settings.stream, p)).catch(() => null);
      if (info) busConsumerPending.set({ partition: String(p) }, info.num_pending + info.num_ack_pending);
    }
  }

  /**
   * Acknowledges a committed batch: its last message of each partition (the consumers ack "all": a
   * partition's items reach the batches in stream order, so a batch always ends a committed prefix).
   */
  committed(batch: readonly PipelineItem[]): void {
    const last = new Map<PartitionState, JsMsg>();
    for (const item of batch) {
      const o = this.origin.get(item);
      if (o) last.set(o.state, o.msg);
    }
    for (const [state, msg] of last) {
      msg.ack();
      state.committed = msg.seq;
    }
  }

  private async pump(messages: ConsumerMessages, state: PartitionState, queue: BoundedQueue<PipelineItem>, signal: AbortSignal): Promise<void> {
    for await (const msg of messages) {
      if (msg.seq <= state.delivered) {
        // A redelivery: acknowledged again if it committed; the copy in flight is acknowledged with its batch.
        if (msg.seq <= state.committed) msg.ack();
        continue;
      }
      state.delivered = msg.seq;
      const item = itemOf(msg);
      this.origin.set(item, { msg, state });
      await queue.put(item, signal);
      if (signal.aborted) return;
    }
    // The iterator ends on its own only when the consumer or the stream is gone (deleted by an operator):
    // failing the source stops the writer loudly instead of leaving a partition silently unread.
    if (!signal.aborted) throw new Error(`event stream: the consumer of partition ${state.partition} ended (deleted?); restart the writer`);
  }

  /** The partition's consumer, created on first use; recreated at its ack floor when a crash left messages pending. */
  private async open(p: number): Promise<ConsumerMessages> {
    const { jsm, js, settings } = this.bus;
    const name = partitionConsumerName(settings.stream, p);
    const config: Partial<ConsumerConfig> = {
      durable_name: name,
      filter_subject: partitionFilter(p),
      ack_policy: AckPolicy.All,
      ack_wait: nanos(settings.ackWaitSeconds * 1000),
      max_ack_pending: MAX_ACK_PENDING,
      deliver_policy: DeliverPolicy.All,
    };
    try {
      const info = await jsm.consumers.info(settings.stream, name);
      const changed = info.config.ack_policy !== config.ack_policy || info.config.ack_wait !== config.ack_wait || info.config.max_ack_pending !== config.max_ack_pending;
      if (info.num_ack_pending > 0 || changed) {
        const from = info.ack_floor.stream_seq + 1;
        await jsm.consumers.delete(settings.stream, name);
        await jsm.consumers.add(settings.stream, { ...config, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from });
        log().info({ consumer: name, from, pending: info.num_ack_pending }, 'event stream: consumer resumes in order from its ack floor');
      }
    } catch (err) {
      if (!isApiError(err, JetStreamApiCodes.ConsumerNotFound)) throw err;
      await jsm.consumers.add(settings.stream, config);
      log().info({ consumer: name }, 'event stream: consumer created (reads the partition from the stream\'s start)');
    }
    const consumer = await js.consumers.get(settings.stream, name);
    return consumer.consume({ max_messages: PULL_BATCH });
  }
}

/** One message as one pipeline item: its event (a one-event transaction), or what is quarantined. */
function itemOf(msg: JsMsg): PipelineItem {
  const body = msg.string();
  let parsed: ReturnType<typeof parseMessage>;
  try {
    parsed = parseMessage(body);
  } catch (err) {
    return { kind: 'invalid', raw: body, reason: `unreadable stream message ${msg.subject} #${msg.seq}: ${errorMessage(err)}`, receivedAtMs: Date.now() };
  }
  if (parsed.kind === 'quarantine') return parsed.item;
  const { event, receivedAtMs, holders, flags } = parsed;
  const tx: DecodedTx = {
    kind: 'tx', signature: event.signature, slot: event.slot, blockTime: event.blockTime, receivedAtMs, events: [event], holders, quarantine: null, flags, coverage: [],
  };
  return tx;
}
