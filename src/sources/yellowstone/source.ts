/**
 * The `yellowstone` source: one Geyser gRPC subscription (official `@triton-one/yellowstone-grpc` client)
 * for every launchpad program (`accountInclude`, vote and failed transactions excluded), plus `blocksMeta`
 * for block times and slot completeness.
 *
 * Transactions are held per slot until the slot's blockMeta arrives (at confirmed the server sends a
 * block's transactions, then its meta), then released in block order with the block time. Completed slots
 * are the resume point: after a drop the source resubscribes with `fromSlot` = last complete slot + 1
 * when the server can replay it (SubscribeReplayInfo), else it reports a gap. A blockMeta whose parent
 * slot was never seen means the stream skipped blocks: with replay the source resubscribes from the
 * hole, without it reports the gap (filled over RPC by src/sources/rpc/gaps.ts when an RPC endpoint is
 * configured). Backpressure: the gRPC stream is paused while the consumer is behind,
 * so memory stays bounded by `queueCapacity` (plus one block).
 */
import yellowstone, { CommitmentLevel, SubscribeUpdateTransaction, type ChannelOptions, type SubscribeRequest, type SubscribeUpdate, type ClientDuplexStream } from '@triton-one/yellowstone-grpc';
import { errorMessage } from '../../core/errors.ts';
import { log } from '../../core/logger.ts';
import { reconnects } from '../../core/metrics.ts';
import { redactUrl } from '../../core/redact.ts';
import { Backoff, DEFAULT_BACKOFF, sleep, type BackoffOptions } from '../backoff.ts';
import { base58Encode, normalizeYellowstoneTransaction } from '../formats/index.ts';
import { BoundedQueue } from '../queue.ts';
import { RecentSet } from '../recent.ts';
import { historyFrom, type TrackedAddresses } from '../tracked.ts';
import type { Checkpoint, SourceItem, SourceStartOptions, TransactionSource } from '../types.ts';

export type YellowstoneCommitment = 'processed' | 'confirmed' | 'finalized';

/** Options of {@link createYellowstoneSource}; only `endpoint` and `programs` are required. */
export interface YellowstoneSourceOptions {
  /** Checkpoint key; default `yellowstone`. */
  name?: string;
  /** gRPC endpoint (YELLOWSTONE_URL), e.g. https://host:443; redacted in logs and errors. */
  endpoint: string;
  /** x-token (YELLOWSTONE_TOKEN); never logged. */
  token?: string;
  /** Program ids: one subscription, `accountInclude` = any of them. */
  programs: string[];
  /**
   * AMM pools of tracked tokens: a second transaction filter (`accountInclude` = the pools). A pool added
   * while streaming updates the subscription in place (a new SubscribeRequest on the open stream) and is
   * reported as a gap limited to that pool from its creation slot, which the RPC gap backfill lists.
   */
  tracked?: TrackedAddresses;
  /** Default confirmed (the server's own default is processed). */
  commitment?: YellowstoneCommitment;
  /** Also yield failed transactions. Default false. */
  includeFailed?: boolean;
  /** Items (queued + held for their block) before the stream is paused. Default 2000. */
  queueCapacity?: number;
  /** Client ping interval: keeps proxies from closing a quiet stream, and pongs prove the server alive. Default 10 000. */
  pingIntervalMs?: number;
  /** Nothing received for this long (while reading) = dead stream, reconnect. Default 30 000. */
  idleTimeoutMs?: number;
  /** `auto`: resume with fromSlot where the server supports it; `never`: always report gaps instead. Default auto. */
  resume?: 'auto' | 'never';
  /** Signatures remembered for deduplication. Default 200 000. */
  dedupeCapacity?: number;
  backoff?: BackoffOptions;
  /** Passed to the client (timeouts, message sizes, compression). */
  channelOptions?: ChannelOptions;
}

/**
 * The package is CommonJS with a default-exported class: Node's ESM loader hands over `module.exports`
 * (class under `.default`), while TS-aware loaders unwrap it already. Accept both.
 */
const Client: typeof yellowstone.default =
  (yellowstone as unknown as { default?: typeof yellowstone.default }).default ?? (yellowstone as unknown as typeof yellowstone.default);
type Client = InstanceType<typeof Client>;

