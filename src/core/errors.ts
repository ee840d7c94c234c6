/**
 * Two error families: retryable (the same work can succeed later: connection lost, serialization
 * failure, database restarting) and permanent (bad input, constraint violations). Driver errors are
 * mapped once, here, so callers only ask `isRetryable`.
 */

/** Bad user input or configuration: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export class RetryableError extends Error {
  override name = 'RetryableError';
}

/** SQLSTATE classes/codes that mean "try again": connection, admin shutdown, serialization, deadlock. */
const RETRYABLE_SQLSTATE = /^(08|53|57P0[1-3]|40001|40P01|55P03)/;
const RETRYABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTCONN', 'EAI_AGAIN']);

export function isRetryable(err: unknown): boolean {
  if (err instanceof RetryableError) return true;
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (RETRYABLE_SQLSTATE.test(code) || RETRYABLE_NODE_CODES.has(code))) return true;
  const message = String((err as { message?: unknown }).message ?? '');
  return /Connection terminated|connection is closed|Client has encountered a connection error|terminating connection/i.test(
    message,
  );
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
