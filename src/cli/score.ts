import type { Command } from 'commander';
import { withAnalytics } from '../analytics/open.ts';
import { scoreTokens } from '../analytics/scores/run.ts';
import type { Config } from '../config.ts';

/** `megatron score [--mint M] [--json]`: score tokens now (docs/scoring.md), store the rows, update the cache. */
export function register(program: Command, config: Config): void {
  program
    .command('score')
    .description('score tokens traded in the last hour (or one --mint): technical, holder, social, each 0–333')
    .option('--mint <mint>', 'only this token')
    .option('--json', 'print each score with its components and inputs as JSON lines')
    .action(async (opts: { mint?: string; json?: boolean }) => {
      const scores = await withAnalytics(config, ({ db, cache }) => scoreTokens(db, cache, { mint: opts.mint }));
      for (const [mint, s] of scores) {
        process.stdout.write(opts.json
          ? `${JSON.stringify({ mint, ...s })}\n`
          : `${mint}  total ${String(s.total).padStart(3)}  technical ${String(s.technical).padStart(3)}  holder ${String(s.holder).padStart(3)}  social ${String(s.social).padStart(3)}\n`);
      }
      if (scores.size === 0) process.stdout.write('no token to score\n');
    });
}
