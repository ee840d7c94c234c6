import type { Config } from '../config.ts';
import type { Db } from '../db/types.ts';
import type { Job } from './scheduler.ts';

/**
 * The data lifecycle: how long each relation is kept and when it is compressed (docs/operations.md).
 * TimescaleDB runs it as policies and jobs (created by migrations timescale/0041, aligned with these settings
 * by {@link applyLifecycle}); plain Postgres has no compression, and our scheduler drops and deletes.
 */
export type LifecycleSettings = Config['lifecycle'];

/** The defaults (the seed's intervals, coarser candles kept longer): the values the migrations create. */
export const DEFAULT_LIFECYCLE: LifecycleSettings = {
  tradesCompressAfterDays: 7,
  tradesRetentionDays: 90,
  candles1mCompressAfterDays: 1,
  candles1mRetentionDays: 7,
  candles5mRetentionDays: 90,
  candles1hRetentionDays: 730,
  candles1dRetentionDays: 0,
  scoresRetentionDays: 30,
  holderSnapshotsRetentionDays: 30,
};

/** One relation's policy: compress after / drop after, in days (0 = never). */
export interface RelationPolicy {
  relation: string;
  compressAfterDays: number;
  retentionDays: number;
}

/** The wanted policy per relation (5m candles compress after a fixed 7 days; 1h and 1d are too small to bother). */
export function relationPolicies(s: LifecycleSettings): RelationPolicy[] {
  return [
    { relation: 'transactions', compressAfterDays: s.tradesCompressAfterDays, retentionDays: s.tradesRetentionDays },
    { relation: 'price_candles_1m', compressAfterDays: s.candles1mCompressAfterDays, retentionDays: s.candles1mRetentionDays },
    { relation: 'price_candles_5m', compressAfterDays: 7, retentionDays: s.candles5mRetentionDays },
    { relation: 'price_candles_1h', compressAfterDays: 0, retentionDays: s.candles1hRetentionDays },
    { relation: 'price_candles_1d', compressAfterDays: 0, retentionDays: s.candles1dRetentionDays },
  ];
}

const DAY_MS = 86_400_000;
const days = (n: number) => `${n} days`;

interface PolicyJob {
  job_id: number;
  proc_name: string;
  relation: string | null;
  config: Record<string, unknown> | null;
}

async function policyJobs(db: Db): Promise<PolicyJob[]> {
  // A continuous aggregate's policies name its materialization hypertable; map it back to the view's name.
  const res = await db.query<PolicyJob>(
    `SELECT j.job_id, j.proc_name, coalesce(ca.view_name, j.hypertable_name)::text AS relation, j.config
     FROM timescaledb_information.jobs j
     LEFT JOIN timescaledb_information.continuous_aggregates ca
       ON ca.materialization_hypertable_name = j.hypertable_name OR ca.view_name = j.hypertable_name
     WHERE j.job_id >= 1000 ORDER BY j.job_id`,
  );
  return res.rows;
}

/**
 * Aligns TimescaleDB's retention/compression policies and maintenance jobs with `settings` (no-op on plain,
 * whose jobs read the settings directly). Returns one line per change, empty when everything matched.
 */
export async function applyLifecycle(db: Db, settings: LifecycleSettings): Promise<string[]> {
  if (db.flavour !== 'timescale') return [];
  const jobs = await policyJobs(db);
  const changes: string[] = [];
  const align = async (relation: string, proc: string, key: string, wantDays: number, add: string) => {
    const job = jobs.find((j) => j.relation === relation && j.proc_name === proc);
    const want = days(wantDays);
    if (wantDays === 0) {
      if (!job) return;
      await db.query('SELECT delete_job($1)', [job.job_id]);
      changes.push(`${relation}: ${proc} removed`);
    } else if (!job) {
      await db.query(`SELECT ${add}($1, ${key} => $2::interval)`, [relation, want]);
      changes.push(`${relation}: ${proc} ${key} ${want} added`);
    } else if (!(await sameInterval(db, job.config?.[key], want))) {
      await db.query('SELECT alter_job($1, config => $2::jsonb)', [job.job_id, JSON.stringify({ ...job.config, [key]: want })]);
      changes.push(`${relation}: ${proc} ${key} ${String(job.config?.[key])} → ${want}`);
    }
  };
  for (const p of relationPolicies(settings)) {
    await align(p.relation, 'policy_compression', 'compress_after', p.compressAfterDays, 'add_compression_policy');
    await align(p.relation, 'policy_retention', 'drop_after', p.retentionDays, 'add_retention_policy');
  }
  for (const [proc, keepDays] of [
    ['megatron_cleanup_old_scores_job', settings.scoresRetentionDays],
    ['megatron_prune_holder_snapshots_job', settings.holderSnapshotsRetentionDays],
  ] as const) {
    const job = jobs.find((j) => j.proc_name === proc);
    if (job && !(await sameInterval(db, job.config?.keep, days(keepDays)))) {
      await db.query('SELECT alter_job($1, config => $2::jsonb)', [job.job_id, JSON.stringify({ ...job.config, keep: days(keepDays) })]);
      changes.push(`${proc}: keep ${String(job.config?.keep)} → ${days(keepDays)}`);
    }
  }
  return changes;
}

