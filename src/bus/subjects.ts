import type { LaunchpadEvent } from '../core/events.ts';

/**
 * Subjects of the event stream (docs/scaling.md, "Subjects"):
 *
 *   megatron.events.<program>.<type>.p<NN>.<mint>        one decoded event (program: pumpfun | launchlab)
 *   megatron.events.tx.quarantine.p<NN>.<signature|->    a transaction (or record) the monitor could not decode
 *
 * `p<NN>` is the mint's partition (FNV-1a of the mint, modulo the stream's partition count; a quarantined
 * record's by its signature): a writer owns whole partitions, so each token's events are committed in
 * stream order by one writer. Bots filter on the other tokens: `megatron.events.*.trade.*.<mint>`,
 * `megatron.events.pumpfun.token_created.>`.
 */
export const SUBJECT_ROOT = 'megatron.events';

/** FNV-1a (32 bit) of a string: stable across processes and languages, cheap, evenly spread for base58. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const partitionToken = (p: number): string => `p${String(p).padStart(2, '0')}`;

export const partitionOf = (key: string, partitions: number): number => fnv1a(key) % partitions;

export const eventSubject = (e: LaunchpadEvent, partitions: number): string =>
  `${SUBJECT_ROOT}.${e.program}.${e.type}.${partitionToken(partitionOf(e.mint, partitions))}.${e.mint}`;

export const quarantineSubject = (signature: string | null, fallbackKey: string, partitions: number): string =>
  `${SUBJECT_ROOT}.tx.quarantine.${partitionToken(partitionOf(signature ?? fallbackKey, partitions))}.${signature ?? '-'}`;

/** Everything of one partition: a writer's consumer filter. */
export const partitionFilter = (p: number): string => `${SUBJECT_ROOT}.*.*.${partitionToken(p)}.*`;

/**
 * The partitions writer `index` of `count` owns: p ≡ index (mod count). Every partition has exactly one
 * owner for a given count, and adding writers moves whole partitions.
 */
export function ownedPartitions(index: number, count: number, partitions: number): number[] {
  const out: number[] = [];
  for (let p = index; p < partitions; p += count) out.push(p);
  return out;
}
