/**
 * Gap backfill over RPC for a source that can only report its gaps (Yellowstone whose server cannot replay
 * the hole: no `from_slot`, a resume slot older than its replay window, skipped blocks).
 *
 * {@link withRpcGapBackfill} wraps such a source. When it yields a `gap` with `backfilled: false`, the
 * wrapper stops pulling from it, lists each program's signatures newest first down to the gap's
 * `lastSlotBefore` (`getSignaturesForAddress`, after waiting for the node to reach `firstSlotAfter`),
 * fetches those in the gap — `firstSlotAfter` included, in case the new stream began inside that slot —
 * with `getTransaction` (bounded concurrency and rate, src/sources/rpc/limits.ts), yields them in chain
 * order and then the gap with `backfilled: true`. Only then does it pull the wrapped source again.
 *
 * Why nothing is lost: the pipeline's checkpoint is the newest committed transaction, and nothing newer
 * than the gap is yielded before the gap is filled, so the checkpoint cannot pass an unfilled gap (a crash
 * mid-backfill resumes inside it; the source then reports the gap again and it is filled again). The
 * wrapped source is not read meanwhile: its bounded queue fills and its transport is paused
 * (backpressure), so memory stays flat. Transactions the wrapped source then yields that the backfill
 * already yielded (slot `firstSlotAfter`, or held blocks of the hole) are dropped.
 */
import { errorMessage } from '../../core/errors.ts';
import { log } from '../../core/logger.ts';
import { redactUrl } from '../../core/redact.ts';
import { Backoff, sleep, type BackoffOptions } from '../backoff.ts';
import type { TrackedAddresses } from '../tracked.ts';
import type { SourceItem, SourceStartOptions, TransactionSource } from '../types.ts';
import { fetchedItem, notReturnedItem, openRpcHistory, RPC_READER_DEFAULTS, type RpcHistory, type RpcReaderSettings, type SignatureInfo } from './history.ts';

type Gap = Extract<SourceItem, { kind: 'gap' }>;

/** Options of {@link withRpcGapBackfill}; only `httpUrl` and `programs` are required (reader settings: {@link RPC_READER_DEFAULTS}). */
export interface RpcGapBackfillOptions extends Partial<RpcReaderSettings> {
  /** JSON-RPC HTTP endpoint (SOLANA_RPC_URL); redacted in logs. */
  httpUrl: string;
  /** Program ids whose history fills a gap: the wrapped source's programs. */
  programs: string[];
  /** The AMM pools the wrapped source follows: their history fills a gap too (their trades mention no program). */
  tracked?: TrackedAddresses;
  /** getSignaturesForAddress / getTransaction commitment (processed is read as confirmed). Default confirmed. */
  commitment?: 'processed' | 'confirmed' | 'finalized';
  /** Also yield failed transactions (when the wrapped source does). Default false. */
  includeFailed?: boolean;
  /** How long to wait for the node to reach the gap's last slot before listing anyway (ms). Default 30 000. */
  catchUpTimeoutMs?: number;
  /** Whole backfills tried (the RPC endpoint failing) before the gap is reported unfilled. Default 5. */
  attempts?: number;
  backoff?: BackoffOptions;
}

/** Counters for status lines and tests. */
export interface GapBackfillStats {
  /** Gaps filled (every listed transaction yielded). */
  filled: number;
  /** Gaps reported unfilled after all attempts, or with transactions the node did not return. */
  unfilled: number;
  /** Transactions yielded by backfills. */
  transactions: number;
  /** Transactions of the wrapped source dropped because a backfill had yielded them already. */
  duplicatesDropped: number;
}

export class RpcGapBackfill implements TransactionSource {
  readonly name: string;
  readonly stats: GapBackfillStats = { filled: 0, unfilled: 0, transactions: 0, duplicatesDropped: 0 };
  private readonly history: RpcHistory;
  private readonly o: Required<Omit<RpcGapBackfillOptions, 'commitment' | 'tracked'>> & { commitment: 'confirmed' | 'finalized'; tracked?: TrackedAddresses };

  constructor(
    readonly inner: TransactionSource,
    opts: RpcGapBackfillOptions,
  ) {
    if (opts.programs.length === 0) throw new RangeError('gap backfill needs at least one program');
    this.name = inner.name;
    this.o = {
      ...RPC_READER_DEFAULTS,
      includeFailed: false,
      catchUpTimeoutMs: 30_000,
      attempts: 5,
      backoff: { initialMs: 500, maxMs: 10_000, multiplier: 2 },
      ...opts,
      commitment: opts.commitment === 'finalized' ? 'finalized' : 'confirmed',
    };
    this.history = openRpcHistory(opts.httpUrl, this.o, this.o.commitment, this.name);
  }

  async *stream(opts: SourceStartOptions): AsyncIterable<SourceItem> {
    /** Signatures the backfills yielded, while the wrapped source may still deliver them (slots ≤ `through`). */
    const yielded = { signatures: new Set<string>(), through: -1 };
    for await (const item of this.inner.stream(opts)) {
      if (item.kind === 'gap' && !item.backfilled && item.lastSlotBefore !== null) {
        yield* this.fill({ ...item, lastSlotBefore: item.lastSlotBefore }, yielded, opts.signal);
        if (opts.signal.aborted) return;
        continue;
      }
      if (item.kind === 'tx' && yielded.signatures.size > 0) {
        if (item.tx.slot > yielded.through) yielded.signatures.clear();
        else if (yielded.signatures.has(item.tx.signature)) {
          this.stats.duplicatesDropped++;
          continue;
        }
      }
      yield item;
    }
  }

