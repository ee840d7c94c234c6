/**
 * Compression benchmark: a simulated market history (simulator → decoders → writer, ≥ 1,000,000 trades over
 * ≥ 10 days by default) in the embedded database (PGlite + TimescaleDB, the only TimescaleDB here), every
 * trade chunk compressed with the migrations' settings, then TimescaleDB's own statistics per hypertable —
 * what `megatron db compression` prints.
 *
 *   npm run bench:compression -- [--trades 1000000] [--days 11] [--seed 7] [--candles] [--columns] [--what-if] [--json]
 *
 * --candles also materializes and compresses the candle aggregates (slow: every 1m bucket of the history).
 * --columns also prints what each trades column costs compressed (bytes per trade, largest first).
 * --what-if also measures the same trades in the lean layouts (bench/compression-what-if.ts), per trade and
 * all told (signature and address tables included), and the ceiling the incompressible signature sets.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { refreshCandles } from '../src/analytics/candles/refresh.ts';
import { openDb } from '../src/db/index.ts';
import { compressedColumnCosts, compressionReport, formatCompression, textTable, type ColumnCost, type HypertableCompression } from '../src/ops/compression.ts';
import type { Db } from '../src/db/types.ts';
import { fillSimulatedHistory } from '../src/ops/history.ts';
import { KEY_IN_ROW, measureLayouts, type WhatIfRow } from './compression-what-if.ts';

const { values: args } = parseArgs({
  options: {
    trades: { type: 'string', default: '1000000' },
    days: { type: 'string', default: '11' },
    seed: { type: 'string', default: '7' },
    candles: { type: 'boolean', default: false },
    columns: { type: 'boolean', default: false },
    'what-if': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const trades = Number(args.trades);
const days = Number(args.days);
if (!Number.isInteger(trades) || trades < 1 || !(days > 0)) throw new Error('--trades must be a positive integer and --days positive');

const dir = await mkdtemp(path.join(tmpdir(), 'megatron-bench-compression-'));
const db = await openDb({ dataDir: dir });
try {
  const t0 = performance.now();
  const history = await fillSimulatedHistory(db, { trades, days, seed: Number(args.seed) });
  const fillSeconds = (performance.now() - t0) / 1000;
  const stored = (await db.query<{ n: bigint; tokens: bigint }>('SELECT count(*) AS n, count(DISTINCT token_id) AS tokens FROM transactions')).rows[0]!;

  const t1 = performance.now();
  // What the 7-day policy does to each chunk as it ages, applied to all of them now.
  await db.exec(`SELECT compress_chunk(c, if_not_compressed => true) FROM show_chunks('transactions') c`);
  const compressSeconds = (performance.now() - t1) / 1000;
  if (args.candles) {
    await refreshCandles(db);
    for (const view of ['price_candles_1m', 'price_candles_5m']) {
      await db.exec(`SELECT compress_chunk(c, if_not_compressed => true) FROM show_chunks('${view}') c`);
    }
  }
  const report = await compressionReport(db);
  const columns = args.columns ? await compressedColumnCosts(db, 'transactions') : null;
  const whatIf = args['what-if'] ? await whatIfReport(db, report.hypertables.find((h) => h.relation === 'transactions')!, Number(stored.n)) : null;
  const summary = {
    trades: Number(stored.n), tokens: Number(stored.tokens), transactions: history.transactions,
    first: history.first.toISOString(), last: history.last.toISOString(),
    days: (history.last.getTime() - history.first.getTime()) / 86_400_000,
    fill_seconds: Math.round(fillSeconds), compress_seconds: Math.round(compressSeconds),
  };
  if (args.json) {
    process.stdout.write(JSON.stringify({ ...summary, hypertables: report.hypertables, ...(columns ? { columns: perTrade(columns, Number(stored.n)) } : {}), ...(whatIf ? { what_if: whatIf } : {}) }) + '\n');
  } else {
    process.stdout.write(textTable(['trades', 'tokens', 'span (days)', 'first', 'last', 'fill s', 'compress s'], [[
      String(summary.trades), String(summary.tokens), summary.days.toFixed(2), summary.first, summary.last,
      String(summary.fill_seconds), String(summary.compress_seconds),
    ]]) + '\n' + formatCompression(report) + (columns ? '\n' + formatColumns(perTrade(columns, Number(stored.n))) : '') + (whatIf ? '\n' + formatWhatIf(whatIf) : ''));
  }
} finally {
  await db.close();
  await rm(dir, { recursive: true, force: true });
}

function perTrade(columns: ColumnCost[], rows: number) {
  const total = columns.reduce((a, c) => a + c.bytes, 0);
  return columns.map((c) => ({ column: c.column, bytes_per_trade: c.bytes / rows, share: c.bytes / total }));
}

function formatColumns(rows: ReturnType<typeof perTrade>): string {
  return textTable(['trades column', 'compressed B per trade', 'share'],
    rows.map((r) => [r.column, r.bytes_per_trade.toFixed(2), `${(r.share * 100).toFixed(1)} %`]));
}

/**
 * The stored row next to the lean layouts, per trade and all told (side tables included), and each
 * layout's ceiling: its all-told size before compression over its key's compressed floor — the ratio if
 * every other column compressed to nothing. The stored row and the in-row layouts share the bytea key's floor.
 */
async function whatIfReport(db: Db, trades: HypertableCompression, rows: number) {
  const stored: WhatIfRow = {
    layout: 'as stored', note: 'signature and trader as bytes (0071, 0073), mint and pools as base58 TEXT, u64 as BIGINT (0067, 0068), prices DOUBLE PRECISION (0069)', floor: KEY_IN_ROW,
    tradesBefore: trades.beforeBytes! / rows, tradesAfter: trades.afterBytes! / rows, sideBefore: 0, sideAfter: 0,
  };
  const layouts = [stored, ...await measureLayouts(db)];
  const allTold = (l: WhatIfRow) => ({ before: l.tradesBefore + l.sideBefore, after: l.tradesAfter + l.sideAfter });
  return layouts.map((l) => {
    const floor = layouts.find((f) => f.layout === l.floor);
    return { ...l, ...allTold(l), ceiling: floor ? allTold(l).before / allTold(floor).after : null };
  });
}

function formatWhatIf(rows: Awaited<ReturnType<typeof whatIfReport>>): string {
  const b = (n: number) => n.toFixed(1);
  return textTable(
    ['layout', 'trades B before', 'trades B after', 'trades ratio', 'side B before/after', 'all told B before', 'all told B after', 'all told ratio', 'ceiling', 'what changes'],
    rows.map((r) => [
      r.layout, b(r.tradesBefore), b(r.tradesAfter), `${(r.tradesBefore / r.tradesAfter).toFixed(2)}:1`, `${b(r.sideBefore)} / ${b(r.sideAfter)}`,
      b(r.before), b(r.after), `${(r.before / r.after).toFixed(2)}:1`, r.ceiling === null ? '-' : `${r.ceiling.toFixed(2)}:1`, r.note,
    ]),
  );
}
