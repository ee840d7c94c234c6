import { migrationState } from '../migrate.ts';
import type { Db, DriverName, Flavour } from '../types.ts';

/** Storage health at a glance: the seed's health and volume queries plus partitioning and compression. */
export interface StorageStatus {
  flavour: Flavour;
  driver: DriverName;
  migrations: { applied: number; pending: string[] };
  databaseBytes: number;
  /** Hypertable chunks (timescale) or day partitions (plain) of `transactions`. */
  partitions: { count: number; bytes: number; compressed: number; bytesBeforeCompression: number | null; bytesAfterCompression: number | null };
  rows: { tokens: number; pools: number; transactions: number; quarantine: number };
  newTokens1h: number;
  /** Trades and quote volume (whole units of the quote mint) by platform and quote mint. */
  volume: Array<{ platform: string; quoteMint: string; trades1h: number; trades24h: number; volume1h: string; volume24h: string }>;
  checkpoints: Array<{ source: string; slot: number; updatedAt: string }>;
  jobs: Array<{ job: string; lastStatus: string | null; lastStartedAt: string | null; runs: number; failures: number; lastError: string | null }>;
  /** TimescaleDB compresses old chunks; plain Postgres does not compress at all. */
  compression: 'timescaledb' | 'none';
  /**
   * TimescaleDB's jobs (policies and maintenance) with their last run: from its own job statistics where
   * background workers run them, from `job_runs` where our scheduler does (`CALL run_job`). Empty on plain.
   */
  timescaleJobs: TimescaleJobState[];
}

export interface TimescaleJobState {
  jobId: number;
  proc: string;
  relation: string | null;
  schedule: string;
  config: string | null;
  lastRunAt: string | null;
  lastStatus: string | null;
  runs: number;
  failures: number;
}

const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

export async function storageStatus(db: Db): Promise<StorageStatus> {
  const migrations = await migrationState(db);
  const one = async (sql: string) => (await db.query<Record<string, unknown>>(sql)).rows[0] ?? {};
  const size = await one('SELECT pg_database_size(current_database()) AS bytes');
  const counts = await one(`SELECT (SELECT count(*) FROM tokens) AS tokens, (SELECT count(*) FROM pools) AS pools,
    (SELECT count(*) FROM transactions) AS transactions, (SELECT count(*) FROM quarantine) AS quarantine,
    (SELECT count(*) FROM tokens WHERE created_at > now() - interval '1 hour') AS new_tokens_1h`);
  const partitions = db.flavour === 'timescale' ? await timescaleChunks(db) : await plainPartitions(db);
  const volume = await db.query<Record<string, unknown>>(
    `SELECT platform, quote_mint,
       count(*) FILTER (WHERE block_time > now() - interval '1 hour') AS trades_1h,
       count(*) AS trades_24h,
       coalesce(sum(megatron_ui_amount(sol_amount, quote_decimals)) FILTER (WHERE block_time > now() - interval '1 hour'), 0)::text AS volume_1h,
       coalesce(sum(megatron_ui_amount(sol_amount, quote_decimals)), 0)::text AS volume_24h
     FROM transactions WHERE block_time > now() - interval '24 hours'
     GROUP BY platform, quote_mint ORDER BY platform, quote_mint`,
  );
  const checkpoints = await db.query<{ source: string; slot: bigint; updated_at: Date }>('SELECT source, slot, updated_at FROM checkpoints ORDER BY source');
  const jobs = await db.query<Record<string, unknown>>('SELECT * FROM job_runs ORDER BY job');
  return {
    flavour: db.flavour,
    driver: db.driver,
    migrations: { applied: migrations.applied.length, pending: migrations.pending },
    databaseBytes: n(size.bytes),
    partitions,
    rows: { tokens: n(counts.tokens), pools: n(counts.pools), transactions: n(counts.transactions), quarantine: n(counts.quarantine) },
    newTokens1h: n(counts.new_tokens_1h),
    volume: volume.rows.map((r) => ({
      platform: String(r.platform), quoteMint: String(r.quote_mint), trades1h: n(r.trades_1h), trades24h: n(r.trades_24h),
      volume1h: String(r.volume_1h), volume24h: String(r.volume_24h),
    })),
    checkpoints: checkpoints.rows.map((r) => ({ source: r.source, slot: Number(r.slot), updatedAt: r.updated_at.toISOString() })),
    compression: db.flavour === 'timescale' ? 'timescaledb' : 'none',
    timescaleJobs: db.flavour === 'timescale' ? await timescaleJobStates(db) : [],
    jobs: jobs.rows.map((r) => ({
      job: String(r.job), lastStatus: (r.last_status as string | null) ?? null,
      lastStartedAt: r.last_started_at instanceof Date ? r.last_started_at.toISOString() : null,
      runs: n(r.runs), failures: n(r.failures), lastError: (r.last_error as string | null) ?? null,
    })),
  };
}

