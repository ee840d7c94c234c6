/**
 * A set that forgets its oldest entries past `capacity`: enough to dedupe signatures that arrive twice
 * around a reconnect (live vs backfill, replayed slot), without growing with the chain.
 */
export class RecentSet {
  private readonly entries = new Set<string>();

  constructor(private readonly capacity: number) {}

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Adds `key`; returns false when it was already present. */
  add(key: string): boolean {
    if (this.entries.has(key)) return false;
    this.entries.add(key);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.values().next().value as string;
      this.entries.delete(oldest);
    }
    return true;
  }

  get size(): number {
    return this.entries.size;
  }
}
