import type { RawTx } from '../core/rawtx.ts';

/** Where a source resumes: the last slot (and signature within it) that was durably stored. */
export interface Checkpoint {
  slot: number;
  signature: string | null;
}

/**
 * What a source yields. Sources never hide a drop: when a connection is lost and re-established they
 * report the slot range that may be missing (`gap`), then whatever backfill they did.
 */
export type SourceItem =
  | {
      kind: 'tx';
      tx: RawTx;
      /** Wall clock (ms since epoch) when the source received it, for arrival→commit latency. */
      receivedAtMs: number;
    }
  | {
      kind: 'gap';
      /** Last slot seen before the drop (null when nothing was seen yet). */
      lastSlotBefore: number | null;
      /** First slot seen after the reconnect. */
      firstSlotAfter: number;
      /** True once the source backfilled the gap itself (RPC); false when the gap is only reported. */
      backfilled: boolean;
      reason: string;
      /**
       * The addresses whose history the gap concerns, when not the source's programs: an AMM pool the source
       * starts following, whose trades since its creation the stream did not carry.
       */
      addresses?: string[];
    }
  | {
      /** A record the source received but could not normalize (replay files): the pipeline quarantines it. */
      kind: 'invalid';
      /** The record as received (text), kept in quarantine for inspection. */
      raw: string;
      reason: string;
      receivedAtMs: number;
    };

export interface SourceStartOptions {
  /** Resume point from the pipeline's checkpoint table; null on a first run. */
  checkpoint: Checkpoint | null;
  signal: AbortSignal;
}

/**
 * A stream of normalized transactions. Pull-based: a source produces only when the consumer asks for
 * the next item, so a slow database slows the source down (bounded queues inside push transports).
 */
export interface TransactionSource {
  /** Stable name: the checkpoint key (e.g. `rpc:pumpfun`, `yellowstone`, `simulate`). */
  readonly name: string;
  /** See {@link DecodedSource.atFullSpeed}. */
  readonly atFullSpeed?: boolean;
  stream(opts: SourceStartOptions): AsyncIterable<SourceItem>;
}
