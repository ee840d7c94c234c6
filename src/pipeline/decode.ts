import type { DecodeProblem, LaunchpadEvent } from '../core/events.ts';
import { errorMessage } from '../core/errors.ts';
import { decodeFailures, eventsDecoded, trailingByteEvents, unknownDiscriminators } from '../core/metrics.ts';
import type { RawTx } from '../core/rawtx.ts';
import { decodeTransaction } from '../decoders/index.ts';
import type { SourceItem } from '../sources/types.ts';

/** A source transaction with what the decoders found in it. */
export interface DecodedTx {
  kind: 'tx';
  tx: RawTx;
  receivedAtMs: number;
  events: LaunchpadEvent[];
  /**
   * Why the transaction must not be trusted as decoded (a `quarantine`-severity problem such as a
   * verification mismatch, or a decoder crash), or null. Such a transaction is quarantined whole.
   */
  quarantine: { kind: string; reason: string } | null;
}

/** What flows from the decoder stage into the batcher: decoded transactions, gaps and unreadable records. */
export type PipelineItem = DecodedTx | Exclude<SourceItem, { kind: 'tx' }>;

/** Decodes one source item; counts every problem in the metrics. Never throws. */
export function decodeItem(item: SourceItem): PipelineItem {
  if (item.kind !== 'tx') return item;
  let events: LaunchpadEvent[];
  let problems: DecodeProblem[];
  try {
    ({ events, problems } = decodeTransaction(item.tx));
  } catch (err) {
    // Decoders are meant to be total; if one is not, the transaction is kept for inspection, not lost.
    decodeFailures.inc({ reason: 'decoder_threw' });
    return { ...item, events: [], quarantine: { kind: 'decoder_threw', reason: `decoder threw: ${errorMessage(err)}` } };
  }
  const blocking: DecodeProblem[] = [];
  for (const p of problems) {
    if (p.kind === 'unknown_discriminator') unknownDiscriminators.inc({ platform: p.program });
    else if (p.kind === 'trailing_bytes') trailingByteEvents.inc({ platform: p.program });
    if (p.severity === 'quarantine') {
      decodeFailures.inc({ reason: p.kind });
      blocking.push(p);
    }
  }
  for (const e of events) eventsDecoded.inc({ platform: e.program, type: e.type });
  const quarantine =
    blocking.length === 0
      ? null
      : { kind: blocking[0]!.kind, reason: blocking.map((p) => `${p.kind} at ${p.ixIndex}/${p.innerIxIndex}: ${p.message}`).join('; ') };
  return { ...item, events, quarantine };
}

/** The decoder stage: source items in, decoded items out, one at a time (pull-based, so backpressure passes through). */
export async function* decodeItems(items: AsyncIterable<SourceItem>): AsyncGenerator<PipelineItem> {
  for await (const item of items) yield decodeItem(item);
}

/** Rows an item will write, as the batcher's weight (a transaction with no events still costs a little). */
export const itemWeight = (item: PipelineItem): number => (item.kind === 'tx' ? Math.max(1, item.events.length) : 1);
