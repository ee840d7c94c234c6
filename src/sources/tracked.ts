/**
 * Addresses a live source follows beside its programs: the AMM pools of the tokens Megatron tracks. The
 * general traffic of PumpSwap or Raydium is far larger than the launchpads' own; following only the pools
 * tracked tokens graduated to keeps it out of the pipeline. The set grows while the indexer runs (every
 * migration adds its pool); sources subscribe to new members and recover their history from the slot
 * they became relevant (`sinceSlot`, the pool's creation), so the trades between the migration and the
 * subscription are not lost.
 */
/** About an hour of slots: a pool created this close before the checkpoint gets its history listed again on start. */
export const RECENT_POOL_SLOTS = 9_000;

/**
 * The slot from which a followed address's history is listed when a source starts at `checkpointSlot`: the
 * checkpoint — or, for an address that became relevant shortly before it, its own start (the process may have
 * stopped between committing the pool's creation and recovering its first trades; listing again is idempotent).
 */
export function historyFrom(sinceSlot: number, checkpointSlot: number | null): number {
  if (checkpointSlot === null) return sinceSlot;
  return sinceSlot >= checkpointSlot - RECENT_POOL_SLOTS ? Math.min(sinceSlot, checkpointSlot) : checkpointSlot;
}

export class TrackedAddresses {
  private readonly since = new Map<string, number>();
  private readonly listeners = new Set<(added: ReadonlyMap<string, number>) => void>();

  /** @param max Most addresses followed (RPC subscriptions and filter sizes are limited); the newest win. */
  constructor(readonly max = 500) {}

  /** The followed addresses and the slot from which each one's history matters. */
  current(): ReadonlyMap<string, number> {
    return this.since;
  }

  get size(): number {
    return this.since.size;
  }

  /** Adds addresses (ignoring known ones); listeners hear of the new ones in one call. Returns what was new. */
  add(entries: Iterable<readonly [address: string, sinceSlot: number]>): Map<string, number> {
    const added = new Map<string, number>();
    for (const [address, slot] of entries) {
      if (this.since.has(address)) continue;
      this.since.set(address, slot);
      added.set(address, slot);
    }
    // Over the limit: the oldest (first added) stop being followed.
    for (const address of this.since.keys()) {
      if (this.since.size <= this.max) break;
      this.since.delete(address);
      added.delete(address);
    }
    if (added.size > 0) for (const l of this.listeners) l(added);
    return added;
  }

  /** Calls `listener` with each group of new addresses; returns the unsubscribe. */
  onAdded(listener: (added: ReadonlyMap<string, number>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
