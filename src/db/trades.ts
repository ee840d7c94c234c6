import type { Platform, TradeEvent } from '../core/events.ts';
import { quarantine } from './quarantine.ts';
import { csvField } from './encode.ts';
import type { CopyCell, CopyRows, CsvEncodedRows, Queryable } from './types.ts';
import type { TradeBytes } from './bytea.ts';

/** `transactions` columns written by the trade writer, in COPY order. */
export const TRADE_COLUMNS = [
  'signature', 'ix_index', 'inner_ix_index', 'block_time', 'slot', 'platform', 'token_id', 'mint', 'pool',
  'quote_mint', 'user_address', 'type', 'sol_amount', 'token_amount', 'fee', 'protocol_fee', 'creator_fee',
  'platform_fee', 'virtual_sol_reserves', 'virtual_token_reserves', 'real_sol_reserves', 'real_token_reserves',
  'price_per_token', 'progress_pct', 'base_decimals', 'quote_decimals', 'ix_name', 'completes_curve',
] as const;

const U64_MAX = (1n << 64n) - 1n;
/** The largest value a BIGINT column holds: a u64 above it is rejected, not wrapped or rounded. */
const I64_MAX = (1n << 63n) - 1n;
const DECIMAL = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** The u64 amounts of a trade, every one stored as BIGINT: column name and event field. */
const AMOUNTS = [
  ['sol_amount', 'solAmount'], ['token_amount', 'tokenAmount'], ['fee', 'fee'], ['protocol_fee', 'protocolFee'],
  ['creator_fee', 'creatorFee'], ['platform_fee', 'platformFee'], ['virtual_sol_reserves', 'virtualSolReserves'],
  ['virtual_token_reserves', 'virtualTokenReserves'], ['real_sol_reserves', 'realSolReserves'],
  ['real_token_reserves', 'realTokenReserves'],
] as const satisfies ReadonlyArray<readonly [string, keyof TradeEvent]>;

const isDecimals = (v: number): boolean => Number.isInteger(v) && v >= 0 && v <= 18;

/**
 * Why a trade cannot be stored as is, or null. Catches the common bad rows without a database round trip.
 * Runs for every trade of every batch: plain comparisons, nothing allocated unless the trade is bad.
 */
export function invalidTradeReason(t: TradeEvent): string | null {
  // Checked here because batch-level statements (token/pool stubs) use these fields too.
  if (t.program !== 'pumpfun' && t.program !== 'launchlab') return `platform ${JSON.stringify(t.program)} is unknown`;
  if (t.side !== 'buy' && t.side !== 'sell') return `side ${JSON.stringify(t.side)} is not buy or sell`;
  if (!isDecimals(t.baseDecimals)) return `base_decimals ${t.baseDecimals} is not an integer in 0..18`;
  if (!isDecimals(t.quoteDecimals)) return `quote_decimals ${t.quoteDecimals} is not an integer in 0..18`;
  if (t.blockTime === null) return 'block_time is unknown (transactions.block_time is NOT NULL)';
  if (!Number.isSafeInteger(t.blockTime)) return `block_time ${t.blockTime} is not an integer of seconds`;
  if (!Number.isSafeInteger(t.ixIndex)) return `ix_index ${t.ixIndex} is not an integer`;
  if (!Number.isSafeInteger(t.innerIxIndex)) return `inner_ix_index ${t.innerIxIndex} is not an integer`;
  if (!Number.isSafeInteger(t.slot)) return `slot ${t.slot} is not an integer`;
  for (const [column, field] of AMOUNTS) {
    const v = t[field];
    if (v === null) continue;
    if (v < 0n || v > U64_MAX) return `${column} ${v} is outside u64`;
    if (v > I64_MAX) return `${column} ${v} does not fit the column (BIGINT, at most 2^63 - 1)`;
  }
  if (!DECIMAL.test(t.priceSol)) return `price ${JSON.stringify(t.priceSol)} is not a decimal number`;
  if (t.progressPct !== null && !DECIMAL.test(t.progressPct)) return `progress ${JSON.stringify(t.progressPct)} is not a decimal number`;
  return null;
}

