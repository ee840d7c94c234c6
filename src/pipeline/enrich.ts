import type { Config } from '../config.ts';
import type { Db } from '../db/types.ts';
import type { PeriodicJob } from './periodic.ts';

/** Placeholder replaced below. */
export function enrichmentJob(_db: Db, _config: Config): PeriodicJob | null {
  return null;
}
