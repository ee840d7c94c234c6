import type { Command } from 'commander';
import { checkCandles, type CandleCheckReport } from '../analytics/candles/check.ts';
import { refreshCandles } from '../analytics/candles/refresh.ts';
import { withDb } from '../analytics/open.ts';
import type { Config } from '../config.ts';
import { UsageError } from '../core/errors.ts';
import { parseSince } from './since.ts';

function printReport(r: CandleCheckReport, limit: number): void {
  const out = process.stdout;
  out.write(`candles since ${r.since.toISOString()}${r.mint ? ` for ${r.mint}` : ''}\n`);
  out.write(`buckets with trades: ${Object.entries(r.buckets).map(([tf, n]) => `${tf} ${n}`).join(' · ')}\n`);
  for (const m of r.mismatches.slice(0, limit)) {
    const fields = Object.entries(m.fields).map(([f, [raw, candle]]) => `${f}: trades ${raw ?? '∅'} ≠ candle ${candle ?? '∅'}`);
    out.write(`${m.timeframe.padEnd(3)} ${m.bucket.toISOString()} ${m.mint} ${m.problem}${fields.length ? `  ${fields.join('; ')}` : ''}\n`);
  }
  if (r.mismatches.length > limit) out.write(`… ${r.mismatches.length - limit} more (--limit, or --json for all)\n`);
  const tally = new Map<string, number>();
  for (const m of r.mismatches) tally.set(`${m.timeframe} ${m.problem}`, (tally.get(`${m.timeframe} ${m.problem}`) ?? 0) + 1);
  if (r.pending.length > 0) {
    const due = new Map<string, number>();
    for (const m of r.pending) due.set(`${m.timeframe} ${m.problem}`, (due.get(`${m.timeframe} ${m.problem}`) ?? 0) + 1);
    const meanwhile = r.pendingFrom === 'candle_dirty'
      ? 'marked for the next rollup; readers get them computed from the trades meanwhile'
      : 'in ranges TimescaleDB has invalidated; readers see them after the next refresh';
    out.write(`not yet due: ${r.pending.length} bucket(s) ${meanwhile} (${[...due].map(([k, n]) => `${k} ${n}`).join(', ')})\n`);
  }
  out.write(r.mismatches.length === 0
    ? `OK: every candle matches the raw trades${r.pending.length > 0 ? ' or awaits its refresh' : ''}\n`
    : `MISMATCH: ${r.mismatches.length} bucket(s): ${[...tally].map(([k, n]) => `${k} ${n}`).join(', ')}\n`);
}

/**
 * `megatron check candles [--mint M] [--since T] [--refresh] [--limit N] [--json]`: raw trades vs candles;
 * exit 1 on any mismatch (buckets only awaiting their refresh are reported apart as not yet due and do not fail).
 */
export function register(program: Command, config: Config): void {
  const check = program.command('check').description('verify stored data against its sources');
  check
    .command('candles')
    .description('compare every candle (1m, 5m, 1h, 1d) with the raw trades: counts, OHLC, volumes, missing buckets')
    .option('--mint <mint>', 'only this token')
    .option('--since <time>', 'from this ISO time or age (90m, 2h, 1d)', '24h')
    .option('--refresh', 'refresh the candles first (what the scheduler does every minute)')
    .option('--limit <n>', 'mismatches printed (all are counted)', '50')
    .option('--json', 'print the report as JSON (every mismatch)')
    .action(async (opts: { mint?: string; since: string; refresh?: boolean; limit: string; json?: boolean }) => {
      const since = parseSince(opts.since);
      const limit = Number(opts.limit);
      if (!Number.isSafeInteger(limit) || limit < 0) throw new UsageError(`--limit must be a non-negative integer, got ${opts.limit}`);
      const report = await withDb(config, async (db) => {
        if (opts.refresh) await refreshCandles(db);
        return checkCandles(db, { mint: opts.mint, since });
      });
      if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
      else printReport(report, limit);
      if (report.mismatches.length > 0) process.exitCode = 1;
    });
}
