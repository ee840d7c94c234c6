import type { Command } from 'commander';
import type { Config } from '../config.ts';
import { openDb } from '../db/index.ts';
import { restore } from '../ops/backup.ts';
import { tableChecksums } from '../ops/checksums.ts';
import { textTable } from '../ops/compression.ts';

/** `megatron restore FILE [--force]`: into an empty server database or embedded data directory; prints rows per table. */
export function register(program: Command, config: Config): void {
  program
    .command('restore')
    .description('restore a `megatron backup` file into the configured (empty) database, then print rows and checksums per table')
    .argument('<file>', 'backup file')
    .option('--force', 'embedded: move a non-empty data directory aside instead of refusing')
    .action(async (file: string, opts: { force?: boolean }) => {
      const res = await restore(config, file, { force: opts.force === true });
      if (res.movedAside) process.stdout.write(`previous data directory moved to ${res.movedAside}\n`);
      const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, migrate: false });
      try {
        const sums = await tableChecksums(db);
        process.stdout.write(`${res.kind} backup restored\n` + textTable(['table', 'rows', 'md5'], sums.map((s) => [s.relation, String(s.rows), s.md5])));
      } finally {
        await db.close();
      }
    });
}
