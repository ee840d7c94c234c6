import { errorMessage } from '../core/errors.ts';
import { log } from '../core/logger.ts';
import type { Db } from '../db/types.ts';

/**
 * A minimal scheduler for periodic database work. PGlite has no background workers, so its
 * TimescaleDB policies (compression, retention) are run here through `CALL run_job(id)`; the plain
 * flavour has no TimescaleDB at all, so its day partitions are created ahead and dropped past
 * retention here. Later issues add their jobs to the list. Runs are recorded in `job_runs`, which is
 * also what makes a job due (last start + interval ≤ now) across restarts.
 */
export interface Job {
  /** Stable name: the `job_runs` key. */
  name: string;
  intervalMs: number;
  run(db: Db, now: Date): Promise<void>;
}

export interface JobOutcome {
  job: string;
  status: 'success' | 'failure';
  error?: string;
}

/** Transactions older than this are dropped (same as the timescale flavour's retention policy). */
export const RETENTION_DAYS = 90;
/** Day partitions created ahead of today (plain flavour). */
export const PARTITIONS_AHEAD_DAYS = 3;

const DAY_MS = 86_400_000;
const utcDay = (d: Date): string => d.toISOString().slice(0, 10);

/** Plain flavour: day partitions from yesterday to today + {@link PARTITIONS_AHEAD_DAYS}, older than retention dropped. */
export const partitionMaintenance: Job = {
  name: 'transactions:partitions',
  intervalMs: 3_600_000,
  async run(db, now) {
    const from = utcDay(new Date(now.getTime() - DAY_MS));
    const to = utcDay(new Date(now.getTime() + PARTITIONS_AHEAD_DAYS * DAY_MS));
    await db.query('SELECT megatron_ensure_transaction_partitions($1::date, $2::date)', [from, to]);
    const cutoff = utcDay(new Date(now.getTime() - RETENTION_DAYS * DAY_MS)).replaceAll('-', '');
    const parts = await db.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'transactions'::regclass AND c.relname ~ '^transactions_p[0-9]{8}$'`,
    );
    for (const { name } of parts.rows) {
      // A partition holds one day: drop it once its whole day is past retention.
      if (name.slice('transactions_p'.length) < cutoff) await db.exec(`DROP TABLE ${name}`);
    }
  },
};

/** The TimescaleDB policies (compression, retention, …) as jobs, for databases without background workers. */
export async function timescaleJobs(db: Db): Promise<Job[]> {
  const res = await db.query<{ job_id: number; seconds: number }>(
    `SELECT job_id, EXTRACT(EPOCH FROM schedule_interval)::float8 AS seconds
     FROM timescaledb_information.jobs WHERE scheduled AND job_id >= 1000 ORDER BY job_id`,
  );
  return res.rows.map((r) => ({
    name: `timescaledb:${r.job_id}`,
    intervalMs: r.seconds * 1000,
    run: async (d) => {
      // A procedure that commits per chunk: it must run outside an explicit transaction.
      await d.exec(`CALL run_job(${Number(r.job_id)})`);
    },
  }));
}

/** The storage jobs this database needs from us (none for a TimescaleDB server with its own workers). */
export async function storageJobs(db: Db): Promise<Job[]> {
  if (db.flavour === 'plain') return [partitionMaintenance];
  return db.capabilities.backgroundWorkers ? [] : timescaleJobs(db);
}

/** Runs every job that is due at `now` (or all of them with `force`), one after another. */
export async function runDueJobs(db: Db, jobs: readonly Job[], now = new Date(), force = false): Promise<JobOutcome[]> {
  const last = await db.query<{ job: string; last_started_at: Date | null }>('SELECT job, last_started_at FROM job_runs');
  const lastStart = new Map(last.rows.map((r) => [r.job, r.last_started_at]));
  const outcomes: JobOutcome[] = [];
  for (const job of jobs) {
    const started = lastStart.get(job.name);
    if (!force && started && started.getTime() + job.intervalMs > now.getTime()) continue;
    await db.query(
      `INSERT INTO job_runs (job, last_started_at, last_status, runs) VALUES ($1, $2, 'running', 1)
       ON CONFLICT (job) DO UPDATE SET last_started_at = $2, last_status = 'running', runs = job_runs.runs + 1`,
      [job.name, now],
    );
    try {
      await job.run(db, now);
      await db.query(`UPDATE job_runs SET last_finished_at = now(), last_status = 'success', last_error = NULL WHERE job = $1`, [job.name]);
      outcomes.push({ job: job.name, status: 'success' });
    } catch (err) {
      const error = errorMessage(err);
      log().warn({ job: job.name, err: error }, 'scheduled job failed');
      await db.query(
        `UPDATE job_runs SET last_finished_at = now(), last_status = 'failure', last_error = $2, failures = failures + 1 WHERE job = $1`,
        [job.name, error],
      );
      outcomes.push({ job: job.name, status: 'failure', error });
    }
  }
  return outcomes;
}

export interface Scheduler {
  stop(): Promise<void>;
}

/**
 * Checks for due jobs every `tickMs` (first check immediately) until stopped. `jobs` defaults to the
 * storage jobs; later issues pass their own in addition.
 */
export function startScheduler(db: Db, opts: { tickMs?: number; extraJobs?: readonly Job[] } = {}): Scheduler {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    running = (async () => {
      try {
        await runDueJobs(db, [...(await storageJobs(db)), ...(opts.extraJobs ?? [])]);
      } catch (err) {
        log().warn({ err: errorMessage(err) }, 'scheduler tick failed');
      }
      if (!stopped) timer = setTimeout(tick, opts.tickMs ?? 60_000);
    })();
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
