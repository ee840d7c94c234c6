import type { PubAck } from '@nats-io/jetstream';
import type { Platform } from '../core/events.ts';
import { errorMessage, RetryableError } from '../core/errors.ts';
import { busPublished, busPublishFailures } from '../core/metrics.ts';
import { batchPosition, splitBatch, type BatchSink, type CommittedBatch } from '../pipeline/commit.ts';
import type { PipelineItem } from '../pipeline/decode.ts';
import type { Checkpoint } from '../sources/types.ts';
import type { Bus } from './connection.ts';
import { messagesOf, type OutgoingMessage } from './messages.ts';

/**
 * The event stream as the pipeline's sink (`megatron run --publish`): a batch "commits" once the stream
 * acknowledged every one of its messages, and only then does the source checkpoint (in the stream's
 * key-value bucket) move. A refused or unanswered publish fails the whole batch with a retryable error:
 * the pipeline holds it and retries — already stored messages come back as duplicates, dropped by their
 * message id — so a full stream or a restarting server slows the monitor down and loses nothing.
 */
export class BusSink implements BatchSink {
  constructor(private readonly bus: Bus) {}

  readCheckpoint(name: string) {
    return this.bus.checkpoints.read(name);
  }

  async commit(name: string, batch: readonly PipelineItem[]): Promise<CommittedBatch> {
    const { txs, ordered, gaps, invalid } = splitBatch(batch);
    const trusted = ordered.filter((t) => t.quarantine === null);
    const { partitions } = this.bus.settings;
    const messages: OutgoingMessage[] = [];
    /** The platform of each trade message (null for other messages), to count the trades the stream kept. */
    const tradeOf: (Platform | null)[] = [];
    for (const item of [...invalid, ...ordered]) {
      const list = messagesOf(item, partitions);
      messages.push(...list);
      const events = item.kind === 'tx' && item.quarantine === null ? item.events : [];
      for (let i = 0; i < list.length; i++) tradeOf.push(events[i]?.type === 'trade' ? events[i]!.program : null);
    }
    const acks = await this.publishAll(messages);
    const tradesInserted: Record<Platform, number> = { pumpfun: 0, launchlab: 0 };
    let duplicates = 0;
    acks.forEach((ack, i) => {
      if (ack.duplicate) duplicates++;
      else if (tradeOf[i]) tradesInserted[tradeOf[i]!]++;
    });
    busPublished.inc({ outcome: 'stored' }, acks.length - duplicates);
    if (duplicates > 0) busPublished.inc({ outcome: 'duplicate' }, duplicates);

    const quarantined = new Map<string, number>();
    for (const t of ordered) if (t.quarantine) quarantined.set(t.quarantine.kind, (quarantined.get(t.quarantine.kind) ?? 0) + 1);
    if (invalid.length > 0) quarantined.set('invalid', invalid.length);
    const last = ordered.at(-1);
    const checkpoint = last ? await this.advanceCheckpoint(name, { slot: last.slot, signature: last.signature }) : null;
    return {
      txs: txs.length,
      events: trusted.flatMap((t) => t.events),
      tradesInserted,
      quarantined,
      flagged: trusted.filter((t) => t.flags !== null).length,
      gaps,
      checkpoint,
      ...batchPosition(txs, ordered, trusted),
    };
  }

  private async advanceCheckpoint(name: string, next: Checkpoint): Promise<Checkpoint | null> {
    try {
      return await this.bus.checkpoints.advance(name, next);
    } catch (err) {
      throw new RetryableError(`checkpoint ${name} in stream ${this.bus.settings.stream}: ${errorMessage(err)}`);
    }
  }

  private async publishAll(messages: readonly OutgoingMessage[]): Promise<PubAck[]> {
    try {
      // The whole batch in flight at once (a batch is bounded by BATCH_MAX_ROWS): one connection writes
      // them in order, the acks come back in any order; waiting per window would cost a round trip each.
      return await Promise.all(messages.map((m) => this.bus.js.publish(m.subject, m.body, { msgID: m.msgId, timeout: 10_000 })));
    } catch (err) {
      busPublishFailures.inc();
      throw new RetryableError(`publish to stream ${this.bus.settings.stream}: ${errorMessage(err)}`);
    }
  }
}