const isoSecondsCache = new Map<number, string>();
/** Block times repeat across a batch (many trades per second): memoize the ISO text per second. */
function isoSeconds(unix: number): string {
  let iso = isoSecondsCache.get(unix);
  if (iso === undefined) {
    if (isoSecondsCache.size > 10_000) isoSecondsCache.clear();
    iso = new Date(unix * 1000).toISOString();
    isoSecondsCache.set(unix, iso);
  }
  return iso;
}

const text = (v: bigint | null): CopyCell => (v === null ? null : v.toString());

/** One validated trade as a COPY row (`tokenId` from the mint → id lookup, `bytes` its chain keys as bytea text). */
export function tradeRow(t: TradeEvent, tokenId: string, bytes: TradeBytes): CopyCell[] {
  return [
    bytes.signature, String(t.ixIndex), String(t.innerIxIndex), isoSeconds(t.blockTime!), String(t.slot), t.program,
    tokenId, t.mint, t.pool, t.quoteMint, bytes.user, t.side, text(t.solAmount), text(t.tokenAmount), text(t.fee),
    text(t.protocolFee), text(t.creatorFee), text(t.platformFee), text(t.virtualSolReserves),
    text(t.virtualTokenReserves), text(t.realSolReserves), text(t.realTokenReserves), t.priceSol, t.progressPct,
    String(t.baseDecimals), String(t.quoteDecimals), t.ixName, t.completesCurve ? 't' : 'f',
  ];
}

/**
 * {@link tradeRow} as its CSV line, written in one go: only the chain strings can need quoting (checked by
 * csvField); the other columns are numbers, the token id, and values the validation has pinned to safe
 * text (platform, side, decimal price and progress). Equal to the generic encoding of tradeRow (tested);
 * a third of the JS time of encoding a trade that way.
 */
export function tradeCsvLine(t: TradeEvent, tokenId: string, bytes: TradeBytes): string {
  return `${csvField(bytes.signature)},${t.ixIndex},${t.innerIxIndex},${isoSeconds(t.blockTime!)},${t.slot},${t.program},${tokenId},${csvField(t.mint)},${csvField(t.pool)},${csvField(t.quoteMint)},${csvField(bytes.user)},${t.side},${t.solAmount},${t.tokenAmount},${t.fee},${t.protocolFee},${t.creatorFee},${t.platformFee},${t.virtualSolReserves},${t.virtualTokenReserves},${t.realSolReserves ?? ''},${t.realTokenReserves ?? ''},${t.priceSol},${t.progressPct ?? ''},${t.baseDecimals},${t.quoteDecimals},${csvField(t.ixName)},${t.completesCurve ? 't' : 'f'}\n`;
}

/** A validated trade, its token's id and its chain keys as bytea text: what a COPY row is made of. */
export interface PreparedTrade {
  event: TradeEvent;
  tokenId: string;
  bytes: TradeBytes;
}

/**
 * The trades as COPY rows, made as the COPY reads them: on the server the rows of one piece are encoded
 * while PostgreSQL is inserting the previous piece, instead of all before the COPY starts. CSV lines for
 * the COPY paths, cells for a peer without COPY.
 */
const copyRows = (trades: readonly PreparedTrade[]): CsvEncodedRows => ({
  *[Symbol.iterator]() {
    for (const t of trades) yield tradeRow(t.event, t.tokenId, t.bytes);
  },
  *csvLines() {
    for (const t of trades) yield tradeCsvLine(t.event, t.tokenId, t.bytes);
  },
});

export interface TradeInsertResult {
  /** Rows that were new (duplicates of stored rows are skipped, not counted). */
  inserted: number;
  /** Rows that went to quarantine. */
  quarantined: number;
}

/** {@link TradeInsertResult} with the new rows counted per platform. */
export interface PlatformInsertResult {
  inserted: Record<Platform, number>;
  quarantined: number;
}

const STAGING = 'transactions_staging';
let savepointSeq = 0;

/** SQLSTATE classes that mean "this row is bad" (data exception, integrity violation), not "try again". */
const isRowError = (err: unknown): boolean => /^2[23]/.test(String((err as { code?: unknown })?.code ?? ''));
const isUniqueViolation = (err: unknown): boolean => (err as { code?: unknown })?.code === '23505';

