import { applyTokenBalances } from '../analytics/holders/balances.ts';
import type { LaunchpadEvent, Platform } from '../core/events.ts';
import type { Db } from '../db/types.ts';
import { EventWriter } from '../db/writer.ts';
import type { Checkpoint, SourceItem } from '../sources/types.ts';
import type { DecodedTx, PipelineItem } from './decode.ts';

type GapItem = Extract<SourceItem, { kind: 'gap' }>;
const NONE: ReadonlySet<string> = new Set();

/** What one committed batch stored: the input of the after-commit hooks and the status line. */
export interface CommittedBatch {
  /** Source transactions in the batch (stored or quarantined). */
  txs: number;
  /** Events stored, in the order they were written (per mint by slot). */
  events: LaunchpadEvent[];
  /** Trades that were new, per platform (replayed duplicates are not counted). */
  tradesInserted: Record<Platform, number>;
  /** Rows sent to quarantine, by reason class. */
  quarantined: Map<string, number>;
  /** Transactions stored with a self-check disagreement recorded (decode_flags). */
  flagged: number;
  gaps: GapItem[];
  /** The checkpoint written with the batch, or null when it would have moved backwards (or the batch had no tx). */
  checkpoint: Checkpoint | null;
  /** Highest slot and newest block time among the batch's transactions. */
  maxSlot: number | null;
  maxBlockTime: number | null;
  /** When the source received each transaction (ms since epoch), for arrival→commit latency. */
  receivedAtMs: number[];
  committedAtMs: number;
}

/**
 * Slot order, stable: transactions of one slot keep the source's order (block order for Yellowstone,
 * chain order for the others), so each mint's events are written in chain order even when a source
 * (RPC reconcile) delivers an older transaction late.
 */
function inSlotOrder(txs: DecodedTx[]): DecodedTx[] {
  // Almost every batch arrives in slot order already: no sort (and no index pairs) then.
  let sorted = true;
  for (let i = 1; i < txs.length && sorted; i++) sorted = txs[i - 1]!.slot <= txs[i]!.slot;
  if (sorted) return txs;
  return txs.map((t, i) => [t, i] as const).sort((a, b) => a[0].slot - b[0].slot || a[1] - b[1]).map(([t]) => t);
}

/**
 * Writes one batch in ONE database transaction: quarantine rows (unreadable records, transactions that
 * could not be decoded), flags of transactions stored despite a self-check disagreement, decoder
 * coverage, the events (tokens ▸ pools ▸ trades ▸ graduations, per platform), exact holder
 * balances, and the source's checkpoint — forward-only, so a batch replayed after a crash or written by
 * the second monitor of a pair never moves it back. Either all of it commits or none of it.
 */
export interface CommitOptions {
  /** false: a re-decode of stored transactions (`megatron quarantine retry`): no checkpoint moves, no coverage is counted again. */
  live?: boolean;
}

/** A batch's transactions (as delivered, and in slot order), gaps and unreadable records. */
export function splitBatch(batch: readonly PipelineItem[]): { txs: DecodedTx[]; ordered: DecodedTx[]; gaps: GapItem[]; invalid: Extract<PipelineItem, { kind: 'invalid' }>[] } {
  const txs: DecodedTx[] = [];
  const gaps: GapItem[] = [];
  const invalid: Extract<PipelineItem, { kind: 'invalid' }>[] = [];
  for (const item of batch) {
    if (item.kind === 'tx') txs.push(item);
    else if (item.kind === 'gap') gaps.push(item);
    else invalid.push(item);
  }
  return { txs, ordered: inSlotOrder(txs), gaps, invalid };
}

