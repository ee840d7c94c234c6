/**
 * Ingest benchmark: N synthetic trades (chain-realistic widths) through the trade writer on each
 * backend, and in the same run a raw COPY of the same rows into a bare copy of `transactions` (same
 * columns, key, indexes and partitioning; no writer logic) as the baseline, batch by batch in turn. The
 * baseline's CSV is encoded before its clock starts; the writer's time includes validating and encoding.
 *
 *   npm run bench:ingest -- [--rows 200000] [--batch 5000] [--span 86000] [--backend all|server|embedded] [--json]
 *
 * --span = seconds of block time the trades cover (default 86,000: a 5,000-trade batch spans ~36 minutes,
 *          so nearly every trade marks its own (token, minute) candle bucket; a shorter span packs a batch
 *          into fewer minutes, hence fewer marks).
 *
 * server   = `pg` driver against MEGATRON_BENCH_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 *            in a fresh database that is dropped afterwards;
 * embedded = PGlite + TimescaleDB in-process (in memory).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import bs58 from 'bs58';
import type { TradeEvent } from '../src/core/events.ts';
import { openDb } from '../src/db/index.ts';
import { tradeBytes, type TradeBytes } from '../src/db/bytea.ts';
import { TRADE_COLUMNS, tradeCsvLine, tradeRow } from '../src/db/trades.ts';
import type { CsvEncodedRows, Db } from '../src/db/types.ts';
import { EventWriter } from '../src/db/writer.ts';
import { createScratchDatabase } from '../src/db/scratch.ts';

interface BackendResult {
  backend: 'server' | 'embedded';
  rows: number;
  rows_per_s: number;
  baseline_rows_per_s: number;
  ratio: number;
}

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '200000' },
    batch: { type: 'string', default: '5000' },
    span: { type: 'string', default: '86000' },
    backend: { type: 'string', default: 'all' },
    json: { type: 'boolean', default: false },
  },
});
const ROWS = Number(args.rows);
const BATCH = Number(args.batch);
const SPAN = Number(args.span);
if (![ROWS, BATCH, SPAN].every((v) => Number.isInteger(v) && v >= 1)) {
  process.stderr.write('--rows, --batch and --span must be positive integers\n');
  process.exit(2);
}
const SERVER_URL = process.env.MEGATRON_BENCH_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const key = () => bs58.encode(randomBytes(32));

/** 1 token per 200 trades, 20 k traders, block times over `SPAN` seconds; every tenth signature holds two trades. */
function syntheticTrades(n: number): TradeEvent[] {
  const tokens = Array.from({ length: Math.max(1, Math.ceil(n / 200)) }, () => ({ mint: key(), pool: key() }));
  const users = Array.from({ length: 20_000 }, key);
  const start = Math.floor(Date.now() / 1000) - SPAN - 400;
  const out: TradeEvent[] = [];
  let sig = '';
  for (let i = 0; i < n; i++) {
    const t = tokens[i % tokens.length]!;
    const second = i % 10 === 1;
    if (!second) sig = bs58.encode(randomBytes(64));
    const sol = BigInt(1_000_000 + ((i * 7919) % 5_000_000_000));
    out.push({
      type: 'trade', venue: 'curve', program: i % 3 === 0 ? 'launchlab' : 'pumpfun', signature: sig, slot: 350_000_000 + i,
      blockTime: start + Math.floor((i / n) * SPAN), ixIndex: second ? 3 : 2, innerIxIndex: second ? 1 : -1,
      mint: t.mint, quoteMint: 'So11111111111111111111111111111111111111112', pool: t.pool, user: users[i % users.length]!,
      side: i % 2 ? 'sell' : 'buy', solAmount: sol, tokenAmount: sol * 34_567n, fee: sol / 100n, protocolFee: sol / 105n,
      creatorFee: sol / 2000n, platformFee: 0n, virtualSolReserves: 30_000_000_000n + sol,
      virtualTokenReserves: 1_073_000_000_000_000n - sol * 34_567n, realSolReserves: sol, realTokenReserves: 793_100_000_000_000n - sol,
      priceSol: `0.0000000${280_000_000 + (i % 99_999)}12345`, progressPct: `${(i % 10_000) / 100}`, baseDecimals: 6, quoteDecimals: 9,
      ixName: 'buy', completesCurve: false, trailingBytes: 0,
    });
  }
  return out;
}

