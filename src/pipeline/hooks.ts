import type { LiveAnalytics } from '../analytics/realtime/worker.ts';
import type { Cache } from '../cache/store.ts';
import { cachePricesAfterCommit } from '../cache/sync.ts';
import type { Queryable } from '../db/types.ts';
import type { LiveFeed } from '../feed/live-feed.ts';
import type { CommittedBatch } from './commit.ts';
import { ammPoolsOf } from '../db/amm.ts';
import type { TrackedAddresses } from '../sources/tracked.ts';

/**
 * Runs after a batch committed. Hooks see only committed data, run in commit order in the background
 * (one round at a time, while later batches commit), and may fail without stopping ingestion (the data
 * is stored; the cache and feed catch up next time).
 */
export interface AfterCommitHook {
  name: string;
  run(batch: HookBatch): Promise<void>;
  /**
   * Optional: several batches that committed while the hook was busy, in commit order, in one call —
   * for hooks that only need the latest state (fewer, larger round trips when they fall behind).
   */
  runMany?(batches: readonly HookBatch[]): Promise<void>;
}

/**
 * A committed batch as the hooks see it. `sourceAhead`: more input was waiting — the source is one that
 * runs at full speed, or the batch closed at its size limit rather than its time window (a burst, a
 * stream catching up) — so the pipeline is behind its input.
 */
export type HookBatch = CommittedBatch & { sourceAhead: boolean };

/** Prices of the tokens the batch (or the batches that piled up) traded, from the database into the cache. */
export function cachePricesHook(db: Queryable, cache: Cache): AfterCommitHook {
  const runMany = async (batches: readonly CommittedBatch[]): Promise<void> => {
    const mints = new Set<string>();
    for (const b of batches) for (const e of b.events) if (e.type === 'trade') mints.add(e.mint);
    await cachePricesAfterCommit(db, cache, [...mints]);
  };
  return { name: 'cache_prices', run: (batch) => runMany([batch]), runMany };
}

/** Arrival → commit above this also means the pipeline is behind its input. */
const BEHIND_LAG_MS = 1_000;

/**
 * Marks every token the batches touched (launches included: a new token gets its first score within a
 * round) for the real-time analytics worker, which recomputes them in rounds of its own. A batch with
 * its source ahead, or one that waited over a second from arrival to commit, tells the worker that the
 * pipeline is behind its input, so that the commits come first.
 */
export function liveAnalyticsHook(live: LiveAnalytics): AfterCommitHook {
  const runMany = async (batches: readonly HookBatch[]): Promise<void> => {
    for (const b of batches) {
      const lag = b.receivedAtMs.length > 0 ? b.committedAtMs - Math.min(...b.receivedAtMs) : 0;
      live.mark(b.events.map((e) => e.mint), b.maxSlot, { behind: b.sourceAhead || lag > BEHIND_LAG_MS });
    }
  };
  return { name: 'live_analytics', run: (batch) => runMany([batch]), runMany };
}

/** The batch's launches, trades and graduations to the live feed (API `/stream`). */
export function liveFeedHook(feed: LiveFeed): AfterCommitHook {
  return { name: 'live_feed', run: (batch) => feed.publish(batch.events) };
}

/**
 * Live sources follow the AMM pools tracked tokens graduate to: a committed migration (or pool creation)
 * adds its pool to the followed set (src/sources/tracked.ts), which resubscribes the source.
 */
export function trackPoolsHook(tracked: TrackedAddresses): AfterCommitHook {
  return { name: 'track_amm_pools', run: async (batch) => void tracked.add(ammPoolsOf(batch.events)) };
}