function countByPlatform(trades: readonly PreparedTrade[]): Record<Platform, number> {
  const counts = { pumpfun: 0, launchlab: 0 };
  for (const t of trades) counts[t.event.program]++;
  return counts;
}

/**
 * Bulk-inserts trades (all platforms in one statement), duplicate-safe, inside the caller's transaction.
 * Fast path: COPY straight into `transactions` — it stores every row or fails, so the per-platform counts
 * are the input's. Only when that hits a unique violation (a replayed batch) does it copy into a temp
 * staging table and `INSERT … ON CONFLICT DO NOTHING`, counting what was new. Any other row error splits
 * the batch in halves until the bad row is isolated: that row goes to quarantine with the database's
 * reason, the rest lands. Each attempt runs under a savepoint so a failed attempt never poisons the
 * transaction.
 */
export async function insertTradeRows(tx: Queryable, trades: readonly PreparedTrade[], source: string | null): Promise<PlatformInsertResult> {
  if (trades.length === 0) return { inserted: { pumpfun: 0, launchlab: 0 }, quarantined: 0 };
  const rows = copyRows(trades);
  try {
    await underSavepoint(tx, () => tx.copy('transactions', TRADE_COLUMNS, rows));
    return { inserted: countByPlatform(trades), quarantined: 0 };
  } catch (err) {
    if (!isRowError(err)) throw err;
    if (isUniqueViolation(err)) {
      try {
        return { inserted: await underSavepoint(tx, () => insertIgnoringDuplicates(tx, rows)), quarantined: 0 };
      } catch (stagedErr) {
        if (!isRowError(stagedErr)) throw stagedErr;
        return isolateBadRows(tx, trades, stagedErr, source);
      }
    }
    return isolateBadRows(tx, trades, err, source);
  }
}

async function isolateBadRows(tx: Queryable, trades: readonly PreparedTrade[], err: unknown, source: string | null): Promise<PlatformInsertResult> {
  if (trades.length === 1) {
    const { event } = trades[0]!;
    await quarantine(tx, {
      kind: 'trade',
      reason: `insert failed: ${(err as Error).message}`,
      raw: event,
      signature: event.signature,
      slot: event.slot,
      source,
    });
    return { inserted: { pumpfun: 0, launchlab: 0 }, quarantined: 1 };
  }
  const mid = trades.length >>> 1;
  const a = await insertTradeRows(tx, trades.slice(0, mid), source);
  const b = await insertTradeRows(tx, trades.slice(mid), source);
  return {
    inserted: { pumpfun: a.inserted.pumpfun + b.inserted.pumpfun, launchlab: a.inserted.launchlab + b.inserted.launchlab },
    quarantined: a.quarantined + b.quarantined,
  };
}

async function insertIgnoringDuplicates(tx: Queryable, rows: CopyRows): Promise<Record<Platform, number>> {
  // Temp table per connection; LIKE copies the columns and NOT NULLs.
  await tx.exec(`CREATE TEMP TABLE IF NOT EXISTS ${STAGING} (LIKE transactions) ON COMMIT DELETE ROWS;
                 TRUNCATE ${STAGING}`);
  await tx.copy(STAGING, TRADE_COLUMNS, rows);
  const cols = TRADE_COLUMNS.join(', ');
  const res = await tx.query<{ platform: Platform; n: number }>(
    `WITH inserted AS (
       INSERT INTO transactions (${cols}) SELECT ${cols} FROM ${STAGING} ON CONFLICT DO NOTHING RETURNING platform
     )
     SELECT platform, count(*)::int AS n FROM inserted GROUP BY platform`,
  );
  const counts = { pumpfun: 0, launchlab: 0 };
  for (const r of res.rows) counts[r.platform] = r.n;
  return counts;
}

async function underSavepoint<T>(tx: Queryable, fn: () => Promise<T>): Promise<T> {
  const name = `megatron_sp_${++savepointSeq}`;
  await tx.exec(`SAVEPOINT ${name}`);
  try {
    const result = await fn();
    await tx.exec(`RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (err) {
    await tx.exec(`ROLLBACK TO SAVEPOINT ${name}`);
    throw err;
  }
}
