import { errorMessage } from '../core/errors.ts';
import { log } from '../core/logger.ts';
import { jobDuration } from '../core/metrics.ts';
import { sleep } from '../sources/backoff.ts';

/** A job `megatron run` repeats (same shape as the analytics jobs). */
export interface PeriodicJob {
  name: string;
  everyMs: number;
  run(): Promise<Record<string, number | string>>;
}

/**
 * Runs each job every `everyMs`, one job at a time (the embedded database serves one statement at a
 * time, and ingestion must keep its share), first runs staggered after start. A failing job is logged
 * and tried again at its next turn. Returns a function that stops the loop and waits for the job in hand.
 */
export function startPeriodicJobs(jobs: readonly PeriodicJob[], signal: AbortSignal, tickMs = 500): () => Promise<void> {
  const stop = new AbortController();
  const both = AbortSignal.any([signal, stop.signal]);
  const started = Date.now();
  const due = new Map(jobs.map((j, i) => [j, started + Math.min(j.everyMs, 5_000 + i * 2_000)]));
  const loop = (async () => {
    while (!both.aborted) {
      for (const job of jobs) {
        if (both.aborted || Date.now() < due.get(job)!) continue;
        const t0 = performance.now();
        try {
          const summary = await job.run();
          jobDuration.observe({ job: job.name, status: 'success' }, (performance.now() - t0) / 1000);
          log().debug({ job: job.name, ms: Math.round(performance.now() - t0), ...summary }, 'job done');
        } catch (err) {
          jobDuration.observe({ job: job.name, status: 'failure' }, (performance.now() - t0) / 1000);
          log().warn({ job: job.name, err: errorMessage(err) }, 'job failed; retrying at its next turn');
        }
        due.set(job, Date.now() + job.everyMs);
      }
      await sleep(tickMs, both);
    }
  })();
  return async () => {
    stop.abort();
    await loop;
  };
}