/** Same columns, key, indexes and partitioning as `transactions`; nothing else. */
async function createBaselineTable(db: Db, trades: readonly TradeEvent[]): Promise<void> {
  if (db.flavour === 'timescale') {
    await db.exec(`CREATE TABLE transactions_baseline (LIKE transactions INCLUDING ALL);
                   SELECT create_hypertable('transactions_baseline', by_range('block_time', INTERVAL '1 day'));`);
    return;
  }
  await db.exec(`CREATE TABLE transactions_baseline (LIKE transactions INCLUDING ALL) PARTITION BY RANGE (block_time)`);
  const days = new Set(trades.map((t) => new Date(t.blockTime! * 1000).toISOString().slice(0, 10)));
  for (const d of days) {
    const next = new Date(Date.parse(d) + 86_400_000).toISOString().slice(0, 10);
    await db.exec(`CREATE TABLE transactions_baseline_p${d.replaceAll('-', '')} PARTITION OF transactions_baseline
                   FOR VALUES FROM ('${d}T00:00:00Z') TO ('${next}T00:00:00Z')`);
  }
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function runBackend(backend: BackendResult['backend'], db: Db, trades: readonly TradeEvent[]): Promise<BackendResult> {
  await createBaselineTable(db, trades);
  const ids = new Map<string, string>();
  for (const t of trades) if (!ids.has(t.mint)) ids.set(t.mint, randomUUID());
  const writer = new EventWriter(db);
  let inserted = 0;
  let baselineSeconds = 0;
  let writerSeconds = 0;
  // Batch by batch, the baseline's COPY then the writer's batch, so both meet the same database state
  // (table sizes, WAL and checkpoints, PGlite's heap growth) instead of one running on a fresher database.
  for (let i = 0; i < trades.length; i += BATCH) {
    const slice = trades.slice(i, i + BATCH);
    // Encoded before its clock starts, with the writer's own CSV encoding: the baseline is the COPY alone.
    const keys = slice.map((t) => tradeBytes(t) as TradeBytes);
    const lines = slice.map((t, j) => tradeCsvLine(t, ids.get(t.mint)!, keys[j]!));
    const rows: CsvEncodedRows = {
      [Symbol.iterator]: () => slice.map((t, j) => tradeRow(t, ids.get(t.mint)!, keys[j]!)).values(),
      csvLines: () => lines,
    };
    baselineSeconds += await timed(() => db.transaction(async (tx) => void (await tx.copy('transactions_baseline', TRADE_COLUMNS, rows))));
    writerSeconds += await timed(async () => {
      inserted += (await writer.transaction((w) => w.insertTrades(slice))).inserted;
    });
  }
  if (inserted !== trades.length) throw new Error(`writer stored ${inserted} of ${trades.length} trades`);
  const rowsPerS = trades.length / writerSeconds;
  const baselinePerS = trades.length / baselineSeconds;
  return {
    backend,
    rows: trades.length,
    rows_per_s: Math.round(rowsPerS),
    baseline_rows_per_s: Math.round(baselinePerS),
    ratio: Math.round((rowsPerS / baselinePerS) * 100) / 100,
  };
}

async function benchServer(trades: readonly TradeEvent[]): Promise<BackendResult> {
  const scratch = await createScratchDatabase(SERVER_URL, 'megatron_bench');
  try {
    const db = await openDb({ databaseUrl: scratch.url });
    try {
      return await runBackend('server', db, trades);
    } finally {
      await db.close();
    }
  } finally {
    await scratch.drop();
  }
}

async function benchEmbedded(trades: readonly TradeEvent[]): Promise<BackendResult> {
  const db = await openDb({ inMemory: true });
  try {
    return await runBackend('embedded', db, trades);
  } finally {
    await db.close();
  }
}

const trades = syntheticTrades(ROWS);
const backends: BackendResult[] = [];
if (args.backend === 'all' || args.backend === 'server') backends.push(await benchServer(trades));
if (args.backend === 'all' || args.backend === 'embedded') backends.push(await benchEmbedded(trades));

if (args.json) {
  process.stdout.write(JSON.stringify({ backends }) + '\n');
} else {
  const header = ['backend', 'rows', 'writer rows/s', 'raw COPY rows/s', 'writer/COPY'];
  const lines = backends.map((b) => [b.backend, String(b.rows), String(b.rows_per_s), String(b.baseline_rows_per_s), b.ratio.toFixed(2)]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => '| ' + cells.map((c, i) => c.padStart(widths[i]!)).join(' | ') + ' |';
  process.stdout.write([fmt(header), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...lines.map(fmt)].join('\n') + '\n');
  process.stdout.write(`batch ${BATCH} rows per transaction, trades over ${SPAN} s of block time; baseline = COPY of the same rows, CSV encoded beforehand, into a bare copy of transactions\n`);
}
