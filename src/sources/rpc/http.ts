/**
 * JSON-RPC over HTTP with bounded concurrency, a rate limit, per-request timeouts and retries for what
 * can succeed later (network errors, timeouts, 429/5xx, "node behind" errors). URLs carry API keys, so
 * every error message is redacted.
 */
import { RetryableError, errorMessage } from '../../core/errors.ts';
import { redactUrl } from '../../core/redact.ts';
import { log } from '../../core/logger.ts';
import { Backoff, sleep, type BackoffOptions } from '../backoff.ts';
import { RateLimiter, Semaphore } from './limits.ts';

export interface JsonRpcHttpOptions {
  url: string;
  /** Requests in flight at once. */
  concurrency: number;
  /** Sustained requests per second (token bucket, bursts of a tenth of a second). */
  requestsPerSecond: number;
  /** Per-attempt timeout (ms). */
  timeoutMs: number;
  /** Attempts after the first before giving up with a RetryableError. */
  maxRetries: number;
  backoff?: BackoffOptions;
}

/** A JSON-RPC `error` answer. `retryable` for the codes nodes use for transient states. */
export class JsonRpcError extends Error {
  override name = 'JsonRpcError';
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
  ) {
    super(`${method}: ${message} (code ${code})`);
  }

  /** -32004 block not available, -32005 node behind, -32014 block status not available yet, -32603 internal. */
  get retryable(): boolean {
    return [-32004, -32005, -32014, -32016, -32603].includes(this.code);
  }
}

class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterMs: number | null,
  ) {
    super(`HTTP ${status}`);
  }
}

export class JsonRpcHttpClient {
  private readonly semaphore: Semaphore;
  private readonly limiter: RateLimiter;
  private nextId = 1;
  /** The endpoint as it may be printed. */
  readonly displayUrl: string;

  constructor(private readonly opts: JsonRpcHttpOptions) {
    this.semaphore = new Semaphore(opts.concurrency);
    this.limiter = new RateLimiter(opts.requestsPerSecond);
    this.displayUrl = redactUrl(opts.url);
  }

  /**
   * Calls `method` and returns its `result`.
   * @throws JsonRpcError for a non-retryable error answer; RetryableError once retries are exhausted
   * (or `signal` aborted).
   */
  async call<T>(method: string, params: unknown[], signal?: AbortSignal): Promise<T> {
    const backoff = new Backoff(this.opts.backoff ?? { initialMs: 200, maxMs: 5_000, multiplier: 2 });
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw new RetryableError(`${method} aborted`);
      try {
        return await this.attempt<T>(method, params, signal);
      } catch (err) {
        const transient = !(err instanceof JsonRpcError) || err.retryable;
        const message = redactUrl(errorMessage(err));
        if (!transient) throw err;
        if (attempt >= this.opts.maxRetries || signal?.aborted) {
          throw new RetryableError(`${method} to ${this.displayUrl} failed after ${attempt + 1} attempts: ${message}`);
        }
        const delay = Math.max(backoff.next(), err instanceof HttpStatusError ? (err.retryAfterMs ?? 0) : 0);
        log().debug({ method, url: this.displayUrl, attempt, delay, err: message }, 'rpc request failed, retrying');
        await sleep(delay, signal);
      }
    }
  }

  private async attempt<T>(method: string, params: unknown[], signal?: AbortSignal): Promise<T> {
    const release = await this.semaphore.acquire();
    try {
      await this.limiter.take();
      const timeout = AbortSignal.timeout(this.opts.timeoutMs);
      const res = await fetch(this.opts.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: this.nextId++, method, params }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      }).catch((err: unknown) => {
        // fetch's own messages are generic ("fetch failed"); the cause says why (ECONNREFUSED, timeout).
        const cause = (err as { cause?: unknown }).cause;
        throw new Error(timeout.aborted ? `timed out after ${this.opts.timeoutMs} ms` : `${errorMessage(err)}${cause ? `: ${errorMessage(cause)}` : ''}`);
      });
      if (!res.ok) {
        await res.body?.cancel();
        const retryAfter = Number(res.headers.get('retry-after'));
        throw new HttpStatusError(res.status, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : null);
      }
      const body = (await res.json()) as { result?: T; error?: { code: number; message: string } };
      if (body.error) throw new JsonRpcError(method, body.error.code, body.error.message);
      return body.result as T;
    } finally {
      release();
    }
  }
}
