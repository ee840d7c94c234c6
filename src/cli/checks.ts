import type { Command } from 'commander';
import { refreshCandles } from '../analytics/candles/refresh.ts';
import { withDb } from '../analytics/open.ts';
import type { Config } from '../config.ts';
import { UsageError } from '../core/errors.ts';
import { checkAgainstChain, checkConsistency, formatConsistency, type CheckResult } from '../ops/check.ts';
import { JsonRpcHttpClient } from '../sources/rpc/index.ts';
import { parseSince } from './since.ts';

/**
 * `megatron check [--since T] [--refresh] [--chain --sample N] [--json]`: the consistency rules plus the
 * candle check; exit 1 with a readable report when anything is off. Attaches to the `check` command of
 * check.ts (whose subcommand `check candles` it reuses), so `megatron check candles` keeps working.
 */
export function register(program: Command, config: Config): void {
  const check = program.commands.find((c) => c.name() === 'check') ?? program.command('check');
  check
    .description('consistency: duplicate mints/trade keys, orphan pools/trades, graduation signatures, pool reserves, candles vs trades; `check candles` for candles only')
    .option('--since <time>', 'compare candles from this ISO time or age (within the 1m retention)', '24h')
    .option('--refresh', 'refresh the candles first (what the scheduler does every minute)')
    .option('--chain', 're-fetch sampled stored transactions over SOLANA_RPC_URL, decode and compare with the stored trades')
    .option('--sample <n>', 'transactions re-fetched by --chain', '20')
    .option('--json', 'one JSON object')
    .action(async (opts: { since: string; refresh?: boolean; chain?: boolean; sample: string; json?: boolean }) => {
      const sample = Number(opts.sample);
      if (!Number.isSafeInteger(sample) || sample < 1) throw new UsageError(`--sample must be a positive integer, got ${opts.sample}`);
      if (opts.chain && !config.solanaRpcUrl) throw new UsageError('--chain needs SOLANA_RPC_URL');
      const checks: CheckResult[] = await withDb(config, async (db) => {
        if (opts.refresh) await refreshCandles(db);
        const report = await checkConsistency(db, { candlesSince: parseSince(opts.since) });
        if (!opts.chain) return report.checks;
        const rpc = new JsonRpcHttpClient({
          url: config.solanaRpcUrl!, concurrency: config.rpcConcurrency, requestsPerSecond: config.rpcRequestsPerSecond, timeoutMs: 30_000, maxRetries: 3,
        });
        const fetch = (signature: string) =>
          rpc.call<unknown>('getTransaction', [signature, { encoding: 'json', maxSupportedTransactionVersion: 0, commitment: config.commitment === 'processed' ? 'confirmed' : config.commitment }]);
        return [...report.checks, await checkAgainstChain(db, fetch, sample)];
      });
      const ok = checks.every((c) => c.violations === 0);
      process.stdout.write(opts.json ? JSON.stringify({ ok, checks }) + '\n' : formatConsistency(checks));
      if (!ok) process.exitCode = 1;
    });
}
