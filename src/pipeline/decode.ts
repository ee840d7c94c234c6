import { balanceRowsFromTx, vaultOwners, type HolderBalanceRow } from '../analytics/holders/balances.ts';
import type { DecodeProblem, InvocationCoverage, LaunchpadEvent } from '../core/events.ts';
import { errorMessage } from '../core/errors.ts';
import { decodeCoverage, decodeFailures, decodeFlags, eventsDecoded, trailingByteEvents, unknownDiscriminators } from '../core/metrics.ts';
import { rawTxJson, type RawTx } from '../core/rawtx.ts';
import { DECODER_VERSION, decodeTransaction } from '../decoders/index.ts';
import type { SourceItem, SourceStartOptions } from '../sources/types.ts';

/**
 * A source transaction reduced to what the writer stores: its events, the holder balances they touched and
 * its position. The raw transaction is dropped here (a batch in flight holds compact rows, not whole
 * transactions), so decoded items are also cheap to hand from a decoder thread to the writer.
 */
export interface DecodedTx {
  kind: 'tx';
  signature: string;
  slot: number;
  blockTime: number | null;
  receivedAtMs: number;
  events: LaunchpadEvent[];
  /** Exact post-transaction balances of the mints the events touched (vaults excluded); empty when quarantined. */
  holders: HolderBalanceRow[];
  /**
   * Why the transaction could not be decoded (a `quarantine`-severity problem such as a corrupt event,
   * or a decoder crash), with the raw transaction as JSON; or null. Such a transaction is quarantined
   * whole and none of its events are stored.
   */
  quarantine: { kind: string; reason: string; raw: string; decoderVersion?: string } | null;
  /**
   * Disagreements of the balance self-check with the program's own events (`flag` problems), with the raw
   * transaction as JSON; or null. The events are stored all the same; the flags go to `decode_flags`.
   */
  flags: DecodeFlags | null;
  /** Per invocation of a program the decoders read: its instruction and whether it produced events. */
  coverage: InvocationCoverage[];
}

export interface DecodeFlags {
  problems: DecodeProblem[];
  decoderVersion: string;
  raw: string;
}

/** What flows from the decoder stage into the batcher: decoded transactions, gaps and unreadable records. */
export type PipelineItem = DecodedTx | Exclude<SourceItem, { kind: 'tx' }>;

/** A source whose items arrive decoded (the decoder runs elsewhere, e.g. in a worker thread: `./decode-thread.ts`). */
export interface DecodedSource {
  readonly name: string;
  /**
   * The source holds its input ready and yields only as fast as the pipeline pulls (simulate or replay
   * unpaced): its arrival times are pull times, so they cannot show that the pipeline is behind — it
   * always is.
   */
  readonly atFullSpeed?: boolean;
  decoded(opts: SourceStartOptions): AsyncIterable<PipelineItem>;
  /** Called with each batch of its items once it committed (the event bus acknowledges their messages then). */
  committed?(batch: readonly PipelineItem[]): void;
}

/** `metric\tlabel[\tlabel]` → count: a decoder thread's tally crosses to the main thread as this plain object. */
type DecodeTally = Record<string, number>;

/** Tally keys of the decoded-events metric, built once per (platform, type) instead of once per event. */
const eventKeys = new Map<string, Map<string, string>>();
const eventKey = (program: string, type: string): string => {
  let byType = eventKeys.get(program);
  if (byType === undefined) eventKeys.set(program, (byType = new Map()));
  let key = byType.get(type);
  if (key === undefined) byType.set(type, (key = `events\t${program}\t${type}`));
  return key;
};

/**
 * Decoder metrics tallied in plain counters and added to the Prometheus metrics in one go
 * ({@link DecodeCounts.flush}): cheaper than one increment per event, and a decoder thread sends its
 * tally with each chunk (a worker's own metric registry is never scraped).
 */
export class DecodeCounts {
  counts: DecodeTally = {};

  add(key: string, n = 1): void {
    this.counts[key] = (this.counts[key] ?? 0) + n;
  }