const COMMITMENT: Record<YellowstoneCommitment, CommitmentLevel> = {
  processed: CommitmentLevel.PROCESSED,
  confirmed: CommitmentLevel.CONFIRMED,
  finalized: CommitmentLevel.FINALIZED,
};

/** A request with only the ping set (the maps must be present, and empty ones leave the filters alone). */
const pingRequest = (id: number): SubscribeRequest => ({ accounts: {}, slots: {}, transactions: {}, transactionsStatus: {}, blocks: {}, blocksMeta: {}, entry: {}, accountsDataSlice: [], ping: { id } });

interface Held {
  update: NonNullable<SubscribeUpdate['transaction']>;
  receivedAtMs: number;
}

/**
 * A new AMM pool's gap (server without replay) ends this many slots after the newest slot seen when the filter
 * changed, and not before this long: blocks already on their way were filtered without the pool.
 */
const POOL_GAP_SLOTS = 16;
const POOL_GAP_MS = 2_000;

/** Thrown inside a connection to make the loop resubscribe right away (no backoff): replay can fill a hole. */
class Resubscribe extends Error {}

export class YellowstoneSource implements TransactionSource {
  readonly name: string;
  /** Live counters for status lines and tests; `bufferedHighWater` = most items queued + held at once. */
  readonly stats = { reconnects: 0, gaps: 0, emitted: 0, bufferedHighWater: 0, pauses: 0 };
  private readonly o: Required<Omit<YellowstoneSourceOptions, 'name' | 'token' | 'channelOptions' | 'backoff' | 'tracked'>> & Pick<YellowstoneSourceOptions, 'token' | 'channelOptions' | 'tracked'> & { backoff: BackoffOptions };
  private readonly displayUrl: string;

  constructor(opts: YellowstoneSourceOptions) {
    if (opts.programs.length === 0) throw new RangeError('yellowstone source needs at least one program');
    this.name = opts.name ?? 'yellowstone';
    this.o = {
      commitment: 'confirmed',
      includeFailed: false,
      queueCapacity: 2000,
      pingIntervalMs: 10_000,
      idleTimeoutMs: 30_000,
      resume: 'auto',
      dedupeCapacity: 200_000,
      backoff: DEFAULT_BACKOFF,
      ...opts,
    };
    this.displayUrl = redactUrl(opts.endpoint);
  }

  async *stream(opts: SourceStartOptions): AsyncIterable<SourceItem> {
    const queue = new BoundedQueue<SourceItem>(this.o.queueCapacity);
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    opts.signal.addEventListener('abort', onAbort, { once: true });
    const flow = { onTaken: () => {} };
    const run = this.run(queue, opts.checkpoint, stop.signal, flow).then(
      () => queue.close(),
      (err: unknown) => queue.close(err),
    );
    try {
      for (;;) {
        const item = await queue.take(stop.signal);
        if (item === undefined) break;
        flow.onTaken();
        if (item.kind === 'gap') this.stats.gaps++;
        else if (item.kind === 'tx') this.stats.emitted++;
        yield item;
      }
    } finally {
      opts.signal.removeEventListener('abort', onAbort);
      stop.abort();
      await run;
    }
  }

  private async run(queue: BoundedQueue<SourceItem>, checkpoint: Checkpoint | null, signal: AbortSignal, flow: { onTaken: () => void }): Promise<void> {
    const state = {
      recent: new RecentSet(this.o.dedupeCapacity),
      /** Last slot whose blockMeta was processed (all its transactions queued). */
      lastComplete: checkpoint ? checkpoint.slot - 1 : (null as number | null),
      /** Resuming from a checkpoint: that slot is partly stored; skip through this signature in it. */
      skipThrough: checkpoint?.signature ? { slot: checkpoint.slot, signature: checkpoint.signature } : null,
      /** A hole already resubscribed for once: if replay cannot fill it either, report and move on. */
      retriedHole: null as number | null,
      /** The recently created tracked pools were listed again once (first connection). */
      trackedReplayed: false,
    };
    const backoff = new Backoff(this.o.backoff);
    while (!signal.aborted) {
      try {
        await this.connection(state, queue, signal, flow, () => backoff.reset());
      } catch (err) {
        if (signal.aborted) break;
        flow.onTaken = () => {};
        if (err instanceof Resubscribe) continue;
        this.stats.reconnects++;
        reconnects.inc({ source: this.name });
        const delay = backoff.next();
        log().warn({ source: this.name, url: this.displayUrl, err: redactUrl(errorMessage(err)), delayMs: delay, lastSlot: state.lastComplete }, 'yellowstone stream lost, reconnecting');
        await sleep(delay, signal);
      }
    }
  }

