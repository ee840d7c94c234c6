import { createHash } from 'node:crypto';
import type { HolderBalanceRow } from '../analytics/holders/balances.ts';
import { eventFromJson, eventToJson } from '../core/event-json.ts';
import type { LaunchpadEvent } from '../core/events.ts';
import type { DecodeFlags, DecodedTx, PipelineItem } from '../pipeline/decode.ts';
import { eventSubject, quarantineSubject } from './subjects.ts';

/**
 * What a monitor publishes per decoded transaction: one message per event, its body the `megatron decode`
 * line of the event plus what the writer needs beside it —
 *   `received_at_ms`  when the monitor received the transaction (arrival→commit latency across processes),
 *   `holders`         the transaction's exact post-balances of the event's mint, `[owner, amount, slot]`
 *                     (on the mint's first event in the transaction only),
 *   `flags`           the balance self-check's disagreements (on the transaction's first event only).
 * A transaction that could not be decoded, and an unreadable record, is one `quarantine` message.
 * The message id (`Nats-Msg-Id`) is the event key `signature:ix:inner` (trades; other event types append
 * `:type`, since e.g. a curve's last trade and its `curve_completed` share a location), so the stream drops
 * the second copy an HA pair of monitors publishes.
 */
export interface OutgoingMessage {
  subject: string;
  msgId: string;
  body: string;
}

interface EventExtras {
  received_at_ms: number;
  holders?: [string, string, number][];
  flags?: { problems: DecodeFlags['problems']; decoder_version: string; raw: string };
}

interface QuarantineBody {
  kind: 'quarantine';
  quarantine_kind: string;
  reason: string;
  raw: string;
  signature: string | null;
  slot: number | null;
  block_time: number | null;
  decoder_version: string | null;
  received_at_ms: number;
}

export const eventMsgId = (e: LaunchpadEvent): string => `${e.signature}:${e.ixIndex}:${e.innerIxIndex}${e.type === 'trade' ? '' : `:${e.type}`}`;

/** The messages of one pipeline item, in the order they must be stored. */
export function messagesOf(item: PipelineItem, partitions: number): OutgoingMessage[] {
  if (item.kind === 'gap') return [];
  if (item.kind === 'invalid') {
    const id = createHash('sha256').update(item.raw).digest('hex').slice(0, 32);
    const body: QuarantineBody = {
      kind: 'quarantine', quarantine_kind: 'invalid', reason: item.reason, raw: item.raw, signature: null, slot: null, block_time: null,
      decoder_version: null, received_at_ms: item.receivedAtMs,
    };
    return [{ subject: quarantineSubject(null, id, partitions), msgId: `q:${id}`, body: JSON.stringify(body) }];
  }
  if (item.quarantine !== null) {
    const q = item.quarantine;
    const body: QuarantineBody = {
      kind: 'quarantine', quarantine_kind: q.kind, reason: q.reason, raw: q.raw, signature: item.signature, slot: item.slot,
      block_time: item.blockTime, decoder_version: q.decoderVersion ?? null, received_at_ms: item.receivedAtMs,
    };
    return [{ subject: quarantineSubject(item.signature, item.signature, partitions), msgId: `q:${item.signature}`, body: JSON.stringify(body) }];
  }
  const holdersOf = new Map<string, [string, string, number][]>();
  for (const h of item.holders) {
    let list = holdersOf.get(h.mint);
    if (!list) holdersOf.set(h.mint, (list = []));
    list.push([h.owner, h.amount.toString(), h.slot]);
  }
  return item.events.map((e, i) => {
    const extras: EventExtras = { received_at_ms: item.receivedAtMs };
    const holders = holdersOf.get(e.mint);
    if (holders) {
      extras.holders = holders;
      holdersOf.delete(e.mint);
    }
    if (i === 0 && item.flags) extras.flags = { problems: item.flags.problems, decoder_version: item.flags.decoderVersion, raw: item.flags.raw };
    return { subject: eventSubject(e, partitions), msgId: eventMsgId(e), body: JSON.stringify({ ...eventToJson(e), ...extras }) };
  });
}

/** One received message, read back: an event (with its extras) or a quarantined record. */
export type IncomingMessage =
  | { kind: 'event'; event: LaunchpadEvent; receivedAtMs: number; holders: HolderBalanceRow[]; flags: DecodeFlags | null }
  | { kind: 'quarantine'; item: PipelineItem };

/** Parses a message body; throws on a body no Megatron monitor writes (the caller quarantines it). */
export function parseMessage(body: string): IncomingMessage {
  const json = JSON.parse(body) as Record<string, unknown>;
  if (json.kind === 'quarantine') {
    const q = json as unknown as QuarantineBody;
    if (q.signature === null || q.slot === null) return { kind: 'quarantine', item: { kind: 'invalid', raw: q.raw, reason: q.reason, receivedAtMs: q.received_at_ms } };
    const tx: DecodedTx = {
      kind: 'tx', signature: q.signature, slot: q.slot, blockTime: q.block_time, receivedAtMs: q.received_at_ms, events: [], holders: [],
      quarantine: { kind: q.quarantine_kind, reason: q.reason, raw: q.raw, ...(q.decoder_version ? { decoderVersion: q.decoder_version } : {}) },
      flags: null, coverage: [],
    };
    return { kind: 'quarantine', item: tx };
  }
  const { received_at_ms, holders, flags, ...eventJson } = json as Record<string, unknown> & EventExtras;
  const event = eventFromJson(eventJson);
  return {
    kind: 'event',
    event,
    receivedAtMs: typeof received_at_ms === 'number' ? received_at_ms : Date.now(),
    holders: (holders ?? []).map(([owner, amount, slot]) => ({ mint: event.mint, owner, amount: BigInt(amount), slot })),
    flags: flags ? { problems: flags.problems, decoderVersion: flags.decoder_version, raw: flags.raw } : null,
  };
}
