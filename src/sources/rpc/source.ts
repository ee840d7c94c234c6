/**
 * The `rpc` source: WebSocket `logsSubscribe` per program as the low-latency trigger, HTTP
 * `getTransaction` for the data, and `getSignaturesForAddress` backfill so nothing between a checkpoint
 * (or a dropped connection) and live data is lost:
 *
 *  1. subscribe first (notifications buffer, bounded), 2. backfill from the watermark, oldest first,
 *  3. then drain live notifications, skipping signatures already emitted, 4. every `reconcileIntervalMs`
 *  list signatures since the watermark again and emit what notifications missed (reported as a gap).
 *
 * A dropped or silent WebSocket (heartbeat) or an exhausted HTTP retry ends the connection; the source
 * reports a gap, backs off with jitter, reconnects and backfills before trusting live data again.
 */
import type { RawTx } from '../../core/rawtx.ts';
import { errorMessage } from '../../core/errors.ts';
import { log } from '../../core/logger.ts';
import { reconnects } from '../../core/metrics.ts';
import { redactUrl } from '../../core/redact.ts';
import { Backoff, DEFAULT_BACKOFF, sleep, type BackoffOptions } from '../backoff.ts';
import { BoundedQueue } from '../queue.ts';
import { RecentSet } from '../recent.ts';
import { historyFrom, type TrackedAddresses } from '../tracked.ts';
import type { Checkpoint, SourceItem, SourceStartOptions, TransactionSource } from '../types.ts';
import { fetchedItem, openRpcHistory, RPC_READER_DEFAULTS, type RpcHistory, type RpcReaderSettings, type SignatureInfo, type Unreadable } from './history.ts';
import type { JsonRpcHttpClient } from './http.ts';
import { LogsSocket, type LogsNotification } from './ws.ts';

export type Commitment = 'processed' | 'confirmed' | 'finalized';

/** Options of {@link createRpcSource}; only `httpUrl`, `wsUrl` and `programs` are required. */
/** RPC source options; the HTTP reader settings ({@link RpcReaderSettings}) default to {@link RPC_READER_DEFAULTS}. */
export interface RpcSourceOptions extends Partial<RpcReaderSettings> {
  /** Checkpoint key; default `rpc`. */
  name?: string;
  /** JSON-RPC HTTP endpoint (SOLANA_RPC_URL); API keys inside are redacted in logs and errors. */
  httpUrl: string;
  /** WebSocket endpoint (SOLANA_WS_URL). */
  wsUrl: string;
  /** Program ids to follow: one logsSubscribe each, one merged, deduplicated stream. */
  programs: string[];
  /**
   * AMM pools of tracked tokens, followed like the programs (one logsSubscribe and one signature history
   * each). A pool added while running resubscribes the socket and lists its history from its creation.
   */
  tracked?: TrackedAddresses;
  /** logsSubscribe commitment; getTransaction uses `confirmed` when this is `processed` (it rejects processed). Default confirmed. */
  commitment?: Commitment;
  /** Also yield failed transactions. Default false (they carry no launchpad events). */
  includeFailed?: boolean;
  /** Items buffered ahead of the consumer. Default 1000. */
  queueCapacity?: number;
  /** Live notifications buffered while backfilling; overflow is dropped and recovered by the next backfill. Default 10 000. */
  liveBufferCapacity?: number;
  /** WebSocket ping interval; no pong within it = dead connection. Default 10 000. */
  heartbeatMs?: number;
  /** How often to re-list signatures and emit what notifications missed; 0 disables. Default 15 000. */
  reconcileIntervalMs?: number;
  /** Signatures remembered for deduplication. Default 200 000. */
  dedupeCapacity?: number;
  backoff?: BackoffOptions;
}

