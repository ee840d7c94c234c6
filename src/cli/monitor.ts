import { Argument, Option, type Command } from 'commander';
import type { Config } from '../config.ts';
import { PROGRAM_IDS } from '../pipeline/programs.ts';
import { addIndexerOptions, buildSource, defaultSourceKind, runIndexer, SOURCE_KINDS, type IndexerFlags } from './run.ts';
import { publishUrl } from './stream-roles.ts';
import { addSimulateOptions } from './simulate.ts';

/**
 * `megatron monitor pumpfun|launchlab`: one program, like the seed's `pfmonitor:transaction` and
 * `rlmonitor:trans` (which stay as npm script aliases), with its own checkpoint (`<source>:<program>`).
 */
export function register(program: Command, config: Config): void {
  const cmd = program
    .command('monitor')
    .description('index one launchpad program (its own checkpoint); source from the configured endpoints, else simulate')
    .addArgument(new Argument('<program>', 'the launchpad').choices(Object.keys(PROGRAM_IDS)))
    .addOption(new Option('--source <kind>', 'simulate | rpc | yellowstone (default: from the configured endpoints)').choices(SOURCE_KINDS.filter((k) => k !== 'replay')));
  addIndexerOptions(addSimulateOptions(cmd, { rate: '300', startTime: 'now' }), { api: false }).action(async (name: keyof typeof PROGRAM_IDS, flags: IndexerFlags) => {
    const built = buildSource(flags.source ?? defaultSourceKind(config), config, flags, [PROGRAM_IDS[name]]);
    await runIndexer(config, { built, checkpointName: flags.checkpointName, api: flags.api, jobs: flags.jobs, status: flags.status, publishUrl: publishUrl(flags.publish, config), command: `monitor ${name}` });
  });
}
