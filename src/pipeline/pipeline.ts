import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { errorMessage } from '../core/errors.ts';
import { log } from '../core/logger.ts';
import { arrivalToCommit, batchLatency, gapsBackfilled, quarantined, slotLag, tradesStored, wallClockLag } from '../core/metrics.ts';
import type { Db } from '../db/types.ts';
import type { BackoffOptions } from '../sources/backoff.ts';
import type { SourceItem, TransactionSource } from '../sources/types.ts';
import { batches } from './batcher.ts';
import { databaseSink, type BatchSink, type CommittedBatch } from './commit.ts';
import { DecodeCounts, decodeItem, itemWeight, type DecodedSource, type PipelineItem } from './decode.ts';
import type { AfterCommitHook, HookBatch } from './hooks.ts';
import { retrying } from './retry.ts';
import { emptyStats, type PipelineStats } from './status.ts';

/** Committed batches that may wait for the after-commit hooks before the pipeline waits for them. */
const MAX_HOOK_BACKLOG = 4;

/** Decoded items between two event-loop turns while a batch fills (a power of two). */
const DECODE_TURN_EVERY = 32;

interface PipelineBaseOptions {
  /** Raw transactions (decoded on this thread) or items decoded elsewhere (a decoder thread, the event bus). */
  source: TransactionSource | DecodedSource;
  /** Checkpoint key; default the source's name. */
  checkpointName?: string;
  /** A batch closes at this many rows (events) … */
  maxBatchRows: number;
  /** … or this long after its first item, whichever comes first. */
  maxBatchWaitMs: number;
  hooks?: AfterCommitHook[];
  signal: AbortSignal;
  /** Pacing of database retries (tests shorten it). */
  retryBackoff?: BackoffOptions;
}

/** Batches commit to the database (`db`), or to another {@link BatchSink} such as the event bus. */
export type PipelineOptions = PipelineBaseOptions & ({ db: Db; sink?: never } | { sink: BatchSink; db?: never });

/**
 * source → decoder → batcher → writer, exactly once:
 *  - every batch is ONE database transaction with its rows and the source checkpoint, so after a crash
 *    the source resumes where the last committed batch ended, and replayed rows are skipped by their
 *    natural keys;
 *  - at most one batch is formed ahead while the previous one commits; when the database fails with a
 *    retryable error the batch is held and retried with backoff and nothing more is pulled from the
 *    source (memory stays bounded, the source's own queue applies backpressure to the transport);
 *  - after-commit hooks run in the background in commit order (at most MAX_HOOK_BACKLOG batches behind)
 *    and cannot fail the pipeline.
 */
export class Pipeline {
  readonly stats: PipelineStats = emptyStats();
  readonly checkpointName: string;
  private readonly sink: BatchSink;
  /** Committed batches waiting for the next hook round, the round in progress, and the whole drain. */
  private readonly hookBacklog: HookBatch[] = [];
  private hookRound: Promise<void> | null = null;
  private hooksRunning: Promise<void> | null = null;

  constructor(private readonly opts: PipelineOptions) {
    this.checkpointName = opts.checkpointName ?? opts.source.name;
    this.sink = opts.sink ?? databaseSink(opts.db);
  }

  /** Runs until the source ends or the signal aborts (the batch in hand is committed first). */
  async run(): Promise<PipelineStats> {
    const { signal } = this.opts;
    const checkpoint = await retrying('read checkpoint', () => this.sink.readCheckpoint(this.checkpointName), { signal, backoff: this.opts.retryBackoff });
    log().info({ source: this.checkpointName, checkpoint }, checkpoint ? 'resuming from checkpoint' : 'no checkpoint: starting from the source\'s beginning');
    const { source } = this.opts;
    const decoded = this.observe('decoded' in source ? source.decoded({ checkpoint, signal }) : this.decode(source.stream({ checkpoint, signal })));
    const it = batches(decoded, { maxItems: this.opts.maxBatchRows, maxWaitMs: this.opts.maxBatchWaitMs, weight: itemWeight })[Symbol.asyncIterator]();
    try {
      let next = it.next();
      for (;;) {
        const r = await next;
        if (r.done) break;
        // One-batch lookahead: the next batch fills (bounded) while this one commits.
        next = it.next();
        next.catch(() => undefined); // awaited next round; do not let it count as unhandled meanwhile
        const committed = await this.commit(r.value);
        if ('committed' in source) source.committed?.(r.value);
        await this.afterCommit({ ...committed, sourceAhead: source.atFullSpeed === true || batchWeight(r.value) >= this.opts.maxBatchRows });
        if (signal.aborted) break;
        // The embedded database answers in microtasks: without a macrotask turn per batch, timers (the
        // status line, batch windows, jobs) and the API's sockets would starve while ingestion is busy.
        await yieldToEventLoop();
      }
    } finally {
      await this.hooksRunning;
      await it.return?.(undefined);
    }
    return this.stats;
  }

  /** The newest slot delivered, for the status line's lag. */
  private async *observe(items: AsyncIterable<PipelineItem>): AsyncGenerator<PipelineItem> {
    for await (const item of items) {
      if (item.kind === 'tx' && (this.stats.newestSlotSeen === null || item.slot > this.stats.newestSlotSeen)) this.stats.newestSlotSeen = item.slot;
      yield item;
    }
  }

