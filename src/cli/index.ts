import { Command, CommanderError } from 'commander';
import { loadConfig, type Config } from '../config.ts';
import { UsageError, errorMessage } from '../core/errors.ts';
import { createLogger, setLogger } from '../core/logger.ts';

/**
 * The `megatron` command. Each job registers its subcommand from its own module; config is read and
 * validated once here, before any job runs.
 */
export type Register = (program: Command, config: Config) => void;

const commands: Array<() => Promise<{ register: Register }>> = [
  // one line per command module, e.g. () => import('./db.ts'),
  () => import('./db.ts'),
  () => import('./decode.ts'),
  () => import('./check.ts'),
  () => import('./holders.ts'),
  () => import('./score.ts'),
  () => import('./serve.ts'),
  () => import('./simulate.ts'),
  () => import('./run.ts'),
  () => import('./monitor.ts'),
  () => import('./replay.ts'),
  () => import('./backfill.ts'),
  () => import('./backup.ts'),
  () => import('./restore.ts'),
  () => import('./checks.ts'),
  () => import('./status.ts'),
  () => import('./quarantine.ts'),
];

export async function main(argv: string[]): Promise<number> {
  const program = new Command('megatron')
    .description('Real-time indexer and analytics for Solana launchpads (pump.fun, Raydium LaunchLab)')
    .exitOverride()
    .showHelpAfterError()
    // Options belong to the command they follow: `check --json` and `check candles --json` differ.
    .enablePositionalOptions();
  try {
    const config = loadConfig();
    setLogger(createLogger({ level: config.logLevel, format: config.logFormat }));
    for (const load of commands) (await load()).register(program, config);
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof UsageError) {
      process.stderr.write(`megatron: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`megatron: ${errorMessage(err)}\n`);
    return 1;
  }
}
