import type { Commitment } from '../sources/rpc/index.ts';
import { JsonRpcHttpClient } from '../sources/rpc/index.ts';
import { errorMessage } from '../core/errors.ts';
import { log } from '../core/logger.ts';
import { normalizeRpcTransaction } from '../sources/formats/index.ts';
import { ResumeFilter } from '../sources/replay/index.ts';
import type { SourceItem, SourceStartOptions, TransactionSource } from '../sources/types.ts';

export interface BackfillOptions {
  httpUrl: string;
  /** Program id whose history is listed. */
  program: string;
  /** Start after this signature (exclusive) … */
  fromSignature?: string;
  /** … or at this unix time (inclusive). One of the two is required. */
  sinceUnix?: number;
  commitment?: Exclude<Commitment, 'processed'>;
  concurrency?: number;
  requestsPerSecond?: number;
  /** Checkpoint key; default `backfill:<program>`. */
  name?: string;
}

interface SignatureInfo {
  signature: string;
  slot: number;
  blockTime?: number | null;
  err: unknown;
}

const PAGE = 1000;

/**
 * History of one program over RPC, oldest first: `getSignaturesForAddress` (newest first, paged with
 * `before`, stopped at `--from`'s signature or `--since`'s time), then `getTransaction` for each, a few in
 * flight. A transaction the node no longer returns is yielded as `invalid` (quarantined with the reason),
 * never skipped silently. The signature list is held in memory (≈ 100 bytes per signature).
 */
export class BackfillSource implements TransactionSource {
  readonly name: string;
  private readonly http: JsonRpcHttpClient;

  constructor(private readonly opts: BackfillOptions) {
    if (!opts.fromSignature && opts.sinceUnix === undefined) throw new Error('backfill needs a start: a signature or a time');
    this.name = opts.name ?? `backfill:${opts.program}`;
    this.http = new JsonRpcHttpClient({ url: opts.httpUrl, concurrency: opts.concurrency ?? 8, requestsPerSecond: opts.requestsPerSecond ?? 40, timeoutMs: 15_000, maxRetries: 4 });
  }

  async *stream(start: SourceStartOptions): AsyncIterable<SourceItem> {
    const signatures = await this.list(start.signal);
    log().info({ source: this.name, signatures: signatures.length, fromSlot: signatures[0]?.slot, toSlot: signatures.at(-1)?.slot }, 'backfill: signatures listed');
    const resume = new ResumeFilter(start.checkpoint);
    const todo = signatures.filter((s) => resume.admit(s.slot, s.signature));
    const chunk = this.opts.concurrency ?? 8;
    for (let i = 0; i < todo.length && !start.signal.aborted; i += chunk) {
      const part = todo.slice(i, i + chunk);
      const receivedAtMs = Date.now();
      const items = await Promise.all(part.map((s) => this.fetch(s.signature, start.signal, receivedAtMs)));
      yield* items;
    }
  }

  /** Signatures after the start point, oldest first (failed transactions left out: they carry no events). */
  private async list(signal: AbortSignal): Promise<SignatureInfo[]> {
    const out: SignatureInfo[] = [];
    let before: string | undefined;
    for (;;) {
      const cfg: Record<string, unknown> = { limit: PAGE, commitment: this.opts.commitment ?? 'confirmed' };
      if (before) cfg.before = before;
      if (this.opts.fromSignature) cfg.until = this.opts.fromSignature;
      const page = await this.http.call<SignatureInfo[]>('getSignaturesForAddress', [this.opts.program, cfg], signal);
      for (const s of page) {
        if (this.opts.sinceUnix !== undefined && s.blockTime != null && s.blockTime < this.opts.sinceUnix) return out.reverse();
        if (s.err === null || s.err === undefined) out.push(s);
      }
      if (page.length < PAGE) return out.reverse();
      before = page[page.length - 1]!.signature;
    }
  }

  private async fetch(signature: string, signal: AbortSignal, receivedAtMs: number): Promise<SourceItem> {
    const result = await this.http.call<unknown>('getTransaction', [signature, { encoding: 'json', maxSupportedTransactionVersion: 0, commitment: this.opts.commitment ?? 'confirmed' }], signal);
    if (result === null) return { kind: 'invalid', raw: JSON.stringify({ signature }), reason: `getTransaction ${signature} returned null (pruned history?)`, receivedAtMs };
    try {
      return { kind: 'tx', tx: normalizeRpcTransaction(result), receivedAtMs };
    } catch (err) {
      return { kind: 'invalid', raw: JSON.stringify(result), reason: `normalize ${signature}: ${errorMessage(err)}`, receivedAtMs };
    }
  }
}
