import { cacheKeys } from '../cache/keys.ts';
import type { Cache } from '../cache/store.ts';
import { errorMessage } from '../core/errors.ts';
import { countFlags, readCoverage } from '../db/flags.ts';
import { storageStatus, type StorageStatus } from '../db/queries/status.ts';
import { LAUNCHLAB_PROGRAM_ID, PUMPFUN_PROGRAM_ID, PUMPSWAP_PROGRAM_ID, RAYDIUM_AMM_V4_PROGRAM_ID, RAYDIUM_CPMM_PROGRAM_ID } from '../decoders/index.ts';

/** How status names the programs the decoders read. */
const PROGRAM_NAMES: Record<string, string> = {
  [PUMPFUN_PROGRAM_ID]: 'pump.fun',
  [LAUNCHLAB_PROGRAM_ID]: 'LaunchLab',
  [PUMPSWAP_PROGRAM_ID]: 'PumpSwap',
  [RAYDIUM_CPMM_PROGRAM_ID]: 'Raydium CPMM',
  [RAYDIUM_AMM_V4_PROGRAM_ID]: 'Raydium AMM v4',
};
import type { Db } from '../db/types.ts';

/** The seed's "high score" threshold of its pipeline status query. */
export const HIGH_SCORE = 700;

/** `megatron status`: the seed's monitoring queries plus the operational state around them. */
export interface SystemStatus {
  at: string;
  /** The seed's system health overview. */
  health: { newTokens1h: number; trades1h: number; scores1h: number; databaseBytes: number };
  /** The seed's token pipeline status, per platform: all tokens, those created in 24 h, pools, high scores (latest score). */
  platforms: Array<{ platform: string; tokens: number; tokens24h: number; pools: number; highScoreTokens: number; lastTradeAt: string | null }>;
  /** Per source: its checkpoint and how long ago it committed (the source's lag as the database sees it). */
  sources: Array<{ source: string; slot: number; updatedAt: string; lagSeconds: number }>;
  /** Scheduler jobs (job_runs) and TimescaleDB jobs, with their last run. */
  jobs: { scheduler: StorageStatus['jobs']; timescale: StorageStatus['timescaleJobs'] };
  storage: Pick<StorageStatus, 'flavour' | 'driver' | 'migrations' | 'partitions' | 'compression'> & { quarantine: number };
  cache: { kind: Cache['kind']; ok: boolean; roundTripMs: number | null; hotTokens: number | null; hotTtlSeconds: number | null; error: string | null };
  /** Trust and coverage of the decoders: flagged transactions, and per program the share of invocations that produced events. */
  decoding: { flagged: number; programs: DecodingCoverage[] };
}

export interface DecodingCoverage {
  programId: string;
  /** The decoder's name for it (pumpfun / launchlab / pumpswap / …). */
  program: string;
  invocations: number;
  /** Share (0–1) of invocations that produced events. */
  decodedShare: number;
  /** Instructions with no event at all yet, busiest first (unknown ones as 0x + discriminator). */
  undecoded: Array<{ instruction: string; count: number }>;
}

/** Per program: invocations, decoded share, and the instructions that produced nothing. */
async function decodingStatus(db: Db): Promise<SystemStatus['decoding']> {
  const byProgram = new Map<string, DecodingCoverage>();
  for (const row of await readCoverage(db)) {
    let p = byProgram.get(row.programId);
    if (p === undefined) {
      byProgram.set(row.programId, (p = { programId: row.programId, program: PROGRAM_NAMES[row.programId] ?? row.programId, invocations: 0, decodedShare: 0, undecoded: [] }));
    }
    p.invocations += row.decoded + row.empty;
    p.decodedShare += row.decoded;
    if (row.decoded === 0) p.undecoded.push({ instruction: row.instruction, count: row.empty });
  }
  for (const p of byProgram.values()) p.decodedShare = p.invocations === 0 ? 0 : p.decodedShare / p.invocations;
  return { flagged: await countFlags(db), programs: [...byProgram.values()] };
}

