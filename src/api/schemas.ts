import { z } from 'zod';
import { TIMEFRAME_NAMES, type Timeframe } from '../analytics/candles/timeframes.ts';
import { FEED_KINDS } from '../feed/messages.ts';

/**
 * Every input the API accepts, as zod schemas. Handlers only ever see parsed values; the OpenAPI document
 * is generated from these same schemas, so documentation and validation cannot disagree.
 * Query objects are strict: an unknown parameter is a 400, not silently ignored.
 */

/** A Solana address: base58 alphabet (no 0, O, I, l), 32–44 characters. */
export const Mint = z
  .string()
  .regex(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/, 'a base58 address of 32–44 characters')
  .describe('Token mint address (base58)');

export const MintParams = z.object({ mint: Mint }).strict();

export const PLATFORMS = ['pumpfun', 'launchlab'] as const;
export const TOKEN_SORTS = ['created', 'volume', 'score', 'progress'] as const;
export type TokenSort = (typeof TOKEN_SORTS)[number];

/** Bucket width in seconds of each timeframe of the analytics candle surface (typed by it, so none is missed). */
export const TIMEFRAMES: Record<Timeframe, number> = { '1m': 60, '5m': 300, '1h': 3600, '1d': 86400 };
export type { Timeframe };
/** Most candles one request may ask for (a day of 1m candles is 1,440); checked by the route once defaults are applied. */
export const MAX_CANDLES = 5000;

const limit = (max: number, dflt: number) =>
  z.coerce.number().int().min(1).max(max).default(dflt).describe(`Page size (1–${max}, default ${dflt})`);

const boolString = z.enum(['true', 'false']).transform((v) => v === 'true');

/** Opaque keyset cursor from a previous page's `next_cursor`. */
const cursor = z.string().min(1).max(300).regex(/^[A-Za-z0-9_-]+$/, 'a cursor returned by a previous page').describe('Cursor from `next_cursor`');

/** Latest time accepted (2100-01-01), so no arithmetic on a time can overflow a timestamp. */
const MAX_UNIX_SECONDS = 4_102_444_800;

/** Unix seconds. */
const unixSeconds = z.coerce.number().int().min(0).max(MAX_UNIX_SECONDS).describe('Unix time in seconds');

export const TokensQuery = z
  .object({
    platform: z.enum(PLATFORMS).optional().describe('Only tokens of this launchpad'),
    graduated: boolString.optional().describe('true: only graduated (migrated) tokens; false: only tokens still on their curve'),
    sort: z.enum(TOKEN_SORTS).default('created').describe('Order, descending: creation time, 24 h quote volume, latest total score, curve progress'),
    limit: limit(200, 50),
    cursor: cursor.optional(),
  })
  .strict();
export type TokensQuery = z.infer<typeof TokensQuery>;

export const HotQuery = z.object({ limit: limit(100, 20), rank: z.enum(['score', 'trending']).default('score') }).strict();

export const CandlesQuery = z
  .object({
    tf: z.enum(TIMEFRAME_NAMES as [Timeframe, ...Timeframe[]]).default('1m').describe('Candle width'),
    from: unixSeconds.optional().describe('First bucket start, unix seconds (default: `to` minus 300 candles)'),
    to: unixSeconds.optional().describe('End of range, unix seconds, exclusive (default: now)'),
  })
  .strict();
export type CandlesQuery = z.infer<typeof CandlesQuery>;

export const TradesQuery = z
  .object({
    limit: limit(500, 100),
    cursor: cursor.optional(),
    side: z.enum(['buy', 'sell']).optional().describe('Only buys or only sells'),
  })
  .strict();
export type TradesQuery = z.infer<typeof TradesQuery>;

export const HoldersQuery = z.object({ limit: limit(100, 20).describe('How many top holders (1–100, default 20)') }).strict();
export const ScoresQuery = z.object({ limit: limit(100, 20).describe('How many score calculations, newest first (1–100, default 20)') }).strict();
export const EmptyQuery = z.object({}).strict();

/** Unix milliseconds below this (September 2001) are refused: such a value is almost surely unix seconds. */
const MIN_UNIX_MS = 1e12;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;
const INSTANT = 'an ISO 8601 time (2026-01-31T12:00:00Z) or unix milliseconds';

/** An instant given as ISO 8601 or unix milliseconds, as unix milliseconds. */
const instantMs = z
  .string()
  .max(40)
  .transform((v, ctx) => {
    const ms = /^\d+$/.test(v) ? Number(v) : ISO_8601.test(v) ? Date.parse(v) : NaN;
    if (Number.isFinite(ms) && ms >= MIN_UNIX_MS && ms <= MAX_UNIX_SECONDS * 1000) return ms;
    ctx.addIssue({ code: 'custom', message: /^\d{9,10}$/.test(v) ? `${INSTANT} (unix seconds? multiply by 1000)` : INSTANT });
    return z.NEVER;
  });

/** A stream sequence: what the stream feed sends as the SSE `id` of each event. */
const SEQ = 'a stream sequence (the integer `id` of an event, ≥ 1)';
const streamSeq = z.coerce.number({ error: SEQ }).int(SEQ).min(1, SEQ).max(Number.MAX_SAFE_INTEGER, SEQ);

export const StreamQuery = z
  .object({
    types: z
      .string()
      .max(64)
      .transform((s) => s.split(',').map((t) => t.trim()).filter(Boolean))
      .pipe(z.array(z.enum(FEED_KINDS as [string, ...string[]])).min(1))
      .optional()
      .describe('Comma-separated kinds: launch, trade, graduation (default: all)'),
    mint: Mint.optional().describe('Only events of this token'),
    from_seq: streamSeq.optional().describe('Resume: start at this stream sequence (an event `id`), then continue live. Needs the event stream (NATS_URL)'),
    from_time: instantMs.optional().describe('Resume: start at the first event stored at or after this time (ISO 8601 or unix milliseconds), then continue live. Needs the event stream'),
  })
  .strict()
  .refine((q) => q.from_seq === undefined || q.from_time === undefined, { message: 'from_seq and from_time are mutually exclusive', path: ['from_time'] });
export type StreamQuery = z.infer<typeof StreamQuery>;

/** The `Last-Event-ID` header of a reconnecting EventSource: the `id` of the last event it received. */
export const LastEventId = streamSeq;

/** JSON error body of every 4xx/5xx. */
export const ErrorBody = z.object({
  error: z.string().describe('Machine-readable code: bad_request, not_found, rate_limited, not_ready, internal'),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
