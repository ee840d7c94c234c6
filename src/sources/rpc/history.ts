/**
 * Chain history over JSON-RPC, shared by everything that reads the past: the rpc source (backfill from the
 * checkpoint, reconcile), the gap filler of push sources (src/sources/rpc/gaps.ts) and `megatron backfill`.
 * `getSignaturesForAddress` lists a program's signatures newest first; `getTransaction`
 * (`maxSupportedTransactionVersion: 0`) fetches them, a few in flight, and they come back in chain order.
 */
import type { RawTx } from '../../core/rawtx.ts';
import { errorMessage } from '../../core/errors.ts';
import { log } from '../../core/logger.ts';
import { sleep } from '../backoff.ts';
import { DECODER_READ_CONTEXT } from '../../decoders/index.ts';
import { normalizeRpcTransaction } from '../formats/index.ts';
import type { SourceItem } from '../types.ts';
import { JsonRpcHttpClient } from './http.ts';

/** How every RPC reader (rpc source, gap filler, `megatron backfill`) talks to the node, with one set of defaults. */
export interface RpcReaderSettings {
  /** HTTP requests in flight at once (getTransaction fan-out). Default 8. */
  concurrency: number;
  /** Sustained HTTP requests per second. Default 40. */
  requestsPerSecond: number;
  /** Per-request timeout (ms). Default 15 000. */
  requestTimeoutMs: number;
  /** HTTP retries of one request. Default 4. */
  maxRetries: number;
  /** getSignaturesForAddress page size (≤ 1000). Default 1000. */
  pageSize: number;
  /** How long to keep asking for a transaction the node answers null for (ms). Default 10 000. */
  fetchNullTimeoutMs: number;
}

export const RPC_READER_DEFAULTS: RpcReaderSettings = {
  concurrency: 8,
  requestsPerSecond: 40,
  requestTimeoutMs: 15_000,
  maxRetries: 4,
  pageSize: 1000,
  fetchNullTimeoutMs: 10_000,
};

/** An {@link RpcHistory} over its own rate-limited HTTP client to `url`. */
export function openRpcHistory(url: string, settings: RpcReaderSettings, commitment: RpcHistoryOptions['commitment'], source: string): RpcHistory {
  const http = new JsonRpcHttpClient({
    url,
    concurrency: settings.concurrency,
    requestsPerSecond: settings.requestsPerSecond,
    timeoutMs: settings.requestTimeoutMs,
    maxRetries: settings.maxRetries,
  });
  return new RpcHistory(http, { commitment, pageSize: settings.pageSize, source });
}

/** One `getSignaturesForAddress` entry. */
export interface SignatureInfo {
  signature: string;
  slot: number;
  err: unknown;
  blockTime?: number | null;
}

/** What the node returned but could not be normalized: callers yield it as an `invalid` item for quarantine. */
export interface Unreadable {
  raw: string;
  reason: string;
}

/** A fetched transaction as a source item: the transaction, or `invalid` (quarantined with the reason) when unreadable. */
export function fetchedItem(tx: RawTx | Unreadable, receivedAtMs: number): SourceItem {
  return 'slot' in tx ? { kind: 'tx', tx, receivedAtMs } : { kind: 'invalid', raw: tx.raw, reason: tx.reason, receivedAtMs };
}

/** A listed signature the node never returned, as an `invalid` item: quarantined with `reason`, never skipped silently. */
export function notReturnedItem(signature: string, reason: string, receivedAtMs: number): SourceItem {
  return { kind: 'invalid', raw: JSON.stringify({ signature }), reason, receivedAtMs };
}

export interface RpcHistoryOptions {
  /** Commitment of both methods (neither accepts processed). */
  commitment: 'confirmed' | 'finalized';
  /** getSignaturesForAddress page size (≤ 1000). */
  pageSize: number;
  /** Who reads, for log lines. */
  source: string;
}

/** Where a newest-first listing ends. */
export interface ListStop {
  /** Passed as `until`: the node stops before this signature (it must be in the address's history). */
  until?: string;
  /** The first signature (newest first) for which this is true ends the list, itself excluded. */
  stopAt?: (s: SignatureInfo) => boolean;
}

export class RpcHistory {
  constructor(
    readonly http: JsonRpcHttpClient,
    private readonly o: RpcHistoryOptions,
  ) {}