  /** One subscription, from connect to failure. Never returns normally except on abort. */
  private async connection(
    state: { recent: RecentSet; lastComplete: number | null; skipThrough: { slot: number; signature: string } | null; retriedHole: number | null; trackedReplayed: boolean },
    queue: BoundedQueue<SourceItem>,
    signal: AbortSignal,
    flow: { onTaken: () => void },
    healthy: () => void,
  ): Promise<void> {
    const client = new Client(this.o.endpoint, this.o.token, this.o.channelOptions);
    await client.connect().catch((err: unknown) => {
      throw new Error(`connect to ${this.displayUrl}: ${redactUrl(errorMessage(err))}`);
    });

    const resumeSlot = state.lastComplete === null ? null : state.lastComplete + 1;
    let fromSlot: number | null = null;
    /** Set when this connection cannot replay: the first slot seen closes the reported gap. */
    let gapReason: string | null = null;
    const replay = this.o.resume === 'auto' ? await this.replayInfo(client) : { supported: false, firstAvailable: null };
    const firstAvailable = replay.firstAvailable;
    if (resumeSlot !== null) {
      if (firstAvailable === null) gapReason = this.o.resume === 'never' ? 'reconnected (resume disabled)' : 'reconnected; server cannot replay (no from_slot)';
      else if (firstAvailable > resumeSlot) {
        fromSlot = firstAvailable;
        gapReason = `reconnected; replay starts at ${firstAvailable}, after the resume slot ${resumeSlot}`;
      } else fromSlot = resumeSlot;
    }

    const stream: ClientDuplexStream = await client.subscribe({ ...this.request(), ...(fromSlot !== null ? { fromSlot: String(fromSlot) } : {}) });
    const tracked = this.o.tracked;
    /** Ends this connection to resubscribe at once (set while the stream is read). */
    let resubscribe: ((reason: Error) => void) | null = null;
    const stopTracking = tracked?.onAdded((added) => {
      const from = Math.min(...added.values());
      if (replay.supported && resubscribe) {
        // The server replays: resubscribe from the pool's creation with the new filters; what was emitted
        // already is skipped by signature (state.recent).
        state.lastComplete = state.lastComplete === null ? from - 1 : Math.min(state.lastComplete, from - 1);
        state.retriedHole = null;
        resubscribe(new Resubscribe(`following ${added.size} new AMM pool(s) from slot ${from}`));
        return;
      }
      // Otherwise the new filter set replaces the old one on the same stream. Blocks the server sent before it
      // applied the change were filtered the old way: the pools' gap ends only once those have surely arrived.
      stream.write(this.request(), () => {});
      poolGaps.push({ from, addresses: [...added.keys()], untilSlot: maxSeenSlot + POOL_GAP_SLOTS, notBeforeMs: Date.now() + POOL_GAP_MS });
    });
    /** New pools' gaps waiting for the old filter's blocks to drain (see {@link flushPoolGaps}). */
    const poolGaps: Array<{ from: number; addresses: string[]; untilSlot: number; notBeforeMs: number }> = [];
    let maxSeenSlot = state.lastComplete ?? 0;
    /** Reports the pools' gaps whose old-filter blocks are in (or all of them, when the connection ends). */
    const flushPoolGaps = (all: boolean) => {
      for (let i = poolGaps.length - 1; i >= 0; i--) {
        const g = poolGaps[i]!;
        if (!all && maxSeenSlot < g.untilSlot && (paused || Date.now() < g.notBeforeMs)) continue;
        poolGaps.splice(i, 1);
        queue.push({
          kind: 'gap', lastSlotBefore: g.from - 1, firstSlotAfter: Math.max(g.from, maxSeenSlot), backfilled: false,
          reason: `following ${g.addresses.length} new AMM pool(s) from slot ${g.from}`, addresses: g.addresses,
        });
      }
    };
    // On start, pools created shortly before the checkpoint have their history listed again (idempotent).
    if (tracked && tracked.size > 0 && state.lastComplete !== null && !state.trackedReplayed) {
      state.trackedReplayed = true;
      const recent = [...tracked.current()].filter(([, since]) => historyFrom(since, state.lastComplete! + 1) < state.lastComplete! + 1);
      if (recent.length > 0) {
        const from = Math.min(...recent.map(([, since]) => since));
        queue.push({ kind: 'gap', lastSlotBefore: from - 1, firstSlotAfter: state.lastComplete, backfilled: false, reason: `recently created AMM pools: their history from slot ${from}`, addresses: recent.map(([a]) => a) });
      }
    }
    const held = new Map<number, Held[]>();
    let heldCount = 0;
    let paused = false;
    let lastActivity = Date.now();
    let pingId = 0;

    const buffered = () => queue.size + heldCount;
    const throttle = () => {
      this.stats.bufferedHighWater = Math.max(this.stats.bufferedHighWater, buffered());
      // Held transactions need their blockMeta to leave: never pause with nothing queued (no deadlock).
      if (!paused && buffered() >= this.o.queueCapacity && queue.size > 0) {
        paused = true;
        this.stats.pauses++;
        stream.pause();
      }
    };
    flow.onTaken = () => {
      if (paused && (buffered() <= this.o.queueCapacity / 2 || queue.size === 0)) {
        paused = false;
        lastActivity = Date.now();
        stream.resume();
      }
    };

    let firstBlockOfConnectionHasGap = gapReason !== null;
    /** Reports this connection's resume gap at its first slot. */
    const emitGapIfPending = (slot: number) => {
      if (gapReason === null) return;
      queue.push({ kind: 'gap', lastSlotBefore: state.lastComplete, firstSlotAfter: slot, backfilled: false, reason: gapReason });
      gapReason = null;
    };

    const completeSlot = (slot: number, blockTime: number | null) => {
      // Earlier slots still held never got their meta (processed commitment, dead forks): release them too.
      const slots = [...held.keys()].filter((s) => s <= slot).sort((a, b) => a - b);
      for (const s of slots) {
        const txs = held.get(s)!;
        held.delete(s);
        heldCount -= txs.length;
        txs.sort((a, b) => Number(a.update.transaction?.index ?? 0) - Number(b.update.transaction?.index ?? 0));
        let start = 0;
        if (state.skipThrough?.slot === s) {
          const at = txs.findIndex((h) => this.signatureOf(h) === state.skipThrough!.signature);
          start = at + 1;
        }
        for (const h of txs.slice(start)) {
          if (!state.recent.add(this.signatureOf(h))) continue;
          queue.push(this.toItem(h, s === slot ? blockTime : null));
        }
      }
      state.skipThrough = null;
      state.lastComplete = slot;
    };

    const onUpdate = (update: SubscribeUpdate) => {
      lastActivity = Date.now();
      const seen = update.transaction?.slot ?? update.blockMeta?.slot;
      if (seen !== undefined) maxSeenSlot = Math.max(maxSeenSlot, Number(seen));
      if (update.ping) {
        stream.write(pingRequest(++pingId), () => {});
        return;
      }
      if (update.transaction) {
        const slot = Number(update.transaction.slot);
        if (state.lastComplete !== null && slot <= state.lastComplete) return; // replayed, already complete
        emitGapIfPending(slot);
        const list = held.get(slot);
        const h = { update: update.transaction, receivedAtMs: Date.now() };
        if (list) list.push(h);
        else held.set(slot, [h]);
        heldCount++;
        throttle();
        return;
      }
      if (update.blockMeta) {
        const slot = Number(update.blockMeta.slot);
        const parent = Number(update.blockMeta.parentSlot);
        if (state.lastComplete !== null && slot <= state.lastComplete) return;
        emitGapIfPending(slot);
        healthy();
        // A connection that could not resume already reported the hole before its first block.
        const resumedExactly = !firstBlockOfConnectionHasGap;
        firstBlockOfConnectionHasGap = false;
        if (resumedExactly && state.lastComplete !== null && parent > state.lastComplete) {
          // The parent block never arrived: the stream skipped slots. Replay can fill the hole (once).
          if (replay.supported && state.retriedHole !== state.lastComplete) {
            state.retriedHole = state.lastComplete;
            throw new Resubscribe(`blocks ${state.lastComplete + 1}..${parent} skipped; replaying`);
          }
          queue.push({ kind: 'gap', lastSlotBefore: state.lastComplete, firstSlotAfter: slot, backfilled: false, reason: `stream skipped blocks (parent ${parent} never arrived)` });
        }
        const blockTime = update.blockMeta.blockTime ? Number(update.blockMeta.blockTime.timestamp) : null;
        completeSlot(slot, blockTime);
        if (poolGaps.length > 0) flushPoolGaps(false);
        throttle();
      }
    };

    try {
      await new Promise<void>((resolve, reject) => {
        const fail = (err: Error) => reject(err);
        resubscribe = fail;
        stream.on('data', (u: SubscribeUpdate) => {
          try {
            onUpdate(u);
          } catch (err) {
            reject(err as Error);
          }
        });
        stream.on('error', (err: Error) => fail(new Error(`stream error: ${redactUrl(errorMessage(err))}`)));
        stream.on('end', () => fail(new Error('stream ended by the server')));
        stream.on('close', () => fail(new Error('stream closed')));
        const keepalive = setInterval(() => {
          if (paused) lastActivity = Date.now(); // we stopped reading on purpose
          if (Date.now() - lastActivity > this.o.idleTimeoutMs) {
            fail(new Error(`no message for ${this.o.idleTimeoutMs} ms (stalled stream)`));
            return;
          }
          if (!paused) stream.write(pingRequest(++pingId), () => {});
          if (poolGaps.length > 0) flushPoolGaps(false);
        }, Math.min(this.o.pingIntervalMs, Math.max(50, this.o.idleTimeoutMs / 3)));
        const onAbort = () => resolve();
        signal.addEventListener('abort', onAbort, { once: true });
        stream.once('close', () => {
          clearInterval(keepalive);
          signal.removeEventListener('abort', onAbort);
        });
        signal.addEventListener('abort', () => clearInterval(keepalive), { once: true });
      });
    } finally {
      stopTracking?.();
      // A lost stream must not lose a pool's history: report what is pending (the next connection resumes after it).
      if (!signal.aborted) flushPoolGaps(true);
      stream.destroy();
    }
  }