async function timescaleChunks(db: Db): Promise<StorageStatus['partitions']> {
  const chunks = (await db.query<Record<string, unknown>>(
    `SELECT count(*) AS count, count(*) FILTER (WHERE is_compressed) AS compressed
     FROM timescaledb_information.chunks WHERE hypertable_name = 'transactions'`,
  )).rows[0]!;
  const bytes = (await db.query<{ bytes: unknown }>(`SELECT hypertable_size('transactions') AS bytes`)).rows[0]!;
  const stats = (await db.query<Record<string, unknown>>(
    `SELECT sum(before_compression_total_bytes) AS before, sum(after_compression_total_bytes) AS after
     FROM hypertable_compression_stats('transactions')`,
  )).rows[0];
  return {
    count: n(chunks.count), bytes: n(bytes.bytes), compressed: n(chunks.compressed),
    bytesBeforeCompression: stats?.before == null ? null : n(stats.before),
    bytesAfterCompression: stats?.after == null ? null : n(stats.after),
  };
}

async function plainPartitions(db: Db): Promise<StorageStatus['partitions']> {
  const row = (await db.query<Record<string, unknown>>(
    `SELECT count(*) AS count, coalesce(sum(pg_total_relation_size(i.inhrelid)), 0) AS bytes
     FROM pg_inherits i WHERE i.inhparent = 'transactions'::regclass`,
  )).rows[0]!;
  return { count: n(row.count), bytes: n(row.bytes), compressed: 0, bytesBeforeCompression: null, bytesAfterCompression: null };
}

/** A timestamp as ISO text; null for NULL and for ±infinity (TimescaleDB's "never run"). */
const validDate = (v: unknown): v is Date => v instanceof Date && !Number.isNaN(v.getTime());
const iso = (v: unknown): string | null => (validDate(v) ? v.toISOString() : null);

async function timescaleJobStates(db: Db): Promise<TimescaleJobState[]> {
  const res = await db.query<Record<string, unknown>>(
    `SELECT j.job_id, j.proc_name, coalesce(ca.view_name, j.hypertable_name)::text AS relation,
            j.schedule_interval::text AS schedule, j.config::text AS config,
            s.last_run_started_at, s.last_run_status, s.total_runs, s.total_failures,
            r.last_started_at, r.last_status, r.runs, r.failures
     FROM timescaledb_information.jobs j
     LEFT JOIN timescaledb_information.job_stats s ON s.job_id = j.job_id
     LEFT JOIN timescaledb_information.continuous_aggregates ca ON ca.materialization_hypertable_name = j.hypertable_name
     LEFT JOIN job_runs r ON r.job = 'timescaledb:' || j.job_id
     WHERE j.job_id >= 1000 ORDER BY j.job_id`,
  );
  return res.rows.map((r) => {
    // Whichever runner ran it last: TimescaleDB's workers or our scheduler.
    const ours = validDate(r.last_started_at) && (!validDate(r.last_run_started_at) || r.last_started_at > r.last_run_started_at);
    return {
      jobId: n(r.job_id), proc: String(r.proc_name), relation: (r.relation as string | null) ?? null,
      schedule: String(r.schedule), config: (r.config as string | null) ?? null,
      lastRunAt: ours ? iso(r.last_started_at) : iso(r.last_run_started_at),
      lastStatus: ours ? ((r.last_status as string | null) ?? null) : ((r.last_run_status as string | null) ?? null),
      runs: ours ? n(r.runs) : n(r.total_runs), failures: ours ? n(r.failures) : n(r.total_failures),
    };
  });
}