  private async *decode(items: AsyncIterable<SourceItem>): AsyncGenerator<PipelineItem> {
    const counts = new DecodeCounts();
    let n = 0;
    let flushedAt = Date.now();
    try {
      for await (const item of items) {
        yield decodeItem(item, counts);
        // A slow source's counts reach the metrics within a second.
        if (Date.now() - flushedAt >= 1000) {
          counts.flush();
          flushedAt = Date.now();
        }
        // A source that never waits (simulate, replay) would keep the thread in microtasks while the next
        // batch fills, and the committing batch's database replies (I/O callbacks) would wait for the batch
        // to close: a macrotask turn every few items lets both run side by side.
        if ((++n & (DECODE_TURN_EVERY - 1)) === 0) await yieldToEventLoop();
      }
    } finally {
      counts.flush();
    }
  }

  private commit(batch: PipelineItem[]): Promise<CommittedBatch> {
    const started = performance.now();
    return retrying('commit batch', () => this.sink.commit(this.checkpointName, batch), {
      signal: this.opts.signal,
      backoff: this.opts.retryBackoff,
      onRetry: () => this.stats.retries++,
    }).then((committed) => {
      batchLatency.observe((performance.now() - started) / 1000);
      this.record(committed);
      return committed;
    });
  }

  private record(b: CommittedBatch): void {
    const s = this.stats;
    const source = this.checkpointName;
    s.batches++;
    s.txs += b.txs;
    s.eventsStored += b.events.length;
    for (const platform of ['pumpfun', 'launchlab'] as const) {
      const n = b.tradesInserted[platform];
      s.tradesStored += n;
      if (n > 0) tradesStored.inc({ platform }, n);
    }
    s.flagged += b.flagged;
    for (const [reason, n] of b.quarantined) {
      s.quarantined += n;
      quarantined.inc({ reason }, n);
    }
    for (const g of b.gaps) {
      s.gaps++;
      gapsBackfilled.inc({ source, backfilled: String(g.backfilled) });
      const range = { source, lastSlotBefore: g.lastSlotBefore, firstSlotAfter: g.firstSlotAfter, reason: g.reason };
      if (g.backfilled) log().info(range, 'source gap (backfilled by the source)');
      else log().warn(range, `source gap NOT backfilled: recover it with \`megatron backfill --program … --since …\` over RPC`);
    }
    if (b.maxSlot !== null && (s.lastCommittedSlot === null || b.maxSlot > s.lastCommittedSlot)) s.lastCommittedSlot = b.maxSlot;
    if (b.maxBlockTime !== null && (s.lastBlockTime === null || b.maxBlockTime > s.lastBlockTime)) s.lastBlockTime = b.maxBlockTime;
    let oldest = Infinity;
    for (const at of b.receivedAtMs) {
      arrivalToCommit.observe(Math.max(0, b.committedAtMs - at) / 1000);
      if (at < oldest) oldest = at;
    }
    if (oldest !== Infinity) s.lastCommitLagMs = Math.max(0, b.committedAtMs - oldest);
    if (s.newestSlotSeen !== null && s.lastCommittedSlot !== null) slotLag.set({ source }, Math.max(0, s.newestSlotSeen - s.lastCommittedSlot));
    if (s.lastBlockTime !== null) wallClockLag.set({ source }, Math.max(0, Date.now() / 1000 - s.lastBlockTime));
  }

  /**
   * Hands a committed batch to the hooks without waiting for them: they run in the background, in
   * commit order, while the next batches commit. Batches that pile up while a round runs go to the next
   * round together (a hook with `runMany` takes them in one call); only when
   * {@link MAX_HOOK_BACKLOG} batches wait does the pipeline wait for the round in progress.
   */
  private async afterCommit(batch: HookBatch): Promise<void> {
    if ((this.opts.hooks ?? []).length === 0) return;
    while (this.hookBacklog.length >= MAX_HOOK_BACKLOG && this.hookRound) await this.hookRound;
    this.hookBacklog.push(batch);
    this.hooksRunning ??= this.drainHooks();
  }

  private async drainHooks(): Promise<void> {
    while (this.hookBacklog.length > 0) {
      this.hookRound = this.runHooks(this.hookBacklog.splice(0));
      await this.hookRound;
    }
    this.hookRound = null;
    this.hooksRunning = null;
  }

  private async runHooks(batches: HookBatch[]): Promise<void> {
    for (const hook of this.opts.hooks ?? []) {
      try {
        if (hook.runMany) await hook.runMany(batches);
        else for (const b of batches) await hook.run(b);
      } catch (err) {
        log().warn({ hook: hook.name, err: errorMessage(err) }, 'after-commit hook failed (data is stored; continuing)');
      }
    }
  }
}

/** A batch's rows toward the size limit (what the batcher counted when it closed it). */
function batchWeight(batch: readonly PipelineItem[]): number {
  let w = 0;
  for (const item of batch) w += itemWeight(item);
  return w;
}

/** Convenience: builds and runs a {@link Pipeline}. */
export function runPipeline(opts: PipelineOptions): Promise<PipelineStats> {
  return new Pipeline(opts).run();
}
