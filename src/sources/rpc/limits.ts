/**
 * Client-side politeness for JSON-RPC providers: a cap on requests in flight and a token-bucket rate,
 * so backfills of thousands of signatures stay inside a plan's limits instead of earning 429s.
 */

/** At most `permits` holders at once; waiters are served in arrival order. */
export class Semaphore {
  private available: number;
  private readonly waiters: Array<() => void> = [];

  constructor(permits: number) {
    if (!Number.isInteger(permits) || permits < 1) throw new RangeError(`concurrency must be a positive integer, got ${permits}`);
    this.available = permits;
  }

  async acquire(): Promise<() => void> {
    if (this.available > 0) this.available--;
    else await new Promise<void>((resolve) => this.waiters.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.available++;
    };
  }
}

/** Token bucket: `perSecond` sustained, bursts up to `burst`. Callers await a token in arrival order. */
export class RateLimiter {
  private tokens: number;
  private last = Date.now();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number = Math.max(1, Math.ceil(perSecond / 10)),
  ) {
    if (!(perSecond > 0)) throw new RangeError(`rate must be positive, got ${perSecond}`);
    this.tokens = this.burst;
  }

  take(): Promise<void> {
    const turn = this.chain.then(() => this.waitForToken());
    this.chain = turn;
    return turn;
  }

  private async waitForToken(): Promise<void> {
    for (;;) {
      const now = Date.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await new Promise((r) => setTimeout(r, Math.ceil(((1 - this.tokens) / this.perSecond) * 1000)));
    }
  }
}
