import { z } from 'zod';
import { signatureBytea } from '../db/bytea.ts';
import { ApiError } from './errors.ts';

/**
 * Keyset cursors: the sort key of the last row of a page, opaque to clients (base64url JSON). Keyset rather
 * than OFFSET so a page costs the same at row 50 and at row 50,000, and rows inserted meanwhile do not
 * shift pages. Each endpoint decodes with its own tuple schema, so a forged cursor is a 400 before any
 * value reaches a query (e.g. Postgres would read 'yesterday' as a timestamp).
 */
export function encodeCursor(key: ReadonlyArray<string | number | null>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<S extends z.ZodType>(cursor: string, schema: S): z.infer<S> {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  const parsed = schema.safeParse(key);
  if (!parsed.success) {
    throw new ApiError(400, 'bad_request', 'invalid cursor: pass the next_cursor of a previous page of the same query', [
      { path: 'cursor', message: 'not a cursor from this endpoint' },
    ]);
  }
  return parsed.data;
}

const base58 = (max: number) => z.string().regex(new RegExp(`^[1-9A-HJ-NP-Za-km-z]{32,${max}}$`));
/** Postgres' text form of a timestamptz (`2026-01-15 12:00:00.123456+00`). */
const pgTimestamp = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/);
const isoTimestamp = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/);
const decimal = z.string().regex(/^-?\d{1,40}(\.\d{1,60})?$/);
const integer = z.string().regex(/^-?\d{1,10}$/);

/** Cursor of GET /tokens per sort: [sort key as Postgres text, mint]. */
export const tokenCursor = {
  created: z.tuple([pgTimestamp, base58(44)]),
  volume: z.tuple([decimal, base58(44)]),
  score: z.tuple([integer, base58(44)]),
  progress: z.tuple([decimal, base58(44)]),
} as const;

/** A trade's signature in a cursor, parsed to the bytea text the trades table compares with. */
const storedSignature = base58(88).transform((s, ctx) => {
  const bytes = signatureBytea(s);
  if (bytes === null) ctx.addIssue({ code: 'custom', message: 'not a 64-byte signature' });
  return bytes ?? z.NEVER;
});

/** Cursor of GET /tokens/:mint/trades: [block time, signature (as bytea text), ix index, inner ix index]. */
export const tradeCursor = z.tuple([
  isoTimestamp,
  storedSignature,
  z.number().int().min(0).max(65_535),
  z.number().int().min(-1).max(65_535),
]);