/** Per program: the newest signature known to be complete (everything at or before it was emitted). */
interface Watermark {
  signature: string | null;
  slot: number | null;
  /**
   * The signature is the pipeline checkpoint, which may belong to another program: then it is listed
   * by slot only (the whole checkpoint slot again) rather than with `until`, whose meaning for a
   * signature outside the address's history is up to the node; duplicates are harmless, losses are not.
   */
  fromCheckpoint?: boolean;
}

/** Live notifications waiting to be fetched; bounded, and overflow only means "backfill again". */
class LiveBuffer {
  private items: LogsNotification[] = [];
  private readonly signatures = new Set<string>();
  overflowed = false;
  private wake: (() => void) | null = null;

  constructor(private readonly capacity: number) {}

  offer(n: LogsNotification): void {
    if (this.signatures.has(n.signature)) return; // the same tx notified for both programs
    if (this.items.length >= this.capacity) {
      this.overflowed = true;
      return;
    }
    this.items.push(n);
    this.signatures.add(n.signature);
    this.wake?.();
  }

  has(signature: string): boolean {
    return this.signatures.has(signature);
  }

  take(max: number): LogsNotification[] {
    const out = this.items.splice(0, max);
    for (const n of out) this.signatures.delete(n.signature);
    return out;
  }

  get size(): number {
    return this.items.length;
  }

  /** Resolves at the next offer. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = null;
        resolve();
      };
    });
  }
}

class ConnectionLost extends Error {}
/** The followed addresses changed: reconnect at once with the new subscriptions (not a failure). */
class Resubscribe extends Error {}

export class RpcSource implements TransactionSource {
  readonly name: string;
  /** Live counters for status lines and tests. */
  readonly stats = { reconnects: 0, gaps: 0, queueHighWater: 0, emitted: 0 };
  private readonly http: JsonRpcHttpClient;
  private readonly history: RpcHistory;
  private readonly o: Required<Omit<RpcSourceOptions, 'name' | 'backoff' | 'tracked'>> & { backoff: BackoffOptions };
  private readonly tracked: TrackedAddresses | undefined;

  constructor(opts: RpcSourceOptions) {
    if (opts.programs.length === 0) throw new RangeError('rpc source needs at least one program');
    this.name = opts.name ?? 'rpc';
    this.o = {
      commitment: 'confirmed',
      ...RPC_READER_DEFAULTS,
      includeFailed: false,
      queueCapacity: 1000,
      liveBufferCapacity: 10_000,
      heartbeatMs: 10_000,
      reconcileIntervalMs: 15_000,
      dedupeCapacity: 200_000,
      backoff: DEFAULT_BACKOFF,
      ...opts,
    };
    this.tracked = opts.tracked;
    this.history = openRpcHistory(opts.httpUrl, this.o, this.getCommitment(), this.name);
    this.http = this.history.http;
  }

  /** Programs, then the tracked AMM pools. */
  private addresses(): string[] {
    return this.tracked ? [...this.o.programs, ...this.tracked.current().keys()] : this.o.programs;
  }

