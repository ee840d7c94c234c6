import type { z } from 'zod';

/** A request the API refuses, with its HTTP status and a machine-readable code. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: Array<{ path: string; message: string }>,
  ) {
    super(message);
  }
}

/** Parses one request part (`params`, `query`) or throws a 400 listing every problem. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, part: string): z.infer<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({
    path: i.path.length > 0 ? i.path.join('.') : i.code === 'unrecognized_keys' ? (i as { keys?: string[] }).keys?.join(',') ?? part : part,
    message: i.message,
  }));
  throw new ApiError(400, 'bad_request', `invalid ${part}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
}
