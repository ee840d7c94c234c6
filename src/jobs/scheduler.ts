import { errorMessage } from '../core/errors.ts';
import { log } from '../core/logger.ts';
import type { Db } from '../db/types.ts';
import { applyLifecycle, DEFAULT_LIFECYCLE, plainLifecycleJobs, type LifecycleSettings } from './lifecycle.ts';

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

/** Day partitions created ahead of today (plain flavour). */
export const PARTITIONS_AHEAD_DAYS = 3;

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

/**
 * The storage jobs this database needs from us (none for a TimescaleDB server with its own workers): on plain
 * Postgres the lifecycle jobs (partitions, candle retention, maintenance) with `lifecycle`'s ages.
 */
export async function storageJobs(db: Db, lifecycle: LifecycleSettings = DEFAULT_LIFECYCLE): Promise<Job[]> {
  if (db.flavour === 'plain') return plainLifecycleJobs(lifecycle, PARTITIONS_AHEAD_DAYS);
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
 * storage jobs; later issues pass their own in addition. `lifecycle` (from the configuration) sets the
 * retention and compression ages; without it the migrations' defaults stay.
 */
export function startScheduler(
  db: Db,
  opts: { tickMs?: number; extraJobs?: readonly Job[]; lifecycle?: LifecycleSettings } = {},
): Scheduler {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  // Configured retention/compression ages replace the migrations' defaults, attempted once before the first run;
  // a failure is logged and does not keep the jobs from running (the database's policies stay as they were).
  let pendingLifecycle = opts.lifecycle;
  const tick = () => {
    running = (async () => {
      if (pendingLifecycle) {
        const lifecycle = pendingLifecycle;
        pendingLifecycle = undefined;
        try {
          await applyLifecycle(db, lifecycle);
        } catch (err) {
          log().warn({ err: errorMessage(err) }, 'applying the configured lifecycle failed');
        }
      }
      try {
        await runDueJobs(db, [...(await storageJobs(db, opts.lifecycle)), ...(opts.extraJobs ?? [])]);
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