  /** Adds the tally to the metrics of this thread and empties it. */
  flush(): void {
    for (const [key, n] of Object.entries(this.counts)) {
      const [metric, a, b] = key.split('\t') as [string, string, string | undefined];
      if (metric === 'events') eventsDecoded.inc({ platform: a, type: b }, n);
      else if (metric === 'failures') decodeFailures.inc({ reason: a }, n);
      else if (metric === 'unknown') unknownDiscriminators.inc({ platform: a }, n);
      else if (metric === 'flags') decodeFlags.inc({ platform: a, kind: b }, n);
      else if (metric === 'coverage') {
        const [, program, instruction, outcome] = key.split('\t') as [string, string, string, string];
        decodeCoverage.inc({ program, instruction, outcome }, n);
      } else trailingByteEvents.inc({ platform: a }, n);
    }
    this.counts = {};
  }
}

const mintOf = (e: LaunchpadEvent): string => e.mint;


/**
 * Decodes one source item, tallying every problem in `counts` (without it, straight into the metrics).
 * Never throws.
 */
export function decodeItem(item: SourceItem, counts?: DecodeCounts): PipelineItem {
  if (item.kind !== 'tx') return item;
  const tally = counts ?? new DecodeCounts();
  const decoded = decodeTx(item.tx, item.receivedAtMs, tally);
  if (!counts) tally.flush();
  return decoded;
}

function decodeTx(tx: RawTx, receivedAtMs: number, counts: DecodeCounts): DecodedTx {
  const decoded = (
    events: LaunchpadEvent[],
    holders: HolderBalanceRow[],
    quarantine: DecodedTx['quarantine'],
    flags: DecodeFlags | null = null,
    coverage: InvocationCoverage[] = [],
  ): DecodedTx => ({ kind: 'tx', signature: tx.signature, slot: tx.slot, blockTime: tx.blockTime, receivedAtMs, events, holders, quarantine, flags, coverage });
  let events: LaunchpadEvent[];
  let problems: DecodeProblem[];
  let coverage: InvocationCoverage[];
  try {
    ({ events, problems, coverage } = decodeTransaction(tx));
  } catch (err) {
    // Decoders are meant to be total; if one is not, the transaction is kept for inspection, not lost.
    counts.add('failures\tdecoder_threw');
    return decoded([], [], { kind: 'decoder_threw', reason: `decoder threw: ${errorMessage(err)}`, raw: rawTxJson(tx), decoderVersion: DECODER_VERSION });
  }
  let blocking: DecodeProblem[] | null = null;
  let flagged: DecodeProblem[] | null = null;
  for (const p of problems) {
    if (p.kind === 'unknown_discriminator') counts.add(`unknown\t${p.program}`);
    else if (p.kind === 'trailing_bytes') counts.add(`trailing\t${p.program}`);
    if (p.severity === 'quarantine') {
      counts.add(`failures\t${p.kind}`);
      (blocking ??= []).push(p);
    } else if (p.severity === 'flag') {
      counts.add(`flags\t${p.program}\t${p.kind}`);
      (flagged ??= []).push(p);
    }
  }
  for (const e of events) counts.add(eventKey(e.program, e.type));
  for (const c of coverage) counts.add(`coverage\t${c.programId}\t${c.instruction}\t${c.decoded ? 'decoded' : 'empty'}`);
  if (blocking !== null) {
    return decoded(events, [], { kind: blocking[0]!.kind, reason: problemsReason(blocking), raw: rawTxJson(tx), decoderVersion: DECODER_VERSION }, null, coverage);
  }
  const flags = flagged === null ? null : { problems: flagged, decoderVersion: DECODER_VERSION, raw: rawTxJson(tx) };
  const holders = events.length === 0 ? [] : balanceRowsFromTx(tx, new Set(events.map(mintOf)), vaultOwners(events));
  return decoded(events, holders, null, flags, coverage);
}

/** Problems as one line: kind, position and message of each. */
export const problemsReason = (problems: readonly DecodeProblem[]): string =>
  problems.map((p) => `${p.kind} at ${p.ixIndex}/${p.innerIxIndex}: ${p.message}`).join('; ');

/** Rows an item will write, as the batcher's weight (a transaction with no events still costs a little). */
export const itemWeight = (item: PipelineItem): number => (item.kind === 'tx' ? Math.max(1, item.events.length) : 1);
