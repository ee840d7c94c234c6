import { errorMessage, isRetryable } from '../core/errors.ts';
import { log } from '../core/logger.ts';
import { Backoff, sleep, type BackoffOptions } from '../sources/backoff.ts';

export interface RetryOptions {
  signal: AbortSignal;
  backoff?: BackoffOptions;
  /** Called before each wait, e.g. to count retries for the status line. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/** Database retries start fast (a failover takes a moment) and settle at a few seconds. */
export const DB_RETRY_BACKOFF: BackoffOptions = { initialMs: 100, maxMs: 5_000, multiplier: 2 };

/**
 * Runs `fn` until it succeeds, retrying — for as long as it takes — when it fails with a retryable
 * error (connection lost, database restarting, serialization failure). The caller holds its work while
 * this waits, so nothing upstream is pulled: that is the pipeline's backpressure. Permanent errors and
 * an aborted `signal` end the retries with the last error.
 */
export async function retrying<T>(label: string, fn: () => Promise<T>, opts: RetryOptions): Promise<T> {
  const backoff = new Backoff(opts.backoff ?? DB_RETRY_BACKOFF);
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetryable(err) || opts.signal.aborted) throw err;
      const delay = backoff.next();
      opts.onRetry?.(err, backoff.attempts, delay);
      log().warn({ op: label, attempt: backoff.attempts, delayMs: delay, err: errorMessage(err) }, `${label} failed (retryable), retrying`);
      await sleep(delay, opts.signal);
      if (opts.signal.aborted) throw err;
    }
  }
}
