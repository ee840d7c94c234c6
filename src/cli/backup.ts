import type { Command } from 'commander';
import type { Config } from '../config.ts';
import { backup, defaultBackupFile } from '../ops/backup.ts';

/** `megatron backup [--out FILE]`: pg_dump (custom format) of a server, or PGlite's data-directory archive. */
export function register(program: Command, config: Config): void {
  program
    .command('backup')
    .description('back up the database: pg_dump custom format (server) or the PGlite data directory (embedded); stop `run` first')
    .option('--out <file>', 'where to write it (default megatron-<time>.dump / megatron-pglite-<time>.tar.gz)')
    .action(async (opts: { out?: string }) => {
      const res = await backup(config, opts.out ?? defaultBackupFile(config));
      process.stdout.write(`${res.kind} backup written to ${res.file} (${(res.bytes / 1048576).toFixed(1)} MiB)\n`);
    });
}
