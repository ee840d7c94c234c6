import { createHash } from 'node:crypto';
import path from 'node:path';
import { Option, type Command } from 'commander';
import type { Config } from '../config.ts';
import { PROGRAM_IDS } from '../pipeline/programs.ts';
import { addIndexerOptions, buildSource, runIndexer, type IndexerFlags } from './run.ts';
import { publishUrl } from './stream-roles.ts';

/** A checkpoint per set of files, so replaying other files never resumes from this replay's position. */
export function replayCheckpointName(files: readonly string[]): string {
  const id = createHash('sha256').update(files.map((f) => path.resolve(f)).join('\n')).digest('hex').slice(0, 12);
  return `replay:${path.basename(files[0]!)}${files.length > 1 ? `+${files.length - 1}` : ''}:${id}`;
}

/** `megatron replay FILE…`: getTransaction results (JSON array / JSONL / gzip) through the pipeline into the database. */
export function register(program: Command, config: Config): void {
  const cmd = program
    .command('replay')
    .description('replay files of getTransaction results (JSON array or JSONL, .gz ok) into the database; resumable')
    .argument('<files...>', 'files to replay, in order')
    .addOption(new Option('--pace <pace>', 'fast = as fast as the database takes it; recorded = keep the block-time gaps').choices(['fast', 'recorded']).default('fast'));
  addIndexerOptions(cmd, { api: false }).action(async (files: string[], flags: IndexerFlags) => {
    const built = buildSource('replay', config, flags, Object.values(PROGRAM_IDS), files);
    await runIndexer(config, { built, checkpointName: flags.checkpointName ?? replayCheckpointName(files), api: flags.api, jobs: flags.jobs, status: flags.status, publishUrl: publishUrl(flags.publish, config), command: 'replay' });
  });
}