export async function commitBatch(writer: EventWriter, source: string, batch: readonly PipelineItem[], opts: CommitOptions = {}): Promise<CommittedBatch> {
  const live = opts.live ?? true;
  const { txs, gaps, invalid, ordered } = splitBatch(batch);
  const trusted = ordered.filter((t) => t.quarantine === null);
  const flagged = trusted.filter((t) => t.flags !== null);
  const events = trusted.flatMap((t) => t.events);
  const last = ordered.at(-1);
  const candidate: Checkpoint | null = last ? { slot: last.slot, signature: last.signature } : null;

  const quarantined = new Map<string, number>();
  const countQuarantine = (reason: string, n = 1): void => {
    if (n > 0) quarantined.set(reason, (quarantined.get(reason) ?? 0) + n);
  };
  const tradesInserted: Record<Platform, number> = { pumpfun: 0, launchlab: 0 };
  let untracked: ReadonlySet<string> = NONE;
  let flaggedStored = 0;

  const checkpoint = await writer.transaction(async (w) => {
    quarantined.clear();
    for (const item of invalid) {
      await w.quarantine({ kind: 'transaction', reason: item.reason, raw: item.raw, source });
      countQuarantine('invalid');
    }
    for (const t of ordered) {
      if (t.quarantine === null) continue;
      await w.quarantine({
        kind: 'transaction', reason: t.quarantine.reason, raw: t.quarantine.raw, signature: t.signature, slot: t.slot, source,
        decoderVersion: t.quarantine.decoderVersion ?? null,
      });
      countQuarantine(t.quarantine.kind);
    }
    if (live) await w.recordCoverage(ordered.flatMap((t) => t.coverage));
    untracked = NONE;
    if (events.length > 0) {
      const res = await w.writeEvents(events, source);
      Object.assign(tradesInserted, res.insertedByPlatform);
      countQuarantine('bad_row', res.quarantined);
      untracked = res.untracked;
    }
    // Flags of transactions that concern only untracked tokens are noise of the AMMs' general traffic.
    const relevant = untracked.size === 0 ? flagged : flagged.filter((t) => t.events.some((e) => !untracked.has(e.mint)));
    await w.recordFlags(relevant.map((t) => ({ signature: t.signature, slot: t.slot, source, ...t.flags! })));
    flaggedStored = relevant.length;
    // Holders of tokens Megatron does not track (general AMM traffic) are not kept either.
    const holders = trusted.flatMap((t) => t.holders);
    await applyTokenBalances(w.tx, untracked.size === 0 ? holders : holders.filter((h) => !untracked.has(h.mint)));
    return candidate && live ? w.advanceCheckpoint(source, candidate) : null;
  });
  return {
    txs: txs.length,
    events: untracked.size === 0 ? events : events.filter((e) => !untracked.has(e.mint)),
    tradesInserted,
    quarantined,
    flagged: flaggedStored,
    gaps,
    checkpoint,
    ...batchPosition(txs, ordered, trusted),
  };
}

/** Where a committed batch leaves the source, and its timings: the closing fields of every {@link CommittedBatch}. */
export function batchPosition(txs: readonly DecodedTx[], ordered: readonly DecodedTx[], trusted: readonly DecodedTx[]): Pick<CommittedBatch, 'maxSlot' | 'maxBlockTime' | 'receivedAtMs' | 'committedAtMs'> {
  return {
    maxSlot: ordered.at(-1)?.slot ?? null,
    maxBlockTime: trusted.reduce<number | null>((m, t) => (t.blockTime !== null && (m === null || t.blockTime > m) ? t.blockTime : m), null),
    receivedAtMs: txs.map((t) => t.receivedAtMs),
    committedAtMs: Date.now(),
  };
}

/**
 * Where the pipeline commits its batches and keeps its checkpoint: the database (here), or the event bus
 * (src/bus/publisher.ts), where a batch "commits" once the stream acknowledged every message.
 */
export interface BatchSink {
  readCheckpoint(name: string): Promise<Checkpoint | null>;
  commit(name: string, batch: readonly PipelineItem[]): Promise<CommittedBatch>;
}

/** The database as the pipeline's sink: {@link commitBatch} with the checkpoint in the same transaction. */
export function databaseSink(db: Db): BatchSink {
  const writer = new EventWriter(db);
  return {
    readCheckpoint: (name) => writer.transaction((w) => w.getCheckpoint(name)),
    commit: (name, batch) => commitBatch(writer, name, batch),
  };
}