  /** Yields the gap's transactions in chain order, then the gap (filled, or not after all attempts). */
  private async *fill(gap: Gap & { lastSlotBefore: number }, yielded: { signatures: Set<string>; through: number }, signal: AbortSignal): AsyncGenerator<SourceItem> {
    const range = { source: this.name, lastSlotBefore: gap.lastSlotBefore, firstSlotAfter: gap.firstSlotAfter, url: this.history.http.displayUrl };
    log().info({ ...range, reason: gap.reason }, 'source gap: backfilling it over RPC before reading on');
    yielded.through = Math.max(yielded.through, gap.firstSlotAfter);
    const backoff = new Backoff(this.o.backoff);
    let count = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        const notReturned: string[] = [];
        const todo = (await this.list(gap, signal)).filter((s) => !yielded.signatures.has(s.signature));
        for await (const round of this.history.inChainOrder(todo, this.o.concurrency, signal, this.o.fetchNullTimeoutMs)) {
          const receivedAtMs = Date.now();
          notReturned.push(...round.notReturned);
          for (const { signature, tx } of round.fetched) {
            yield fetchedItem(tx, receivedAtMs);
            yielded.signatures.add(signature);
            count++;
            this.stats.transactions++;
          }
        }
        if (signal.aborted) return;
        // A listed transaction the node never returned is not silently skipped: quarantined with its signature.
        for (const signature of notReturned) {
          yield notReturnedItem(signature, `gap backfill: getTransaction ${signature} kept answering null`, Date.now());
        }
        const filled = notReturned.length === 0;
        if (filled) this.stats.filled++;
        else this.stats.unfilled++;
        log().info({ ...range, transactions: count, notReturned: notReturned.length }, 'source gap backfilled over RPC');
        const how = filled ? `backfilled ${count} transactions over RPC` : `${notReturned.length} listed transactions not returned by getTransaction (quarantined)`;
        yield { ...gap, backfilled: filled, reason: `${gap.reason}; ${how}` };
        return;
      } catch (err) {
        if (signal.aborted) return;
        const message = redactUrl(errorMessage(err));
        if (attempt >= this.o.attempts) {
          this.stats.unfilled++;
          log().error({ ...range, attempts: attempt, err: message }, 'source gap could NOT be backfilled over RPC');
          yield { ...gap, reason: `${gap.reason}; RPC backfill failed after ${attempt} attempts: ${message}` };
          return;
        }
        const delayMs = backoff.next();
        log().warn({ ...range, attempt, delayMs, err: message }, 'gap backfill failed, retrying');
        await sleep(delayMs, signal);
      }
    }
  }

  /**
   * Signatures of every program (or of the gap's own addresses: a newly followed AMM pool) with
   * lastSlotBefore < slot ≤ firstSlotAfter, slot order, each once.
   */
  private async list(gap: Gap & { lastSlotBefore: number }, signal: AbortSignal): Promise<SignatureInfo[]> {
    await this.reachSlot(gap.firstSlotAfter, signal);
    const found = new Map<string, SignatureInfo>();
    const addresses = gap.addresses ?? [...this.o.programs, ...(this.o.tracked?.current().keys() ?? [])];
    for (const program of addresses) {
      const listed = await this.history.signatures(program, { stopAt: (s) => s.slot <= gap.lastSlotBefore }, signal);
      for (const s of listed) {
        if (s.slot <= gap.firstSlotAfter && (this.o.includeFailed || s.err === null)) found.set(s.signature, s);
      }
    }
    return [...found.values()].sort((a, b) => a.slot - b.slot);
  }

  /**
   * The RPC node may lag the stream's node: listing before it reached the gap's end would miss the gap's
   * newest slots. Waits until its slot at our commitment is there; still behind after `catchUpTimeoutMs`
   * fails the attempt (better retried, or reported unfilled, than a silently short backfill).
   */
  private async reachSlot(slot: number, signal: AbortSignal): Promise<void> {
    const deadline = Date.now() + this.o.catchUpTimeoutMs;
    for (;;) {
      const tip = await this.history.http.call<number>('getSlot', [{ commitment: this.o.commitment }], signal);
      if (tip >= slot || signal.aborted) return;
      if (Date.now() >= deadline) throw new Error(`the RPC node is at slot ${tip}, behind the gap's end ${slot}, after ${this.o.catchUpTimeoutMs} ms`);
      await sleep(200, signal);
    }
  }
}

/**
 * `source` with its unfilled gaps backfilled over RPC: see {@link RpcGapBackfill}. The checkpoint key
 * stays the wrapped source's name.
 */
export function withRpcGapBackfill(source: TransactionSource, opts: RpcGapBackfillOptions): RpcGapBackfill {
  return new RpcGapBackfill(source, opts);
}