  /** Newest-first signatures of `program` (paged with `before`) down to `stop`. */
  async signatures(program: string, stop: ListStop, signal: AbortSignal): Promise<SignatureInfo[]> {
    const out: SignatureInfo[] = [];
    let before: string | undefined;
    for (;;) {
      const cfg: Record<string, unknown> = { limit: this.o.pageSize, commitment: this.o.commitment };
      if (before) cfg.before = before;
      if (stop.until) cfg.until = stop.until;
      const page = await this.http.call<SignatureInfo[]>('getSignaturesForAddress', [program, cfg], signal);
      for (const s of page) {
        const info: SignatureInfo = { signature: s.signature, slot: s.slot, err: s.err ?? null, blockTime: s.blockTime ?? null };
        if (stop.stopAt?.(info)) return out;
        out.push(info);
      }
      if (page.length < this.o.pageSize) return out;
      before = page[page.length - 1]!.signature;
    }
  }

  /**
   * getTransaction → RawTx, or {@link Unreadable}, or null when the node kept answering null for
   * `nullTimeoutMs` (a node can briefly not know a transaction it notified or listed).
   */
  async transaction(signature: string, signal: AbortSignal, nullTimeoutMs: number): Promise<RawTx | Unreadable | null> {
    const deadline = Date.now() + nullTimeoutMs;
    for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
      const result = await this.http.call<unknown>('getTransaction', [signature, { encoding: 'json', maxSupportedTransactionVersion: 0, commitment: this.o.commitment }], signal);
      if (result !== null) {
        try {
          return normalizeRpcTransaction(result, DECODER_READ_CONTEXT);
        } catch (err) {
          log().error({ source: this.o.source, signature, err: errorMessage(err) }, 'rpc transaction could not be normalized; quarantined');
          return { raw: JSON.stringify(result), reason: `normalize ${signature}: ${errorMessage(err)}` };
        }
      }
      if (Date.now() >= deadline || signal.aborted) {
        log().warn({ source: this.o.source, signature }, 'getTransaction kept answering null');
        return null;
      }
      await sleep(delay, signal);
    }
  }

  /**
   * Fetches `sorted` (slot order) `concurrency` at a time and yields each round in chain order: by slot,
   * then by the node's `transactionIndex` when it sends one (per-address lists cannot say how two programs'
   * transactions interleave in a block). A round never splits a slot, so a slot is ordered whole.
   * Nothing is yielded once `signal` aborts.
   */
  async *inChainOrder(sorted: readonly SignatureInfo[], concurrency: number, signal: AbortSignal, nullTimeoutMs: number): AsyncGenerator<ChainOrderRound> {
    for (const chunk of slotAlignedChunks(sorted, concurrency)) {
      const results = await Promise.all(chunk.map(async (s) => ({ signature: s.signature, tx: await this.transaction(s.signature, signal, nullTimeoutMs) })));
      if (signal.aborted) return;
      const fetched = results.filter((r): r is { signature: string; tx: RawTx | Unreadable } => r.tx !== null);
      const slotOf = (t: RawTx | Unreadable) => ('slot' in t ? t.slot : Infinity);
      const indexOf = (t: RawTx | Unreadable) => ('slot' in t ? (t.indexInBlock ?? Infinity) : Infinity);
      fetched.sort((a, b) => slotOf(a.tx) - slotOf(b.tx) || indexOf(a.tx) - indexOf(b.tx));
      yield { fetched, notReturned: results.filter((r) => r.tx === null).map((r) => r.signature) };
    }
  }
}

/** One round of {@link RpcHistory.inChainOrder}. */
export interface ChainOrderRound {
  fetched: Array<{ signature: string; tx: RawTx | Unreadable }>;
  /** Listed, but the node answered null until the deadline. */
  notReturned: string[];
}

/** Consecutive runs of at least `size` signatures that never split a slot (so a slot can be ordered whole). */
function* slotAlignedChunks(sorted: readonly SignatureInfo[], size: number): Generator<SignatureInfo[]> {
  let chunk: SignatureInfo[] = [];
  for (const s of sorted) {
    if (chunk.length >= size && chunk[chunk.length - 1]!.slot !== s.slot) {
      yield chunk;
      chunk = [];
    }
    chunk.push(s);
  }
  if (chunk.length > 0) yield chunk;
}
