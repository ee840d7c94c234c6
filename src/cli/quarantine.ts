import type { Command } from 'commander';
import { withDb } from '../analytics/open.ts';
import type { Config } from '../config.ts';
import { UsageError } from '../core/errors.ts';
import { listFlags } from '../db/flags.ts';
import { listQuarantine } from '../db/quarantine.ts';
import { textTable } from '../ops/compression.ts';
import { redecodeStored, type RedecodeReport } from '../pipeline/redecode.ts';
import { parseSince } from './since.ts';

interface Flags {
  since?: string;
  reason?: string;
  flagged?: boolean;
  limit: string;
  json?: boolean;
}

const filterOf = (f: Flags) => ({ since: f.since ? parseSince(f.since) : null, reason: f.reason ?? null, flagged: f.flagged ?? false });
const clip = (s: string, n = 120): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function limitOf(f: Flags): number {
  const n = Number(f.limit);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--limit must be a non-negative integer, got ${f.limit}`);
  return n;
}

/**
 * `megatron quarantine list|retry [--since T] [--reason TEXT] [--flagged]`: what could not be decoded (or, with
 * --flagged, what was stored with a self-check disagreement), and re-decoding it with today's decoders.
 */
export function register(program: Command, config: Config): void {
  const q = program.command('quarantine').description('transactions that could not be decoded (and, with --flagged, stored ones the self-check disagrees with): list, re-decode');
  const common = (c: Command): Command =>
    c.option('--since <time>', 'only rows from this ISO time or age (90m, 6h, 2d)')
      .option('--reason <text>', 'only rows whose reason contains this text (case-insensitive)')
      .option('--flagged', 'flagged transactions (decode_flags) instead of quarantined ones')
      .option('--limit <n>', 'rows printed (all are counted)', '50')
      .option('--json', 'one JSON object');
  common(q.command('list').description('list quarantined (or --flagged) transactions with their reason')).action(async (f: Flags) => {
    const limit = limitOf(f);
    const filter = filterOf(f);
    const rows = await withDb(config, async (db) =>
      filter.flagged
        ? (await listFlags(db, filter)).map((r) => ({ id: r.signature, at: r.flaggedAt, kind: r.kind, signature: r.signature, decoder: r.decoderVersion, reason: r.problems.map((p) => p.message).join('; ') }))
        : (await listQuarantine(db, filter)).map((r) => ({ id: r.id, at: r.createdAt, kind: r.kind, signature: r.signature, decoder: r.decoderVersion, reason: r.reason })),
    );
    if (f.json) return void process.stdout.write(JSON.stringify({ count: rows.length, rows }) + '\n');
    const shown = rows.slice(0, limit);
    process.stdout.write(`${rows.length} ${filter.flagged ? 'flagged' : 'quarantined'} row(s)\n`);
    if (shown.length) {
      process.stdout.write(textTable(['id', 'at', 'kind', 'signature', 'decoder', 'reason'],
        shown.map((r) => [r.id, r.at, r.kind, r.signature ?? '-', r.decoder ?? '-', clip(r.reason)])));
    }
    if (rows.length > shown.length) process.stdout.write(`… ${rows.length - shown.length} more (--limit, or --json for all)\n`);
  });
  common(q.command('retry').description('re-decode them with today\'s decoders: store what decodes now (idempotently), report what still fails')).action(async (f: Flags) => {
    const limit = limitOf(f);
    const report = await withDb(config, (db) => redecodeStored(db, filterOf(f)));
    process.stdout.write(f.json ? JSON.stringify(report) + '\n' : formatRetry(report, limit));
    if (report.failing > 0 || report.flagged > 0) process.exitCode = 1;
  });
}

export function formatRetry(r: RedecodeReport, limit: number): string {
  let out = `decoders ${r.decoderVersion}: ${r.examined} examined · ${r.stored} stored · ${r.flagged} stored but still flagged · ${r.failing} still failing\n`;
  const left = r.outcomes.filter((o) => o.outcome !== 'stored');
  if (left.length) out += textTable(['id', 'signature', 'outcome', 'reason'], left.slice(0, limit).map((o) => [o.id, o.signature ?? '-', o.outcome, clip(o.reason ?? '')]));
  if (left.length > limit) out += `… ${left.length - limit} more (--json for all)\n`;
  return out;
}
