import type { Cache } from '../../cache/store.ts';
import type { Queryable } from '../../db/types.ts';
import type { MetadataFacts } from '../scores/formula.ts';
import { knownMetadataOf, METADATA_PENDING } from '../scores/metadata.ts';
import { committedAsOf, computeTokenAnalytics, staleAnalyticsTokens, storeTokenAnalytics } from './compute.ts';
import { publishAnalytics } from './worker.ts';

/** Rows older than this are recomputed by the safety net (their 5-minute and 1-hour windows moved on). */
export const ANALYTICS_STALE_MS = 30_000;
/** Most tokens one safety-net run recomputes. */
const REPAIR_LIMIT = 2_000;

/**
 * The safety net of real-time analytics (job `analytics:realtime`): recomputes the current rows that
 * went stale — tokens that stopped trading (their windows decay), tokens a failed round missed, data
 * written by other processes — with the metadata the cache knows.
 */
export async function repairStaleAnalytics(db: Queryable, cache: Cache): Promise<number> {
  const tokens = await staleAnalyticsTokens(db, ANALYTICS_STALE_MS, REPAIR_LIMIT);
  if (tokens.length === 0) return 0;
  const { asOf, slot } = await committedAsOf(db);
  const known = await knownMetadataOf(tokens, cache);
  const metadata = new Map<string, MetadataFacts>(tokens.map((t) => [t.mint, known.get(t.mint) ?? METADATA_PENDING]));
  const rows = await computeTokenAnalytics(db, tokens, asOf, metadata);
  await storeTokenAnalytics(db, rows, asOf, slot);
  await publishAnalytics(cache, rows, asOf, slot);
  return rows.length;
}