const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** Collects the status; `cache` is the configured cache (Redis, or the in-process fallback). */
export async function systemStatus(db: Db, cache: Cache): Promise<SystemStatus> {
  const storage = await storageStatus(db);
  // New tokens and trades of the last hour come with the storage status; only scores are counted here.
  const scores = (await db.query<Record<string, unknown>>(
    `SELECT count(*) AS scores FROM token_scores WHERE calculated_at > now() - interval '1 hour'`,
  )).rows[0]!;
  // Counted per table and joined by platform: the seed's single join multiplied pools by score rows.
  const platforms = await db.query<Record<string, unknown>>(
    `WITH t AS (SELECT platform, count(*) AS tokens, count(*) FILTER (WHERE created_at > now() - interval '24 hours') AS tokens_24h FROM tokens GROUP BY platform),
          p AS (SELECT platform, count(*) AS pools FROM pools GROUP BY platform),
          s AS (SELECT tk.platform, count(*) AS high FROM tokens tk
                JOIN LATERAL (SELECT total_score FROM token_scores ts WHERE ts.token_id = tk.id ORDER BY calculated_at DESC LIMIT 1) ls ON true
                WHERE ls.total_score > ${HIGH_SCORE} GROUP BY tk.platform),
          x AS (SELECT platform, max(block_time) AS last_trade FROM transactions WHERE block_time > now() - interval '7 days' GROUP BY platform)
     SELECT t.platform, t.tokens, t.tokens_24h, coalesce(p.pools, 0) AS pools, coalesce(s.high, 0) AS high, x.last_trade
     FROM t LEFT JOIN p USING (platform) LEFT JOIN s USING (platform) LEFT JOIN x USING (platform) ORDER BY t.platform`,
  );
  const now = Date.now();
  return {
    at: new Date(now).toISOString(),
    health: {
      newTokens1h: storage.newTokens1h, trades1h: storage.volume.reduce((sum, v) => sum + v.trades1h, 0), scores1h: n(scores.scores),
      databaseBytes: storage.databaseBytes,
    },
    platforms: platforms.rows.map((r) => ({
      platform: String(r.platform), tokens: n(r.tokens), tokens24h: n(r.tokens_24h), pools: n(r.pools), highScoreTokens: n(r.high),
      lastTradeAt: r.last_trade instanceof Date ? r.last_trade.toISOString() : null,
    })),
    sources: storage.checkpoints.map((c) => ({ ...c, lagSeconds: Math.max(0, Math.round((now - Date.parse(c.updatedAt)) / 1000)) })),
    jobs: { scheduler: storage.jobs, timescale: storage.timescaleJobs },
    storage: {
      flavour: storage.flavour, driver: storage.driver, migrations: storage.migrations, partitions: storage.partitions,
      compression: storage.compression, quarantine: storage.rows.quarantine,
    },
    cache: await cacheHealth(cache),
    decoding: await decodingStatus(db),
  };
}

/** A write/read round trip on a probe key, and the hot set the sync job keeps alive (missing = sync not running). */
async function cacheHealth(cache: Cache): Promise<SystemStatus['cache']> {
  const probe = `status:probe:${process.pid}:${Date.now()}`;
  try {
    const t0 = performance.now();
    await cache.set(probe, '1', 10);
    const back = await cache.get(probe);
    const roundTripMs = Math.round((performance.now() - t0) * 10) / 10;
    await cache.del([probe]);
    const ttl = await cache.ttl(cacheKeys.hot);
    const hot = ttl === -2 ? 0 : (await cache.zrevrange(cacheKeys.hot, 0, -1)).length;
    return { kind: cache.kind, ok: back === '1', roundTripMs, hotTokens: hot, hotTtlSeconds: ttl, error: back === '1' ? null : 'probe value not read back' };
  } catch (err) {
    return { kind: cache.kind, ok: false, roundTripMs: null, hotTokens: null, hotTtlSeconds: null, error: errorMessage(err) };
  }
}