async function sameInterval(db: Db, current: unknown, want: string): Promise<boolean> {
  if (typeof current !== 'string') return false;
  const res = await db.query<{ same: boolean }>('SELECT $1::interval = $2::interval AS same', [current, want]);
  return res.rows[0]?.same === true;
}

/** The lifecycle as it is in the database: one row per policy or maintenance job. */
export interface LifecyclePolicyRow {
  relation: string;
  policy: string;
  after: string;
}

/** Reads the policies in force (timescale) or the ones our scheduler applies (plain, from `settings`). */
export async function lifecyclePolicies(db: Db, settings: LifecycleSettings): Promise<LifecyclePolicyRow[]> {
  if (db.flavour === 'plain') {
    const rows: LifecyclePolicyRow[] = relationPolicies(settings).map((p) => ({
      relation: p.relation,
      policy: 'retention (scheduler)',
      after: p.retentionDays ? days(p.retentionDays) : 'keep',
    }));
    rows.push({ relation: 'token_scores', policy: 'cleanup_old_scores (scheduler)', after: days(settings.scoresRetentionDays) });
    rows.push({ relation: 'holder_snapshots', policy: 'prune_holder_snapshots (scheduler)', after: days(settings.holderSnapshotsRetentionDays) });
    return rows;
  }
  return (await policyJobs(db))
    .filter((j) => j.proc_name !== 'policy_refresh_continuous_aggregate')
    .map((j) => ({
      relation: j.relation ?? (j.proc_name.includes('scores') ? 'token_scores' : 'holder_snapshots'),
      policy: j.proc_name.replace(/^policy_/, ''),
      after: String(j.config?.compress_after ?? j.config?.drop_after ?? j.config?.keep ?? ''),
    }));
}

const utcDay = (d: Date): string => d.toISOString().slice(0, 10);

/**
 * Plain Postgres' lifecycle jobs: trade day partitions (ahead, and dropped past retention), candle rows
 * past their level's retention, and the two maintenance functions of migration 0040.
 */
export function plainLifecycleJobs(settings: LifecycleSettings, partitionsAheadDays: number): Job[] {
  return [
    {
      name: 'transactions:partitions',
      intervalMs: 3_600_000,
      async run(db, now) {
        const from = utcDay(new Date(now.getTime() - DAY_MS));
        const to = utcDay(new Date(now.getTime() + partitionsAheadDays * DAY_MS));
        await db.query('SELECT megatron_ensure_transaction_partitions($1::date, $2::date)', [from, to]);
        if (settings.tradesRetentionDays === 0) return;
        const cutoff = utcDay(new Date(now.getTime() - settings.tradesRetentionDays * DAY_MS)).replaceAll('-', '');
        const parts = await db.query<{ name: string }>(
          `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
           WHERE i.inhparent = 'transactions'::regclass AND c.relname ~ '^transactions_p[0-9]{8}$'`,
        );
        // A partition holds one day: drop it once its whole day is past retention.
        for (const { name } of parts.rows) if (name.slice('transactions_p'.length) < cutoff) await db.exec(`DROP TABLE ${name}`);
      },
    },
    {
      name: 'candles:retention',
      intervalMs: 3_600_000,
      async run(db) {
        for (const p of relationPolicies(settings)) {
          if (p.relation === 'transactions' || p.retentionDays === 0) continue;
          await db.query('SELECT megatron_drop_old_candles($1::regclass, $2::interval)', [p.relation, days(p.retentionDays)]);
        }
      },
    },
    maintenanceJob('maintenance:cleanup_old_scores', 86_400_000, 'cleanup_old_scores', settings.scoresRetentionDays),
    maintenanceJob('maintenance:prune_holder_snapshots', 3_600_000, 'prune_holder_snapshots', settings.holderSnapshotsRetentionDays),
  ];
}

function maintenanceJob(name: string, intervalMs: number, fn: 'cleanup_old_scores' | 'prune_holder_snapshots', keepDays: number): Job {
  return { name, intervalMs, run: async (db) => void (await db.query(`SELECT ${fn}($1::interval)`, [days(keepDays)])) };
}
