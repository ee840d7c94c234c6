import type { Commitment } from '../sources/rpc/index.ts';
import { fetchedItem, notReturnedItem, openRpcHistory, RPC_READER_DEFAULTS, type RpcHistory, type RpcReaderSettings, type SignatureInfo } from '../sources/rpc/index.ts';
import { log } from '../core/logger.ts';
import { ResumeFilter } from '../sources/replay/index.ts';
import type { SourceItem, SourceStartOptions, TransactionSource } from '../sources/types.ts';

/** Reader settings ({@link RpcReaderSettings}) default to {@link RPC_READER_DEFAULTS}. */
export interface BackfillOptions extends Partial<RpcReaderSettings> {
  httpUrl: string;
  /** Program id whose history is listed. */
  program: string;
  /** More addresses listed the same way, merged (each signature once): the AMM pools of tracked tokens. */
  addresses?: string[];
  /** Start after this signature (exclusive) … */
  fromSignature?: string;
  /** … or at this unix time (inclusive). One of the two is required. */
  sinceUnix?: number;
  commitment?: Exclude<Commitment, 'processed'>;
  /** Checkpoint key; default `backfill:<program>`. */
  name?: string;
}

/**
 * History of one program over RPC, oldest first: `getSignaturesForAddress` (newest first, paged with
 * `before`, stopped at `--from`'s signature or `--since`'s time), then `getTransaction` for each, a few in
 * flight. A transaction the node no longer returns is yielded as `invalid` (quarantined with the reason),
 * never skipped silently. The signature list is held in memory (≈ 100 bytes per signature).
 */
export class BackfillSource implements TransactionSource {
  readonly name: string;
  private readonly history: RpcHistory;
  private readonly settings: RpcReaderSettings;

  constructor(private readonly opts: BackfillOptions) {
    if (!opts.fromSignature && opts.sinceUnix === undefined) throw new Error('backfill needs a start: a signature or a time');
    this.name = opts.name ?? `backfill:${opts.program}`;
    this.settings = { ...RPC_READER_DEFAULTS, ...opts };
    this.history = openRpcHistory(opts.httpUrl, this.settings, opts.commitment ?? 'confirmed', this.name);
  }

  async *stream(start: SourceStartOptions): AsyncIterable<SourceItem> {
    const signatures = await this.list(start.signal);
    log().info({ source: this.name, signatures: signatures.length, fromSlot: signatures[0]?.slot, toSlot: signatures.at(-1)?.slot }, 'backfill: signatures listed');
    const resume = new ResumeFilter(start.checkpoint);
    const todo = signatures.filter((s) => resume.admit(s.slot, s.signature));
    for await (const round of this.history.inChainOrder(todo, this.settings.concurrency, start.signal, 0)) {
      const receivedAtMs = Date.now();
      for (const { tx } of round.fetched) yield fetchedItem(tx, receivedAtMs);
      for (const signature of round.notReturned) {
        yield notReturnedItem(signature, `getTransaction ${signature} returned null (pruned history?)`, receivedAtMs);
      }
    }
  }

  /**
   * Signatures after the start point, oldest first (failed transactions left out: they carry no events). The
   * other addresses stop at the program's start: `--since`'s time, or the slot of `--from`'s signature.
   */
  private async list(signal: AbortSignal): Promise<SignatureInfo[]> {
    const { sinceUnix } = this.opts;
    const beforeStart = (s: SignatureInfo) => sinceUnix !== undefined && s.blockTime != null && s.blockTime < sinceUnix;
    const listed = await this.history.signatures(this.opts.program, { until: this.opts.fromSignature, stopAt: beforeStart }, signal);
    const found = new Map<string, SignatureInfo>();
    for (const s of listed) if (s.err === null) found.set(s.signature, s);
    const addresses = this.opts.addresses ?? [];
    if (addresses.length > 0) {
      // With --from, the program's oldest listed slot is where the others start (nothing listed: nothing newer).
      const fromSlot = this.opts.fromSignature === undefined ? null : (listed.at(-1)?.slot ?? Infinity);
      for (const address of addresses) {
        const more = await this.history.signatures(address, { stopAt: (s) => beforeStart(s) || (fromSlot !== null && s.slot < fromSlot) }, signal);
        for (const s of more) if (s.err === null) found.set(s.signature, s);
      }
    }
    // Newest-first lists merged: oldest first by slot, a slot's own order kept (listed order reversed).
    return [...found.values()].reverse().sort((a, b) => a.slot - b.slot);
  }
}
