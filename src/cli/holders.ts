import type { Command } from 'commander';
import { takeHolderSnapshots } from '../analytics/holders/snapshot.ts';
import { withDb } from '../analytics/open.ts';
import type { Config } from '../config.ts';

/** `megatron holders snapshot [--mint M]`: snapshot one token now, or every token whose balances changed. */
export function register(program: Command, config: Config): void {
  program
    .command('holders')
    .description('holder analytics')
    .command('snapshot')
    .description('store holder snapshots (concentration, Gini, size buckets, raw distribution) from the exact balances')
    .option('--mint <mint>', 'only this token (taken even if nothing changed)')
    .action(async (opts: { mint?: string }) => {
      const n = await withDb(config, (db) => takeHolderSnapshots(db, opts.mint));
      process.stdout.write(`${n} holder snapshot(s) stored\n`);
    });
}