  /** The subscription: launchpad transactions, those of the tracked AMM pools, and block metas. */
  private request(): SubscribeRequest {
    const filter = (accountInclude: string[]) => ({
      vote: false,
      ...(this.o.includeFailed ? {} : { failed: false }),
      accountInclude,
      accountExclude: [],
      accountRequired: [],
    });
    const pools = [...(this.o.tracked?.current().keys() ?? [])];
    return {
      accounts: {},
      slots: {},
      transactions: { launchpads: filter(this.o.programs), ...(pools.length > 0 ? { amm_pools: filter(pools) } : {}) },
      transactionsStatus: {},
      blocks: {},
      blocksMeta: { blocks: {} },
      entry: {},
      accountsDataSlice: [],
      commitment: COMMITMENT[this.o.commitment],
    };
  }

  /** Whether the server replays (SubscribeReplayInfo answers) and its oldest replayable slot (null: none stored). */
  private async replayInfo(client: Client): Promise<{ supported: boolean; firstAvailable: number | null }> {
    try {
      const info = await client.subscribeReplayInfo();
      return { supported: true, firstAvailable: info.firstAvailable === undefined ? null : Number(info.firstAvailable) };
    } catch {
      return { supported: false, firstAvailable: null };
    }
  }

  private signatureOf(h: Held): string {
    const sig = h.update.transaction?.signature;
    return sig ? base58Encode(sig) : '';
  }

  /** Normalized, or an `invalid` item (the update as JSON) for the pipeline to quarantine. */
  private toItem(h: Held, blockTime: number | null): SourceItem {
    try {
      return { kind: 'tx', tx: normalizeYellowstoneTransaction(h.update, blockTime), receivedAtMs: h.receivedAtMs };
    } catch (err) {
      log().error({ source: this.name, slot: h.update.slot, err: errorMessage(err) }, 'yellowstone transaction could not be normalized; quarantined');
      const raw = JSON.stringify(SubscribeUpdateTransaction.toJSON(h.update));
      return { kind: 'invalid', raw, reason: `normalize ${this.signatureOf(h)}: ${errorMessage(err)}`, receivedAtMs: h.receivedAtMs };
    }
  }
}

/** The `yellowstone` source: see {@link YellowstoneSourceOptions} and docs/sources.md. */
export function createYellowstoneSource(opts: YellowstoneSourceOptions): TransactionSource {
  return new YellowstoneSource(opts);
}
