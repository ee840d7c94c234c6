/**
 * Reconnect pacing shared by the network sources: exponential growth with full jitter, so a fleet of
 * monitors that lost the same endpoint does not reconnect in lockstep.
 */
export interface BackoffOptions {
  /** First delay (ms). */
  initialMs: number;
  /** Ceiling for one delay (ms). */
  maxMs: number;
  /** Growth per consecutive failure. */
  multiplier: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 30_000, multiplier: 2 };

export class Backoff {
  private failures = 0;

  constructor(private readonly opts: BackoffOptions = DEFAULT_BACKOFF) {}

  /** Consecutive failures since the last {@link reset}. */
  get attempts(): number {
    return this.failures;
  }

  /** Delay before the next attempt: uniform in [cap/2, cap] where cap grows exponentially. */
  next(): number {
    const cap = Math.min(this.opts.maxMs, this.opts.initialMs * this.opts.multiplier ** this.failures);
    this.failures++;
    return Math.round(cap / 2 + Math.random() * (cap / 2));
  }

  /** Call once a connection proved healthy (it delivered data). */
  reset(): void {
    this.failures = 0;
  }
}

/** Resolves after `ms`, or early (without throwing) when `signal` aborts; callers check `signal.aborted`. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