  async *stream(opts: SourceStartOptions): AsyncIterable<SourceItem> {
    const queue = new BoundedQueue<SourceItem>(this.o.queueCapacity);
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    opts.signal.addEventListener('abort', onAbort, { once: true });
    const run = this.run(queue, opts.checkpoint, stop.signal).then(
      () => queue.close(),
      (err: unknown) => queue.close(err),
    );
    try {
      for (;;) {
        const item = await queue.take(stop.signal);
        if (item === undefined) break;
        this.stats.queueHighWater = Math.max(this.stats.queueHighWater, queue.highWater);
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

  /** Connection loop: connect, backfill, stream live, and on any failure report, back off and repeat. */
  private async run(queue: BoundedQueue<SourceItem>, checkpoint: Checkpoint | null, signal: AbortSignal): Promise<void> {
    const state = {
      recent: new RecentSet(this.o.dedupeCapacity),
      watermarks: new Map<string, Watermark>([
        ...this.o.programs.map((p): [string, Watermark] => [p, { signature: checkpoint?.signature ?? null, slot: checkpoint?.slot ?? null, fromCheckpoint: true }]),
        ...[...(this.tracked?.current() ?? [])].map(([a, since]): [string, Watermark] => [a, { signature: null, slot: historyFrom(since, checkpoint?.slot ?? null), fromCheckpoint: true }]),
      ]),
      lastSlot: checkpoint?.slot ?? null,
      /** Highest slot a live notification reported: reconcile leaves newer signatures to the live path. */
      liveFrontier: 0,
      suspects: new Set<string>(),
      hasWatermark: checkpoint !== null,
    };
    const backoff = new Backoff(this.o.backoff);
    let reconnecting = false;
    /** The last connection ended to follow new addresses: no drop to report, the backfill lists them. */
    let resubscribed = false;
    let resubscribe = (): void => {};
    // A new pool: its history from its creation is listed by the backfill of the next connection.
    const stopTracking = this.tracked?.onAdded((added) => {
      for (const [address, since] of added) state.watermarks.set(address, { signature: null, slot: since, fromCheckpoint: true });
      resubscribe();
    });

    try {
      while (!signal.aborted) {
        const live = new LiveBuffer(this.o.liveBufferCapacity);
        // Ends this connection's work (fetches, emits) with it, so nothing of it runs on beside the next one.
        const connection = new AbortController();
        const connSignal = AbortSignal.any([signal, connection.signal]);
        let socket: LogsSocket | undefined;
        let resubscribing = false;
        resubscribe = () => {
          resubscribing = true;
          socket?.close();
          connection.abort();
        };
        try {
          socket = await LogsSocket.open({
            url: this.o.wsUrl,
            programs: this.addresses(),
            commitment: this.o.commitment,
            heartbeatMs: this.o.heartbeatMs,
            openTimeoutMs: this.o.requestTimeoutMs,
            onNotification: (n) => live.offer(n),
          });
          const lost = socket.closed.then((reason) => {
            connection.abort();
            throw resubscribing ? new Resubscribe('following new addresses') : new ConnectionLost(reason.message);
          });
          lost.catch(() => {});
          const guard = <T>(p: Promise<T>) => Promise.race([p, lost]);

          const tip = await guard(this.http.call<number>('getSlot', [{ commitment: this.getCommitment() }], connSignal));
          if (reconnecting && !resubscribed) {
            await queue.put({ kind: 'gap', lastSlotBefore: state.lastSlot, firstSlotAfter: tip, backfilled: true, reason: 'rpc websocket reconnected' }, signal);
          }
          if (state.hasWatermark) {
            await guard(this.backfill(state, queue, connSignal));
          } else {
            // First run without a checkpoint: "now" is where this source starts; the watermark makes later reconnects exact.
            await guard(this.initWatermarks(state, connSignal));
          }
          backoff.reset();
          reconnecting = true;
          resubscribed = false;
          await this.streamLive(state, live, queue, connSignal, guard, lost);
          // streamLive returns when either signal aborts; a lost connection must still count and back off.
          if (!signal.aborted) await lost;
        } catch (err) {
          if (signal.aborted) break;
          if (resubscribing) {
            resubscribed = true;
            log().info({ source: this.name, addresses: this.addresses().length }, 'rpc source resubscribing: new AMM pools to follow');
            continue;
          }
          reconnecting = true;
          this.stats.reconnects++;
          reconnects.inc({ source: this.name });
          const delay = backoff.next();
          log().warn({ source: this.name, err: redactUrl(errorMessage(err)), delayMs: delay, url: redactUrl(this.o.wsUrl) }, 'rpc source connection lost, reconnecting');
          await sleep(delay, signal);
        } finally {
          connection.abort();
          socket?.close();
        }
      }
    } finally {
      stopTracking?.();
    }
  }

  private getCommitment(): 'confirmed' | 'finalized' {
    return this.o.commitment === 'finalized' ? 'finalized' : 'confirmed';
  }

  /** Live phase: fetch notified transactions in notification order, with periodic reconciliation. */
  private async streamLive(
    state: RunState,
    live: LiveBuffer,
    queue: BoundedQueue<SourceItem>,
    signal: AbortSignal,
    guard: <T>(p: Promise<T>) => Promise<T>,
    lost: Promise<never>,
  ): Promise<void> {
    let nextReconcile = this.o.reconcileIntervalMs > 0 ? Date.now() + this.o.reconcileIntervalMs : Infinity;
    while (!signal.aborted) {
      if (live.overflowed) {
        // Dropped notifications are still on chain: list them instead of buffering without bound.
        live.overflowed = false;
        await guard(this.backfill(state, queue, signal));
        continue;
      }
      if (Date.now() >= nextReconcile) {
        await guard(this.backfill(state, queue, signal, live));
        nextReconcile = Date.now() + this.o.reconcileIntervalMs;
        continue;
      }
      const batch = live.take(this.o.concurrency).filter((n) => (this.o.includeFailed || n.err === null) && !state.recent.has(n.signature));
      if (batch.length === 0) {
        const wait = Number.isFinite(nextReconcile) ? sleep(Math.max(0, nextReconcile - Date.now()), signal) : new Promise<void>(() => {});
        await Promise.race([live.next(), wait, lost, new Promise((r) => signal.addEventListener('abort', r, { once: true }))]);
        continue;
      }
      for (const n of batch) state.liveFrontier = Math.max(state.liveFrontier, n.slot);
      const receivedAtMs = Date.now();
      // Signatures are remembered as they are emitted: one whose fetch the connection cut (or that the
      // node kept answering null for) stays unknown, so the backfill after a reconnect or the next
      // reconcile fetches it again.
      // A notified transaction is asked for longer: the node that notified it may not serve it yet.
      const txs = await guard(Promise.all(batch.map((n) => this.history.transaction(n.signature, signal, this.o.fetchNullTimeoutMs))));
      for (const [i, tx] of txs.entries()) if (tx) await this.emit(state, queue, batch[i]!.signature, tx, receivedAtMs, signal);
    }
  }

  /**
   * Lists signatures newer than each program's watermark (newest first, paging with `before`, stopping at
   * `until` or below the watermark slot), then fetches and emits those not yet emitted, oldest first.
   * A watermark moves only once everything up to it was emitted, so a backfill cut by a dropped
   * connection is listed again whole by the next one.
   *
   * Reconcile mode (`live` given): a listed signature counts as missed only once live notifications have
   * moved past its slot, or when it was already listed by the previous reconcile; newer ones are left to
   * the live path. What it finds is reported as a gap first.
   */
  private async backfill(state: RunState, queue: BoundedQueue<SourceItem>, signal: AbortSignal, live?: LiveBuffer): Promise<void> {
    const found = new Map<string, SignatureInfo>();
    const suspects = new Set<string>();
    /** Per program, oldest first, the listed signatures the watermark may move over once they are emitted. */
    const settledPrefixes = new Map<string, SignatureInfo[]>();
    for (const program of this.addresses()) {
      const mark = state.watermarks.get(program);
      if (mark === undefined) continue;
      const listed = await this.signaturesSince(program, mark, signal);
      const prefix: SignatureInfo[] = [];
      settledPrefixes.set(program, prefix);
      let prefixSettled = true;
      for (const sig of listed.reverse()) {
        const settled = !live || sig.slot < state.liveFrontier || state.suspects.has(sig.signature);
        if (!settled) {
          prefixSettled = false;
          if (!state.recent.has(sig.signature) && !live.has(sig.signature)) suspects.add(sig.signature);
          continue;
        }
        if (prefixSettled) prefix.push(sig);
        found.set(sig.signature, sig);
      }
    }
    if (live) state.suspects = suspects;
    const wanted = (s: SignatureInfo) => this.o.includeFailed || s.err === null;
    const missing = [...found.values()].filter((s) => wanted(s) && !state.recent.has(s.signature) && !live?.has(s.signature)).sort((a, b) => a.slot - b.slot);
    /** Fetched but not emitted (the node answered null): the watermark stops before them so they are listed again. */
    const notEmitted = new Set<string>();
    if (missing.length > 0) {
      if (live) {
        await queue.put(
          { kind: 'gap', lastSlotBefore: missing[0]!.slot - 1, firstSlotAfter: missing[missing.length - 1]!.slot + 1, backfilled: true, reason: 'rpc notifications missed (reconciled)' },
          signal,
        );
      }
      log().info({ source: this.name, signatures: missing.length, fromSlot: missing[0]!.slot, toSlot: missing[missing.length - 1]!.slot }, 'rpc backfill');
      // Listed transactions are served already; one still null after 2 s is listed again by the next backfill.
      for await (const round of this.history.inChainOrder(missing, this.o.concurrency, signal, Math.min(2_000, this.o.fetchNullTimeoutMs))) {
        const receivedAtMs = Date.now();
        for (const signature of round.notReturned) notEmitted.add(signature);
        for (const r of round.fetched) await this.emit(state, queue, r.signature, r.tx, receivedAtMs, signal);
      }
    }
    if (signal.aborted) return;
    // Everything listed was emitted now, except what the node did not return and what waits in the live buffer.
    for (const [program, prefix] of settledPrefixes) {
      for (const sig of prefix) {
        if (wanted(sig) && (notEmitted.has(sig.signature) || live?.has(sig.signature))) break;
        state.watermarks.set(program, { signature: sig.signature, slot: sig.slot });
      }
    }
  }

  /** Newest-first signatures of `program` after the watermark (listed by slot when it is the checkpoint's). */
  private signaturesSince(program: string, mark: Watermark, signal: AbortSignal): Promise<SignatureInfo[]> {
    return this.history.signatures(
      program,
      {
        until: mark.signature && !mark.fromCheckpoint ? mark.signature : undefined,
        // Listed by slot: this program's own checkpoint transaction ends the list exactly.
        stopAt: (s) => (mark.slot !== null && s.slot < mark.slot) || s.signature === mark.signature,
      },
      signal,
    );
  }

  private async initWatermarks(state: RunState, signal: AbortSignal): Promise<void> {
    for (const program of this.o.programs) {
      const [newest] = await this.http.call<SignatureInfo[]>('getSignaturesForAddress', [program, { limit: 1, commitment: this.getCommitment() }], signal);
      state.watermarks.set(program, newest ? { signature: newest.signature, slot: newest.slot } : { signature: null, slot: null });
    }
    state.hasWatermark = true;
  }

  /** Queues `tx` and only then remembers `signature` as emitted (a put cut short by `signal` adds nothing). */
  private async emit(state: RunState, queue: BoundedQueue<SourceItem>, signature: string, tx: RawTx | Unreadable, receivedAtMs: number, signal: AbortSignal): Promise<void> {
    if ('slot' in tx) state.lastSlot = Math.max(state.lastSlot ?? 0, tx.slot);
    await queue.put(fetchedItem(tx, receivedAtMs), signal);
    if (!signal.aborted) state.recent.add(signature);
  }
}

type RunState = {
  recent: RecentSet;
  watermarks: Map<string, Watermark>;
  lastSlot: number | null;
  liveFrontier: number;
  /** Listed by the last reconcile but too new to judge; missed for sure if still absent at the next. */
  suspects: Set<string>;
  hasWatermark: boolean;
};

/** The `rpc` source: see {@link RpcSourceOptions} and docs/sources.md. */
export function createRpcSource(opts: RpcSourceOptions): TransactionSource {
  return new RpcSource(opts);
}
